/** The webhook delivery function's part of the builder (./dependencies.ts). */
import { ENV, loadWebhookDeliveryConfig, readVariable } from "../config.js";
import type { DispatchDeps, DispatchOptions } from "../webhooks/dispatch.js";
import { SqsWebhookQueue } from "../webhooks/queue.js";
import { DynamoWebhookRecords } from "../webhooks/record.js";
import type { BaseDependencies } from "./dependencies.js";

export interface WebhookDispatch {
  deps: Omit<DispatchDeps, "log">;
  options: DispatchOptions;
}

/**
 * The queue, the records and the attempt settings. `secret` replaces WEBHOOK_SECRET (the
 * one-machine stack keeps its key out of any environment). Reading `webhookDispatch` throws
 * when WEBHOOK_QUEUE_URL or the secret is missing.
 */
export function webhookParts(secret?: string) {
  return {
    webhookDispatch: ({ config, clients, env }: BaseDependencies): WebhookDispatch => {
      const key = (secret ?? readVariable("webhookSecret", env))?.trim();
      if (!config.webhookQueueUrl) throw new Error(`${ENV.webhookQueueUrl} is not set`);
      if (!key) throw new Error(`${ENV.webhookSecret} is not set: webhooks are not sent unsigned`);
      return {
        deps: {
          queue: new SqsWebhookQueue(clients.sqs, config.webhookQueueUrl),
          records: new DynamoWebhookRecords(clients.doc, config.tasksTable),
        },
        options: { secret: key, ...loadWebhookDeliveryConfig(env) },
      };
    },
  };
}
