import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { WarmBrowser } from "../../core/browser/index.js";
import { runTask } from "../../core/crawl/index.js";
import { parseCrawlMessage } from "../../core/queue/taskQueue.js";
import { defaultDeps } from "../../core/tasks/index.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-worker");

/** The function's timeout (infra sets it); a running task silent for longer plus a minute is taken over. */
const crawlerTimeoutSecs = Number(process.env.CRAWLER_TIMEOUT_SECS ?? 300);
const staleRunningAfterMs = (crawlerTimeoutSecs + 60) * 1000;

// Module scope survives warm invocations: one Chromium per sandbox, a fresh context per task.
const browser = new WarmBrowser();
let deps: ReturnType<typeof defaultDeps> | undefined;

async function crawlRecord(record: SQSRecord): Promise<void> {
  const message = parseCrawlMessage(record.body);
  if (message === undefined) {
    // Not ours to retry: redelivering a body we cannot read would only fill the DLQ.
    logger.error("dropping unreadable message", { messageId: record.messageId });
    return;
  }
  deps ??= defaultDeps();
  const outcome = await runTask(
    message.task_id,
    {
      tasks: deps.tasks,
      results: deps.results,
      browser,
      log: (level, text, fields) => logger[level](text, { ...fields }),
    },
    { staleRunningAfterMs },
  );
  logger.info("delivery done", {
    task_id: message.task_id,
    outcome: outcome.kind,
    ...(outcome.kind === "skipped" ? { reason: outcome.reason } : { status: outcome.task.status }),
  });
}

const processor = new BatchProcessor(EventType.SQS);

/**
 * SQS → one crawl per record, one record at a time (they share the browser).
 * A record whose task may succeed on another delivery is reported in
 * batchItemFailures; the queue brings it back after its visibility timeout.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler((event, context) =>
    processPartialResponse(event, crawlRecord, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    }),
  );

/** Closes the warm browser (the one-machine stack's workers call this on SIGTERM). */
export async function shutdownCrawler(): Promise<void> {
  await browser.close();
}
