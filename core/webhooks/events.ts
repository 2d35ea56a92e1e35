import { toPublicTask, type Task } from "../tasks/model.js";
import type { TaskStatus } from "../tasks/status.js";

export const WEBHOOK_EVENT_TYPES = ["task.completed", "task.failed", "task.cancelled"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What a webhook receiver gets as the JSON body. */
export interface WebhookEvent {
  /** The same for every delivery attempt of this event; a receiver de-duplicates on it. */
  id: string;
  type: WebhookEventType;
  created_at: string;
  /** The task as GET /api/v1/tasks/{id} showed it when the event happened. */
  task: Omit<Task, "webhook">;
}

const EVENT_OF_STATUS: Partial<Record<TaskStatus, WebhookEventType>> = {
  completed: "task.completed",
  failed: "task.failed",
  cancelled: "task.cancelled",
};

/**
 * Bodies above this size leave the task's `params` out (a receiver can GET the task): an
 * SQS message holds 256 KiB, and the message carries the body plus a little envelope.
 */
export const MAX_EVENT_BYTES = 200 * 1024;

/**
 * The event a task that just ended raises, or undefined when it has no `webhook_url` or
 * has not ended. Its id is derived from the task, the type and the moment it ended, so one
 * ending is one event, and a retried task that ends again raises a new one.
 */
export function taskEndedEvent(task: Task): WebhookEvent | undefined {
  const type = EVENT_OF_STATUS[task.status];
  if (type === undefined || !task.webhook_url) return undefined;
  const endedAt = task.finished_at ?? task.updated_at;
  const { webhook: _delivery, ...snapshot } = toPublicTask(task);
  return {
    id: `evt_${task.task_id}_${type.slice("task.".length)}_${Date.parse(endedAt)}`,
    type,
    created_at: endedAt,
    task: snapshot,
  };
}

/** The exact bytes POSTed (and signed) for `event`, the same for every attempt. */
export function serializeEvent(event: WebhookEvent): string {
  const body = JSON.stringify(event);
  if (Buffer.byteLength(body) <= MAX_EVENT_BYTES) return body;
  const { params: _params, ...task } = event.task;
  return JSON.stringify({ ...event, task: { ...task, params_omitted: true } });
}

/**
 * Which attempt of a task's event should be sent again after its queue lost it (the
 * one-machine stack keeps the queue in memory): 1 when the task's current event was never
 * attempted (no record of it), the next attempt when it was waiting for a retry, and
 * undefined when it was delivered, gave up, or the task raises no event.
 */
export function lostEventAttempt(task: Task): number | undefined {
  const event = taskEndedEvent(task);
  if (event === undefined) return undefined;
  const record = task.webhook;
  if (record === undefined || record.event_id !== event.id) return 1;
  return record.status === "retrying" ? record.attempts + 1 : undefined;
}
