/**
 * What the stack does for a task whose worker process died under it: what
 * recoverAfterRestart does at start, for that one task. The task goes back from `running`
 * to `pending` and is queued again (its message is stuck invisible for the queue's long
 * visibility timeout). Its attempts stay counted, so a task that keeps killing its worker
 * is failed once it has used them all.
 */
import { defaultDeps, type TaskServiceDeps } from "../core/tasks/index.js";

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
  /** @default defaultDeps() */
  deps?: TaskServiceDeps;
}

/** Returns true when the task was queued again. */
export async function requeueInterruptedTask(taskId: string, options: RequeueOptions = {}): Promise<boolean> {
  const deps = options.deps ?? defaultDeps();
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
