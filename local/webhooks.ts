/**
 * Webhooks on the one-machine stack, as on AWS: a queue (with its dead-letter queue) that
 * the API and the crawler workers send task events to, and one consumer that runs the
 * webhook function on each message — the same handler Lambda runs, signing with the
 * stack's key.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { ensureQueues, type QueueUrls } from "./resources.js";
import { startWorker, type Worker } from "./worker.js";

export const WEBHOOK_QUEUE_NAME = "webhooks";
export const WEBHOOK_DLQ_NAME = "webhooks-dlq";

/** Longer than one delivery attempt can take (5 s by default), so a message is not handed out twice. */
const VISIBILITY_TIMEOUT_SECS = 60;

export async function ensureWebhookQueues(sqs: SQSClient): Promise<QueueUrls> {
  return ensureQueues(sqs, {
    queueName: WEBHOOK_QUEUE_NAME,
    deadLetterQueueName: WEBHOOK_DLQ_NAME,
    visibilityTimeoutSecs: VISIBILITY_TIMEOUT_SECS,
    maxReceiveCount: 10,
  });
}

export interface WebhookWorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The signing key; it reaches the handler only, never an environment variable. */
  secret: string;
  log: (line: string) => void;
}

/**
 * Polls the webhook queue and runs the webhook function on each message. The function
 * reads its other settings (WEBHOOK_QUEUE_URL, WEBHOOK_TIMEOUT_MS, …) from this process's
 * environment, as on AWS.
 */
export async function startWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  // Loaded here, not at the top: the function's logger reads the log level the stack sets first.
  const { createWebhookHandler } = await import("../functions/webhooks/handler.js");
  return startWorker({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    handler: createWebhookHandler({ options: { secret: options.secret } }),
    timeoutMs: 30_000,
    functionName: "webhooks",
    log: options.log,
  });
}
