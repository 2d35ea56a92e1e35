import { sharedAwsClients } from "../aws/clients.js";
import { ENV, loadConfig } from "../config.js";
import type { DispatchDeps, DispatchOptions } from "./dispatch.js";
import { QueueWebhookNotifier, type WebhookLog, type WebhookNotifier } from "./notifier.js";
import { SqsWebhookQueue } from "./queue.js";
import { DynamoWebhookRecords } from "./record.js";

/** Settings of the delivery function, read from its environment. */
export const WEBHOOK_ENV = {
  /** Longest one attempt may take, in ms. @default 5000 */
  timeoutMs: "WEBHOOK_TIMEOUT_MS",
  /** Attempts per event. @default 8 */
  maxAttempts: "WEBHOOK_MAX_ATTEMPTS",
  /** First retry delay, doubled per attempt (at most 900 s). @default 10 */
  retryBaseDelaySecs: "WEBHOOK_RETRY_BASE_SECS",
} as const;

/** The notifier the API, the crawler and the dead-letter consumer use: the queue from WEBHOOK_QUEUE_URL. */
export function defaultWebhookNotifier(log?: WebhookLog): WebhookNotifier {
  const queueUrl = loadConfig().webhookQueueUrl;
  return new QueueWebhookNotifier(queueUrl ? new SqsWebhookQueue(sharedAwsClients().sqs, queueUrl) : undefined, log);
}

/** What the delivery function needs, from the environment. Throws when WEBHOOK_QUEUE_URL or WEBHOOK_SECRET is missing. */
export function defaultDispatch(env: NodeJS.ProcessEnv = process.env): {
  deps: Omit<DispatchDeps, "log">;
  options: DispatchOptions;
} {
  const config = loadConfig(env);
  const secret = env[ENV.webhookSecret]?.trim();
  if (!config.webhookQueueUrl) throw new Error(`${ENV.webhookQueueUrl} is not set`);
  if (!secret) throw new Error(`${ENV.webhookSecret} is not set: webhooks are not sent unsigned`);
  const { doc, sqs } = sharedAwsClients();
  return {
    deps: {
      queue: new SqsWebhookQueue(sqs, config.webhookQueueUrl),
      records: new DynamoWebhookRecords(doc, config.tasksTable),
    },
    options: {
      secret,
      timeoutMs: whole(env[WEBHOOK_ENV.timeoutMs], 100, 60_000, 5000),
      maxAttempts: whole(env[WEBHOOK_ENV.maxAttempts], 1, 50, 8),
      retryBaseDelaySecs: whole(env[WEBHOOK_ENV.retryBaseDelaySecs], 1, 900, 10),
    },
  };
}

function whole(raw: string | undefined, min: number, max: number, fallback: number): number {
  const value = Number(raw === undefined || raw.trim() === "" ? Number.NaN : raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}
