import { deliverWebhook, type DeliveryOptions, type DeliveryResult } from "./delivery.js";
import type { WebhookLog } from "./notifier.js";
import { MAX_DELAY_SECS, parseWebhookMessage, type WebhookMessage, type WebhookQueue } from "./queue.js";
import type { WebhookRecords } from "./record.js";

export interface DispatchDeps {
  /** Retries are new messages on this queue, delayed by the back-off. */
  queue: WebhookQueue;
  /** Where each attempt's outcome is kept on the task; none kept when absent. */
  records?: WebhookRecords;
  log?: WebhookLog;
}

export interface DispatchOptions extends DeliveryOptions {
  /** Attempts per event, the first included; then it is dropped. @default 8 */
  maxAttempts?: number;
  /** Delay before the second attempt, doubled for each next one. @default 10 */
  retryBaseDelaySecs?: number;
  /** Longest delay between two attempts (SQS allows 900). @default 900 */
  retryMaxDelaySecs?: number;
}

export type DispatchOutcome =
  | { kind: "delivered"; message: WebhookMessage; result: DeliveryResult }
  | { kind: "retry_scheduled"; message: WebhookMessage; result: DeliveryResult; delaySecs: number }
  /** Not retried: attempts used up, or the address is refused. */
  | { kind: "failed"; message: WebhookMessage; result: DeliveryResult }
  | { kind: "unreadable" };

const defaults = { maxAttempts: 8, retryBaseDelaySecs: 10, retryMaxDelaySecs: MAX_DELAY_SECS };

/** Seconds before attempt `attempt + 1`, after attempt `attempt` failed. */
export function retryDelaySecs(
  attempt: number,
  options: Pick<DispatchOptions, "retryBaseDelaySecs" | "retryMaxDelaySecs"> = {},
): number {
  const base = options.retryBaseDelaySecs ?? defaults.retryBaseDelaySecs;
  const max = Math.min(MAX_DELAY_SECS, options.retryMaxDelaySecs ?? defaults.retryMaxDelaySecs);
  return Math.min(max, base * 2 ** (attempt - 1));
}

/**
 * Handles one message of the webhook queue: one delivery attempt, then its outcome kept on
 * the task. A failed attempt that may succeed later is sent again as a new message,
 * delayed by the back-off; this message is then done. Throws only when that retry could
 * not be queued, so the queue delivers this message again.
 */
export async function dispatchWebhook(
  body: string,
  deps: DispatchDeps,
  options: DispatchOptions,
): Promise<DispatchOutcome> {
  const settings = { ...defaults, ...options };
  const log = deps.log ?? (() => undefined);
  const message = parseWebhookMessage(body);
  if (message === undefined) {
    log("unreadable webhook message dropped", {});
    return { kind: "unreadable" };
  }
  const fields = { task_id: message.task_id, event_id: message.event_id, attempt: message.attempt };
  const result = await deliverWebhook(message, settings);

  let outcome: DispatchOutcome;
  if (result.delivered) outcome = { kind: "delivered", message, result };
  else if (result.retryable && message.attempt < settings.maxAttempts) {
    const delaySecs = retryDelaySecs(message.attempt, settings);
    await deps.queue.send({ ...message, attempt: message.attempt + 1 }, { delaySecs });
    outcome = { kind: "retry_scheduled", message, result, delaySecs };
  } else outcome = { kind: "failed", message, result };

  if (!result.delivered) {
    const next =
      outcome.kind === "retry_scheduled"
        ? `; attempt ${message.attempt + 1} in ${outcome.delaySecs} s`
        : result.retryable
          ? "; attempts used up, dropped"
          : "; not retried";
    log(`webhook attempt failed: ${result.error}${next}`, fields);
  }
  await deps.records
    ?.record(message.task_id, {
      event_id: message.event_id,
      event_type: message.event_type,
      event_created_at: message.event_created_at,
      status: outcome.kind === "delivered" ? "delivered" : outcome.kind === "retry_scheduled" ? "retrying" : "failed",
      attempts: message.attempt,
      ...(result.status === undefined ? {} : { last_status: result.status }),
      ...(result.delivered ? {} : { last_error: result.error.slice(0, 500) }),
      updated_at: new Date().toISOString(),
    })
    .catch((error: unknown) =>
      log("webhook outcome not recorded on the task", { ...fields, error: (error as Error).message }),
    );
  return outcome;
}
