import { lostEventAttempt } from "../webhooks/events.js";
import type { WebhookNotifier } from "../webhooks/notifier.js";
import { type PublicTask, TASK_ID_PATTERN, toPublicTask } from "./model.js";
import { enqueueTask } from "./service.js";
import { isTerminal } from "./status.js";
import type { TaskStore } from "./store.js";
import type { TaskQueue } from "../queue/taskQueue.js";

export interface TaskMaintenanceDeps {
  tasks: TaskStore;
  queue: TaskQueue;
  /** Sends task.* events for tasks it ends or finds without their event. */
  webhooks?: WebhookNotifier;
}

/**
 * The moves that keep tasks from getting stuck, apart from the API's operations (TaskService):
 * the sweeper queues stale pending tasks and expired leases again, the dead-letter consumer
 * fails tasks whose messages died, and the one-machine stack recovers after a restart.
 */
export class TaskMaintenance {
  constructor(private readonly deps: TaskMaintenanceDeps) {}

  /**
   * Queues tasks that stayed pending longer than `olderThanMs` (stored but never queued,
   * or their message was lost). Returns how many were queued.
   */
  async requeueStalePending(olderThanMs: number): Promise<number> {
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let queued = 0;
    for await (const task of this.deps.tasks.listByStatus("pending", before)) {
      await enqueueTask(this.deps.queue, task);
      // Touch updated_at so the next sweep does not queue it again straight away.
      await this.deps.tasks.transition(task, ["pending"], "pending");
      queued++;
    }
    return queued;
  }

  /**
   * Queues running tasks whose lease ran out (their worker died: a function timeout,
   * a killed process); the next delivery takes them over, counting a hung worker
   * (core/tasks/hung.ts), or fails them with WORKER_HUNG. Returns how many.
   */
  async requeueExpiredLeases(): Promise<number> {
    const now = new Date().toISOString();
    let queued = 0;
    for await (const task of this.deps.tasks.listByStatus("running")) {
      if ((task.lease_expires_at ?? task.updated_at) >= now) continue;
      await enqueueTask(this.deps.queue, task);
      queued++;
    }
    return queued;
  }

  /**
   * A crawl message ended in the dead-letter queue: every delivery of it failed. The task
   * is failed with the reason, unless a live delivery still holds it.
   * Returns the failed task, or undefined when nothing was changed.
   */
  async failDeadLettered(taskId: string, receiveCount: number | undefined): Promise<PublicTask | undefined> {
    const task = TASK_ID_PATTERN.test(taskId) ? await this.deps.tasks.get(taskId) : undefined;
    if (task === undefined || isTerminal(task.status)) return undefined;
    const now = new Date().toISOString();
    const held = task.status === "running" && (task.lease_expires_at ?? task.updated_at) >= now;
    if (held) return undefined;
    const failed = await this.deps.tasks.transition(
      task,
      [task.status],
      "failed",
      {
        finished_at: now,
        lease_owner: undefined,
        lease_expires_at: undefined,
        error: {
          code: "DEAD_LETTERED",
          message:
            `its crawl message failed ${receiveCount ?? "every"} deliveries and was moved to the dead-letter queue${task.error ? `; last error (${task.error.code}) ${task.error.message}` : ""}`.slice(
              0,
              1000,
            ),
        },
      },
      task.status === "running" ? { leaseExpiredBefore: now } : {},
    );
    if (failed === undefined) return undefined;
    await this.deps.webhooks?.taskEnded(failed);
    return toPublicTask(failed);
  }

  /**
   * For a stack that owns every worker (the one-machine stack) just after it started:
   * nothing can be running, so tasks left `running` go back to `pending`, and every
   * pending task is queued (the embedded queue does not survive restarts).
   */
  async recoverAfterRestart(): Promise<{ reset: number; requeued: number }> {
    let reset = 0;
    for await (const task of this.deps.tasks.listByStatus("running")) {
      // Stopping the stack is not the task's fault: the next claim resumes it without a new attempt.
      const moved = await this.deps.tasks.transition(task, ["running"], "pending", {
        error: { code: "INTERRUPTED", message: "the stack stopped while this task was running; it was queued again" },
        handoff: true,
        lease_owner: undefined,
        lease_expires_at: undefined,
      });
      if (moved) reset++;
    }
    let requeued = 0;
    for await (const task of this.deps.tasks.listByStatus("pending")) {
      await enqueueTask(this.deps.queue, task);
      requeued++;
    }
    return { reset, requeued };
  }

  /**
   * Sends again the webhook events a lost queue took with it (the one-machine stack's queue
   * lives in memory): for every task that ended at or after `endedSince` with a webhook_url,
   * an event never attempted is queued as attempt 1, one waiting for a retry as its next
   * attempt (same event id, so receivers can de-duplicate). Returns how many were queued.
   */
  async requeueLostWebhookEvents(endedSince: string): Promise<number> {
    const webhooks = this.deps.webhooks;
    if (webhooks === undefined) return 0;
    let queued = 0;
    for (const status of ["completed", "failed", "cancelled"] as const) {
      for await (const task of this.deps.tasks.listByStatus(status)) {
        if (task.webhook_url === undefined || (task.finished_at ?? task.updated_at) < endedSince) continue;
        const attempt = lostEventAttempt(task);
        if (attempt === undefined) continue;
        await webhooks.taskEnded(task, { attempt });
        queued++;
      }
    }
    return queued;
  }
}
