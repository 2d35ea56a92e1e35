/**
 * The webhook event types and the `webhook_events` task field's schema. Browser-safe (zod
 * only): the create-task schema (core/tasks/schema.ts) is shared with the dashboard.
 */
import * as z from "zod";

/** The events a task ends with: one of them once per ending. */
export const TASK_ENDED_EVENT_TYPES = ["task.completed", "task.failed", "task.cancelled"] as const;

/**
 * Every event a task may raise. `task.started`: an attempt began running (not a hand-over
 * to a new invocation). `task.page`: a batch of pages was stored (see ./pageEvents.ts).
 */
export const WEBHOOK_EVENT_TYPES = ["task.started", "task.page", ...TASK_ENDED_EVENT_TYPES] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What a task without `webhook_events` gets: the ended events only, as before the field existed. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = TASK_ENDED_EVENT_TYPES;

/** Whether a task with this `webhook_events` (absent: the default) wants events of `type`. */
export function wantsEvent(events: readonly string[] | undefined, type: WebhookEventType): boolean {
  return (events ?? DEFAULT_WEBHOOK_EVENTS).includes(type);
}

/** The `webhook_events` task field: which events go to `webhook_url`. */
export const webhookEventsField = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES, {
      error: `must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    }),
    { error: "must be an array of event types" },
  )
  .min(1, { error: "must name at least one event type" })
  .refine((types) => new Set(types).size === types.length, { error: "must not name an event type twice" })
  .meta({
    description:
      "Which events are POSTed to webhook_url (it needs one). Default: the ended events only (task.completed, task.failed, task.cancelled). task.started: each attempt starts running; task.page: batches of stored pages (item keys, URLs and counts, not the items)",
    examples: [["task.started", "task.page", "task.completed", "task.failed", "task.cancelled"]],
  });
