import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { WebhookEventType } from "./events.js";
import { WEBHOOK_EVENT_TYPES } from "./events.js";

/**
 * One delivery attempt to make: everything the delivery function needs, so it reads no
 * table before POSTing. `body` is the serialised event, kept as bytes so every attempt
 * sends (and signs) exactly the same thing.
 */
export interface WebhookMessage {
  event_id: string;
  event_type: WebhookEventType;
  task_id: string;
  event_created_at: string;
  url: string;
  body: string;
  /** 1 for the first attempt; a retry is a new message with the next number. */
  attempt: number;
}

export interface WebhookQueue {
  send(message: WebhookMessage, options?: { delaySecs?: number }): Promise<void>;
}

/** SQS refuses a DelaySeconds above this. */
export const MAX_DELAY_SECS = 900;

export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** A send that takes longer is abandoned: no caller waits on webhooks. */
    private readonly sendTimeoutMs = 3000,
  ) {}

  async send(message: WebhookMessage, options: { delaySecs?: number } = {}): Promise<void> {
    const delay = Math.min(MAX_DELAY_SECS, Math.max(0, Math.round(options.delaySecs ?? 0)));
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(delay > 0 ? { DelaySeconds: delay } : {}),
      }),
      { abortSignal: AbortSignal.timeout(this.sendTimeoutMs) },
    );
  }
}

/** Parses a message body; undefined when it is not a webhook message (a poison message). */
export function parseWebhookMessage(body: string): WebhookMessage | undefined {
  let parsed: Partial<Record<keyof WebhookMessage, unknown>>;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const { event_id, event_type, task_id, event_created_at, url, body: payload, attempt } = parsed;
  const strings = [event_id, task_id, event_created_at, url, payload].every(
    (value) => typeof value === "string" && value.length > 0,
  );
  if (!strings || !WEBHOOK_EVENT_TYPES.includes(event_type as WebhookEventType)) return undefined;
  if (typeof attempt !== "number" || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { event_id, event_type, task_id, event_created_at, url, body: payload, attempt } as WebhookMessage;
}
