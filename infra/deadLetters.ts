import { functionEnvironment, functionLinks } from "./environment";
import { taskDeadLetterQueue } from "./queue";

/** A crawl message that failed every delivery lands here; its task is marked failed with the reason. */
export const deadLetterConsumer = taskDeadLetterQueue.subscribe(
  {
    handler: "functions/dead-letters/handler.handler",
    runtime: "nodejs22.x",
    architecture: "x86_64",
    memory: "256 MB",
    timeout: "30 seconds",
    environment: functionEnvironment,
    link: functionLinks,
  },
  { batch: { size: 10, window: "0 seconds", partialResponses: true } },
);
