import { functionEnvironment, functionLinks } from "./environment";
import { taskDeadLetterQueue } from "./queue";
import { webhookSenderEnvironment, webhookSenderLinks } from "./webhooks";

/** A crawl message that failed every delivery lands here; its task is marked failed with the reason. */
export const deadLetterConsumer = taskDeadLetterQueue.subscribe(
  {
    handler: "functions/dead-letters/handler.handler",
    runtime: "nodejs22.x",
    architecture: "x86_64",
    memory: "256 MB",
    timeout: "30 seconds",
    // The task it fails raises task.failed for its webhook.
    environment: { ...functionEnvironment, ...webhookSenderEnvironment },
    link: [...functionLinks, ...webhookSenderLinks],
  },
  { batch: { size: 10, window: "0 seconds", partialResponses: true } },
);
