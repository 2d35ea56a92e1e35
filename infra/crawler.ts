import { functionEnvironment, functionLinks } from "./environment";
import { CRAWLER_TIMEOUT_MINUTES, taskQueue } from "./queue";

/**
 * One crawl per invocation: batch of one, no batching delay, and failed messages reported
 * through batchItemFailures instead of failing the whole batch.
 * Chromium ships for x64 only and unpacks ~200 MiB into /tmp on a cold start.
 */
export const crawler = taskQueue.subscribe(
  {
    handler: "functions/crawler/handler.handler",
    runtime: "nodejs22.x",
    architecture: "x86_64",
    memory: "2048 MB",
    storage: "1024 MB",
    timeout: `${CRAWLER_TIMEOUT_MINUTES} minutes`,
    // The crawler's own timeout: a task running without updates for longer lost its worker.
    environment: { ...functionEnvironment, CRAWLER_TIMEOUT_SECS: String(CRAWLER_TIMEOUT_MINUTES * 60) },
    link: functionLinks,
    // Installed at build time for linux/x64 with the version pinned in package.json.
    nodejs: { install: ["@sparticuz/chromium"] },
  },
  { batch: { size: 1, window: "0 seconds", partialResponses: true } },
);
