import { sharedAwsClients } from "../aws/clients.js";
import { ENV, type Env, loadConfig, loadWebhookDeliveryConfig, readVariable } from "../config.js";
import type { DispatchDeps, DispatchOptions } from "./dispatch.js";
import { QueueWebhookNotifier, type WebhookLog, type WebhookNotifier } from "./notifier.js";
import { SqsWebhookQueue } from "./queue.js";
import { DynamoWebhookRecords } from "./record.js";

/** The notifier the API, the crawler and the dead-letter consumer use: the queue from WEBHOOK_QUEUE_URL. */
export function defaultWebhookNotifier(log?: WebhookLog): WebhookNotifier {
  const queueUrl = loadConfig().webhookQueueUrl;
  return new QueueWebhookNotifier(queueUrl ? new SqsWebhookQueue(sharedAwsClients().sqs, queueUrl) : undefined, log);
}

/** What the delivery function needs, from the environment (`secret` overrides WEBHOOK_SECRET). Throws when WEBHOOK_QUEUE_URL or WEBHOOK_SECRET is missing. */
export function defaultDispatch(
  env?: Env,
  secretOverride?: string,
): {
  deps: Omit<DispatchDeps, "log">;
  options: DispatchOptions;
} {
  const config = loadConfig(env);
  const secret = (secretOverride ?? readVariable("webhookSecret", env))?.trim();
  if (!config.webhookQueueUrl) throw new Error(`${ENV.webhookQueueUrl} is not set`);
  if (!secret) throw new Error(`${ENV.webhookSecret} is not set: webhooks are not sent unsigned`);
  const { doc, sqs } = sharedAwsClients();
  return {
    deps: {
      queue: new SqsWebhookQueue(sqs, config.webhookQueueUrl),
      records: new DynamoWebhookRecords(doc, config.tasksTable),
    },
    options: { secret, ...loadWebhookDeliveryConfig(env) },
  };
}
