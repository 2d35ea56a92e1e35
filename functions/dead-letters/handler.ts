import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { parseCrawlMessage } from "../../core/queue/taskQueue.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-dead-letters");
const dependencies = buildDependencies(taskParts);

async function failTaskOf(record: SQSRecord): Promise<void> {
  const message = parseCrawlMessage(record.body);
  if (message === undefined) {
    logger.error("unreadable dead letter dropped", { messageId: record.messageId });
    return;
  }
  const receives = Number(record.attributes.ApproximateReceiveCount);
  const failed = await dependencies.taskMaintenance.failDeadLettered(
    message.task_id,
    Number.isFinite(receives) ? receives : undefined,
  );
  logger.info(failed ? "task failed: message dead-lettered" : "dead letter for a finished or live task ignored", {
    task_id: message.task_id,
  });
}

const processor = new BatchProcessor(EventType.SQS);

/** The dead-letter queue's consumer: a crawl message that kept failing fails its task. */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler((event, context) =>
    processPartialResponse(event, failTaskOf, processor, { context, throwOnFullBatchFailure: false }),
  );
