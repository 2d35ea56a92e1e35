import { ENV } from "../core/config";
import { queueGrant, tableGrant } from "./access";
import { eventSourceConcurrency, maximumConcurrency } from "./concurrency";
import { functionEnvironment } from "./environment";
import { deadLetterQueue } from "./queue";
import { tasksTable } from "./storage";

/**
 * Webhooks (core/webhooks): the API (cancel), the crawler (completed / failed) and the
 * dead-letter consumer (failed) send task events for tasks with a `webhook_url` to this
 * queue; the webhook function POSTs each one, signed with the WebhookSecret, and queues a
 * delayed retry when an attempt fails. Nothing waits on a receiver but this function.
 *
 * WebhookSecret is required, no placeholder: `sst secret set WebhookSecret "$(openssl rand -hex 32)"`,
 * and give it to the receivers. Only the webhook function gets it, as WEBHOOK_SECRET.
 */
export const webhookSecret = new sst.Secret("WebhookSecret");

/** The webhook function's timeout: a batch of attempts in parallel, each at most WEBHOOK_TIMEOUT_MS (5 s). */
export const WEBHOOK_TIMEOUT_SECONDS = 30;

/** A message whose function invocations kept failing (not a receiver's failures: those are retried as new messages). */
export const webhookDeadLetterQueue = deadLetterQueue("WebhookDeadLetterQueue");

export const webhookQueue = new sst.aws.Queue("WebhookQueue", {
  visibilityTimeout: `${6 * WEBHOOK_TIMEOUT_SECONDS} seconds`,
  dlq: { queue: webhookDeadLetterQueue.arn, retry: 5 },
});

/** What a function that ends tasks gets so it can send their events. */
export const webhookSenderEnvironment = { [ENV.webhookQueueUrl]: webhookQueue.url };
export const webhookSenderGrant = queueGrant(webhookQueue);

export const webhookDelivery = webhookQueue.subscribe(
  {
    handler: "functions/webhooks/handler.handler",
    memory: "256 MB",
    timeout: `${WEBHOOK_TIMEOUT_SECONDS} seconds`,
    environment: { ...functionEnvironment, ...webhookSenderEnvironment, [ENV.webhookSecret]: webhookSecret.value },
    // Each attempt's outcome is kept on its task; a failed attempt is queued again with a delay.
    permissions: [tableGrant(tasksTable, ["UpdateItem"]), webhookSenderGrant],
  },
  {
    batch: { size: 10, window: "0 seconds", partialResponses: true },
    transform: maximumConcurrency(eventSourceConcurrency.webhooks),
  },
);
