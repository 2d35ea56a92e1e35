/**
 * Task lifecycle. Every store update is conditional on the current status, and the
 * service and crawler only make these moves:
 *
 *   pending ──claim──▶ running ──▶ completed | failed | cancelled
 *      │                  ├──release (transient error, hand-over before a deadline)──▶ pending
 *      │                  ├──take-over (its lease expired: a hung worker, counted)──▶ running
 *      │                  └──hung worker (the pool's watchdog killed it)──▶ pending, or failed at the
 *      │                     second hung worker (WORKER_HUNG, core/tasks/hung.ts)
 *      ├──cancel──▶ cancelled
 *      ├──fail (attempts used up, dead-lettered)──▶ failed
 *      └──touch (the sweeper queued it again)──▶ pending
 *   failed | cancelled ──retry──▶ pending
 */
export const TASK_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];

const transitions: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ["running", "cancelled", "failed", "pending"],
  running: ["completed", "failed", "cancelled", "pending", "running"],
  completed: [],
  failed: ["pending"],
  cancelled: ["pending"],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return transitions[from].includes(to);
}

/** The statuses a task may be in for `to` to be written. */
export function statusesAllowing(to: TaskStatus): TaskStatus[] {
  return TASK_STATUSES.filter((from) => canTransition(from, to));
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
