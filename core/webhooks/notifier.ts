import type { Task } from "../tasks/model.js";
import {
  type PageBatch,
  serializeEvent,
  taskEndedEvent,
  taskPageEvent,
  taskStartedEvent,
  type WebhookEvent,
} from "./events.js";
import type { WebhookQueue } from "./queue.js";

export type WebhookLog = (message: string, fields: Record<string, unknown>) => void;

/**
 * Told about tasks that start, store pages and end. It only queues the events the task
 * asked for (`webhook_events`); the delivery function POSTs them. It never throws: a task's
 * outcome never depends on its webhook.
 */
export interface WebhookNotifier {
  /** `attempt`: which delivery attempt this is (2 or more when re-sending a lost retry). @default 1 */
  taskEnded(task: Task, options?: { attempt?: number }): Promise<void>;
  /** A run claimed the task for a new attempt (not a hand-over). */
  taskStarted(task: Task): Promise<void>;
  /** A run stored a batch of pages (core/crawl/recorder.ts decides when). */
  pagesStored(task: Task, batch: PageBatch): Promise<void>;
}

/** Writes one JSON line to stderr, as the functions' own loggers would. */
const stderrLog: WebhookLog = (message, fields) =>
  console.error(JSON.stringify({ level: "WARN", service: "webhooks", message, ...fields }));

/**
 * Queues the events of a task with a `webhook_url`. Without a queue (WEBHOOK_QUEUE_URL unset)
 * an event is dropped with a log line.
 */
export class QueueWebhookNotifier implements WebhookNotifier {
  constructor(
    private readonly queue: WebhookQueue | undefined,
    private readonly log: WebhookLog = stderrLog,
  ) {}

  taskEnded(task: Task, options: { attempt?: number } = {}): Promise<void> {
    return this.send(task, taskEndedEvent(task), options.attempt ?? 1);
  }

  taskStarted(task: Task): Promise<void> {
    return this.send(task, taskStartedEvent(task), 1);
  }

  pagesStored(task: Task, batch: PageBatch): Promise<void> {
    return this.send(task, taskPageEvent(task, batch), 1);
  }

  private async send(task: Task, event: WebhookEvent | undefined, attempt: number): Promise<void> {
    if (event === undefined || task.webhook_url === undefined) return;
    const fields = { task_id: task.task_id, event_id: event.id, event_type: event.type };
    if (this.queue === undefined) {
      this.log("webhook event dropped: no webhook queue is configured (WEBHOOK_QUEUE_URL)", fields);
      return;
    }
    try {
      await this.queue.send({
        event_id: event.id,
        event_type: event.type,
        task_id: task.task_id,
        event_created_at: event.created_at,
        url: task.webhook_url,
        body: serializeEvent(event),
        attempt,
      });
    } catch (error) {
      this.log("webhook event not queued", {
        ...fields,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
}
