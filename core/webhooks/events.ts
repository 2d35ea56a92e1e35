import { type PublicTask, toPublicTask, type Task } from "../tasks/model.js";
import type { TaskStatus } from "../tasks/status.js";
import { type WebhookEventType, wantsEvent } from "./eventTypes.js";

export {
  DEFAULT_WEBHOOK_EVENTS,
  TASK_ENDED_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  wantsEvent,
} from "./eventTypes.js";

/** The task as GET /api/v1/tasks/{id} showed it when the event happened (its delivery state left out). */
export type TaskSnapshot = Omit<PublicTask, "webhook">;

/** task.started and the ended events: the whole task. */
export interface TaskSnapshotEvent {
  /** The same for every delivery attempt of this event; a receiver de-duplicates on it. */
  id: string;
  type: Exclude<WebhookEventType, "task.page">;
  created_at: string;
  task: TaskSnapshot;
}

/** One stored page (or post) of a task.page batch: enough to find it in GET …/results. */
export interface PageEventItem {
  item_key: string;
  /** The page's URL, when the item has one. */
  url?: string;
  ok: boolean;
}

/** task.page: a batch of pages stored since the previous one; the items themselves are in GET …/results. */
export interface TaskPageEvent {
  id: string;
  type: "task.page";
  created_at: string;
  /** 1, 2, 3 … over the task's whole life (retries included): a gap means a batch's event was lost. */
  sequence: number;
  /** The batch's items, in the order they were stored, as many as fit the event's size. */
  items: PageEventItem[];
  /** Items of the batch left out of `items` to keep the event under its size limit. */
  items_omitted: number;
  /** Of the batch: how many pages succeeded and how many failed. */
  ok_count: number;
  error_count: number;
  /** The task's progress after the batch (the task's other fields: GET /api/v1/tasks/{id}). */
  task: Pick<
    Task,
    | "task_id"
    | "platform"
    | "crawler_type"
    | "status"
    | "attempts"
    | "progress"
    | "result_count"
    | "metadata"
    | "schedule_id"
  >;
}

/** What a webhook receiver gets as the JSON body. */
export type WebhookEvent = TaskSnapshotEvent | TaskPageEvent;

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

function snapshot(task: Task): TaskSnapshot {
  const { webhook: _delivery, ...rest } = toPublicTask(task);
  return rest;
}

/**
 * The event a task that just ended raises, or undefined when it has no `webhook_url`, has
 * not ended, or did not ask for this event (`webhook_events`). Its id is derived from the
 * task, the type and the moment it ended, so one ending is one event, and a retried task
 * that ends again raises a new one.
 */
export function taskEndedEvent(task: Task): TaskSnapshotEvent | undefined {
  const type = EVENT_OF_STATUS[task.status] as TaskSnapshotEvent["type"] | undefined;
  if (type === undefined || !task.webhook_url || !wantsEvent(task.webhook_events, type)) return undefined;
  const endedAt = task.finished_at ?? task.updated_at;
  return {
    id: `evt_${task.task_id}_${type.slice("task.".length)}_${Date.parse(endedAt)}`,
    type,
    created_at: endedAt,
    task: snapshot(task),
  };
}

/**
 * The event of a task that just started an attempt (claimed to run, not resumed after a
 * hand-over), or undefined when it did not ask for task.started. One per attempt: a retry
 * that runs again raises a new one, with the next `attempts`.
 */
export function taskStartedEvent(task: Task): TaskSnapshotEvent | undefined {
  if (task.status !== "running" || !task.webhook_url || !wantsEvent(task.webhook_events, "task.started"))
    return undefined;
  return {
    id: `evt_${task.task_id}_started_${task.attempts}`,
    type: "task.started",
    created_at: task.started_at ?? task.updated_at,
    task: snapshot(task),
  };
}

/** The batch a task.page event reports: its sequence number, items and counts. */
export interface PageBatch {
  sequence: number;
  items: readonly PageEventItem[];
  ok_count: number;
  error_count: number;
  progress: Task["progress"];
  result_count: number;
}

/** Bytes of `items` a task.page event carries at most; the rest are counted in `items_omitted`. */
export const MAX_PAGE_ITEMS_BYTES = 128 * 1024;

/**
 * The task.page event of a batch, or undefined when the task did not ask for it. Its id is
 * the task's and the batch's sequence number: the same batch is the same event.
 */
export function taskPageEvent(task: Task, batch: PageBatch, at: Date = new Date()): TaskPageEvent | undefined {
  if (!task.webhook_url || !wantsEvent(task.webhook_events, "task.page")) return undefined;
  const items: PageEventItem[] = [];
  let bytes = 0;
  for (const item of batch.items) {
    bytes += Buffer.byteLength(JSON.stringify(item)) + 1;
    if (bytes > MAX_PAGE_ITEMS_BYTES) break;
    items.push(item);
  }
  return {
    id: `evt_${task.task_id}_page_${batch.sequence}`,
    type: "task.page",
    created_at: at.toISOString(),
    sequence: batch.sequence,
    items,
    items_omitted: batch.items.length - items.length,
    ok_count: batch.ok_count,
    error_count: batch.error_count,
    task: {
      task_id: task.task_id,
      platform: task.platform,
      crawler_type: task.crawler_type,
      status: task.status,
      attempts: task.attempts,
      progress: batch.progress,
      result_count: batch.result_count,
      ...(task.metadata === undefined ? {} : { metadata: task.metadata }),
      // A schedule's run: receivers tell its runs apart from one-off tasks (docs/schedules.md).
      ...(task.schedule_id === undefined ? {} : { schedule_id: task.schedule_id }),
    },
  };
}

/** The exact bytes POSTed (and signed) for `event`, the same for every attempt. */
export function serializeEvent(event: WebhookEvent): string {
  const body = JSON.stringify(event);
  if (Buffer.byteLength(body) <= MAX_EVENT_BYTES || event.type === "task.page") return body;
  const { params: _params, ...task } = event.task;
  return JSON.stringify({ ...event, task: { ...task, params_omitted: true } });
}

/**
 * Which attempt of a task's ended event should be sent again after its queue lost it (the
 * one-machine stack keeps the queue in memory): 1 when the task's current event was never
 * attempted (its record is of another event), the next attempt when it was waiting for a
 * retry, and undefined when it was delivered, gave up, or the task raises no ended event.
 * Started and page events are not re-sent: a receiver reads the task's state from the
 * ended event, and their gaps show in `sequence`.
 */
export function lostEventAttempt(task: Task): number | undefined {
  const event = taskEndedEvent(task);
  if (event === undefined) return undefined;
  const record = task.webhook;
  if (record === undefined || record.event_id !== event.id) return 1;
  return record.status === "retrying" ? record.attempts + 1 : undefined;
}
