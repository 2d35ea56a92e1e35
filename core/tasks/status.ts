/**
 * Task lifecycle. The allowed moves are the only ones the store will write
 * (each update is conditional on the current status).
 *
 *   pending ──claim──▶ running ──▶ completed | failed | cancelled
 *      │                  └──release (transient error)──▶ pending
 *      └──cancel──▶ cancelled
 *   failed | cancelled ──retry──▶ pending
 */
export const TASK_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];

const transitions: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ["running", "cancelled"],
  running: ["completed", "failed", "cancelled", "pending"],
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
