/**
 * What the stack does for a task whose worker process died under it: what
 * recoverAfterRestart does at start, for that one task. The task goes back from `running`
 * to `pending` and is queued again (its message is stuck invisible for the queue's long
 * visibility timeout). Its attempts stay counted, so a task that keeps killing its worker
 * is failed once it has used them all.
 *
 * A worker the pool's watchdog killed for hanging is a hung worker on its task
 * (core/tasks/hung.ts): counted, and the task queued again, or failed with WORKER_HUNG
 * once it has hung the limit, instead of being given to the next worker.
 */
import { failForHungWorkers, hungWorkerVerdict, type TaskServiceDeps } from "../core/tasks/index.js";
import { buildDependencies } from "../core/wiring/dependencies.js";
import { taskParts } from "../core/wiring/tasks.js";

export const INTERRUPTED_ERROR = {
  code: "INTERRUPTED",
  message: "the worker process running this task died; it was queued again",
} as const;

export interface RequeueOptions {
  /**
   * Delay of the new message. local-aws-sqs hands a message to a long poll whose client has
   * gone (the dead worker's) until that poll's WaitTimeSeconds ends; a message sent sooner
   * would vanish for the whole visibility timeout. Keep this above the workers' poll length.
   * @default 0
   */
  delaySecs?: number;
  /** @default the functions' task stores and queue (core/wiring/dependencies.ts) */
  deps?: TaskServiceDeps;
}

/** Returns true when the task was queued again. */
export async function requeueInterruptedTask(taskId: string, options: RequeueOptions = {}): Promise<boolean> {
  const deps = options.deps ?? buildDependencies(taskParts).taskDeps;
  const task = await deps.tasks.get(taskId);
  if (task === undefined) return false;
  if (task.status === "running") {
    const moved = await deps.tasks.transition(task, ["running"], "pending", {
      error: { ...INTERRUPTED_ERROR },
      lease_owner: undefined,
      lease_expires_at: undefined,
    });
    if (moved === undefined) return false;
  } else if (task.status !== "pending") {
    // Finished before the worker died (or cancelled): nothing to resume.
    return false;
  }
  // A second message for a pending task is harmless: the crawler's claim runs it once.
  await deps.queue.send({ task_id: taskId }, { delaySecs: options.delaySecs ?? 0 });
  return true;
}

/** A worker the pool's watchdog killed during a task (local/worker-pool.ts HungWorker). */
export interface HungWorkerReport {
  taskId: string;
  /** The lease owner of the worker's claim; without it nothing says the task was the worker's to lose. */
  leaseOwner?: string;
  workerId: number;
  /** "silent": its heartbeat stopped; "timeout": its invocation ran past the function's timeout. */
  reason: "silent" | "timeout";
  silentMs: number;
  busyMs: number;
}

export type HungWorkerOutcome = "queued" | "failed" | "unchanged";

/**
 * Records a hung worker on its task: with the claim's lease owner, the task (if still held
 * by that claim: not ended, cancelled or taken by another delivery meanwhile) counts it and
 * is either queued again or, at the limit, failed with WORKER_HUNG (its webhook fires as for
 * any failure). Without a lease owner the worker had not claimed the task (a second copy
 * of its message, skipped): a running task is another delivery's and is left to its lease;
 * a pending one is queued again, since the message the worker took stays invisible.
 */
export async function recordHungWorker(
  hang: HungWorkerReport,
  options: RequeueOptions = {},
): Promise<HungWorkerOutcome> {
  const deps = options.deps ?? buildDependencies(taskParts).taskDeps;
  const task = await deps.tasks.get(hang.taskId);
  if (hang.leaseOwner === undefined && task?.status === "pending") {
    await deps.queue.send({ task_id: hang.taskId }, { delaySecs: options.delaySecs ?? 0 });
    return "queued";
  }
  if (hang.leaseOwner === undefined || task?.status !== "running" || task.lease_owner !== hang.leaseOwner)
    return "unchanged";
  const held = { leaseOwner: hang.leaseOwner };
  const what =
    hang.reason === "silent"
      ? `worker ${hang.workerId} sent no heartbeat for ${Math.round(hang.silentMs / 1000)} s and was killed`
      : `worker ${hang.workerId} was still running the task ${Math.round(hang.busyMs / 1000)} s into its invocation, past the function's timeout, and was killed`;
  const verdict = hungWorkerVerdict(task, what);
  if (verdict.fail) return (await failForHungWorkers(deps, task, verdict, ["running"], held)) ? "failed" : "unchanged";
  const moved = await deps.tasks.transition(
    task,
    ["running"],
    "pending",
    { error: verdict.error, hung_workers: verdict.hungWorkers, lease_owner: undefined, lease_expires_at: undefined },
    held,
  );
  if (moved === undefined) return "unchanged";
  await deps.queue.send({ task_id: hang.taskId }, { delaySecs: options.delaySecs ?? 0 });
  return "queued";
}
