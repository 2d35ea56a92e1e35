import { tableGrant } from "./access";
import { functionEnvironment } from "./environment";
import { eventSourceConcurrency, maximumConcurrency } from "./concurrency";
import { DEAD_LETTER_CONSUMER_TIMEOUT_SECONDS, taskDeadLetterQueue } from "./queue";
import { tasksTable } from "./storage";
import { webhookSenderEnvironment, webhookSenderGrant } from "./webhooks";

/** A crawl message that failed every delivery lands here; its task is marked failed with the reason. */
export const deadLetterConsumer = taskDeadLetterQueue.subscribe(
  {
    handler: "functions/dead-letters/handler.handler",
    memory: "256 MB",
    timeout: `${DEAD_LETTER_CONSUMER_TIMEOUT_SECONDS} seconds`,
    // The task it fails raises task.failed for its webhook.
    environment: { ...functionEnvironment, ...webhookSenderEnvironment },
    permissions: [tableGrant(tasksTable, ["GetItem", "UpdateItem"]), webhookSenderGrant],
  },
  {
    batch: { size: 10, window: "0 seconds", partialResponses: true },
    transform: maximumConcurrency(eventSourceConcurrency.deadLetters),
  },
);
