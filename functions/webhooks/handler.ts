import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { dispatchWebhook, type DispatchDeps, type DispatchOptions } from "../../core/webhooks/index.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { type WebhookDispatch, webhookParts } from "../../core/wiring/webhooks.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("webhooks");

/** Overrides of what the environment configures (tests: a short back-off, a strict egress policy). */
export interface WebhookHandlerOptions {
  deps?: Omit<DispatchDeps, "log">;
  options?: Partial<DispatchOptions>;
}

/**
 * SQS → one delivery attempt per record, records in parallel (each waits at most the
 * attempt timeout). Retries are new delayed messages the dispatch queues itself; a record
 * is reported in batchItemFailures only when that retry could not be queued.
 */
export function createWebhookHandler(overrides: WebhookHandlerOptions = {}) {
  const secret = overrides.options?.secret;
  const dependencies = buildDependencies(webhookParts(secret));
  let configured: WebhookDispatch | undefined;
  const processor = new BatchProcessor(EventType.SQS);
  const log = (message: string, fields: Record<string, unknown>) => logger.warn(message, fields);

  async function deliverRecord(record: SQSRecord): Promise<void> {
    try {
      configured ??= configure(overrides, dependencies);
    } catch (error) {
      // A missing secret or queue: the message goes back to the queue (and on to its DLQ), unsent.
      logger.error("webhook delivery is not configured", { error: (error as Error).message });
      throw error;
    }
    const outcome = await dispatchWebhook(record.body, { ...configured.deps, log }, configured.options);
    if (outcome.kind === "unreadable") return;
    logger.info("webhook attempt done", {
      task_id: outcome.message.task_id,
      event_id: outcome.message.event_id,
      attempt: outcome.message.attempt,
      outcome: outcome.kind,
      ...(outcome.result.status === undefined ? {} : { status: outcome.result.status }),
      duration_ms: outcome.result.durationMs,
    });
  }

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler((event, context) =>
      processPartialResponse(event, deliverRecord, processor, { context, throwOnFullBatchFailure: false }),
    );
}

/** The overrides over the environment; the environment is not read when they say everything. */
function configure(
  overrides: WebhookHandlerOptions,
  dependencies: { webhookDispatch: WebhookDispatch },
): WebhookDispatch {
  const secret = overrides.options?.secret;
  const complete = overrides.deps !== undefined && secret !== undefined;
  const fromEnv = complete ? undefined : dependencies.webhookDispatch;
  const deps = overrides.deps ?? fromEnv?.deps;
  const key = secret ?? fromEnv?.options.secret;
  if (deps === undefined || key === undefined) throw new Error("webhook dispatch needs a queue and a secret");
  return { deps, options: { ...fromEnv?.options, ...overrides.options, secret: key } };
}

/** The webhook queue's consumer, configured by its environment (WEBHOOK_QUEUE_URL, WEBHOOK_SECRET, …). */
export const handler = createWebhookHandler();
