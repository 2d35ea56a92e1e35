/**
 * Hung workers: the one rule every path that finds one applies, so a task whose pages wedge
 * whatever runs them fails after a fixed number of victims instead of taking the next one.
 *
 * A worker "hung" on a task when it held the task and stopped working on it without ending
 * it: the one-machine pool killed it because its heartbeat stopped (local/worker-pool.ts), its
 * lease ran out while it held the task (a Lambda sandbox killed at its timeout, or any worker
 * whose event loop stopped: core/crawl/runTask.ts counts it at the take-over), or its crawl
 * could not wind down its browser by the invocation's deadline (runTask kills that browser).
 * Each is counted in the task's `hung_workers`; the {@link MAX_HUNG_WORKERS}th fails the task
 * with {@link WORKER_HUNG}. Every write is conditional on the task state the caller read
 * (status plus a lease guard), so a task another delivery ended or took meanwhile is left alone.
 */
import type { WebhookNotifier } from "../webhooks/notifier.js";
import type { Task, TaskErrorSummary } from "./model.js";
import type { TaskStatus } from "./status.js";
import type { TaskChanges, TaskStore, TransitionGuard } from "./store.js";

/**
 * Task error code: the task hung {@link MAX_HUNG_WORKERS} workers and was not given to another.
 * While fewer have hung, a task that was queued again shows it as its last error.
 */
export const WORKER_HUNG = "WORKER_HUNG";

/** A task fails once this many workers hung on it. */
export const MAX_HUNG_WORKERS = 2;

/** What one more hung worker means for a task. */
export interface HungWorkerVerdict {
  /** The task's new `hung_workers`. */
  hungWorkers: number;
  /** True: fail the task now (with {@link error}); false: it may run again. */
  fail: boolean;
  /** Why, for the task's `error`. */
  error: TaskErrorSummary;
}

/**
 * Counts one more hung worker on `task`. `what` says what happened, in a clause such as
 * "worker 2 sent no heartbeat for 31 s and was killed".
 */
export function hungWorkerVerdict(task: Pick<Task, "hung_workers">, what: string): HungWorkerVerdict {
  const hungWorkers = (task.hung_workers ?? 0) + 1;
  const fail = hungWorkers >= MAX_HUNG_WORKERS;
  const message = fail
    ? `${what}; ${hungWorkers} workers have hung on this task, so it is not given to another`
    : `${what} (hung worker ${hungWorkers} of ${MAX_HUNG_WORKERS} before the task fails)`;
  return { hungWorkers, fail, error: { code: WORKER_HUNG, message: message.slice(0, 1000) } };
}

/**
 * Fails `task` with a final verdict, if it is still in `from` and `guard` holds; releases its
 * lease and tells the webhook notifier, as every other failure does. `changes`: more fields to
 * write with it (a run's progress). Returns the failed task, or undefined when the task had
 * moved (ended, or taken by another delivery): then nothing changed.
 */
export async function failForHungWorkers(
  deps: { tasks: TaskStore; webhooks?: WebhookNotifier },
  task: Task,
  verdict: HungWorkerVerdict,
  from: readonly TaskStatus[],
  guard: TransitionGuard,
  changes: TaskChanges = {},
): Promise<Task | undefined> {
  const failed = await deps.tasks.transition(
    task,
    from,
    "failed",
    {
      ...changes,
      finished_at: new Date().toISOString(),
      error: verdict.error,
      hung_workers: verdict.hungWorkers,
      lease_owner: undefined,
      lease_expires_at: undefined,
    },
    guard,
  );
  if (failed !== undefined) await deps.webhooks?.taskEnded(failed);
  return failed;
}
