import { accountsCrawlerEnvironment } from "./accounts";
import { functionEnvironment, functionLinks } from "./environment";
import { privacyCrawlerEnvironment } from "./privacy";
import { CRAWLER_TIMEOUT_MINUTES, taskQueue } from "./queue";
import { webhookSenderEnvironment, webhookSenderLinks } from "./webhooks";

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
    // Media crawls pick stored accounts (the key opens their cookies) and proxies from the pool.
    // …and hash creator ids with CREATOR_HASH_SECRET (infra/privacy.ts).
    // Completed and failed tasks' webhook events go to the webhook queue (infra/webhooks.ts).
    environment: { ...functionEnvironment, ...accountsCrawlerEnvironment, ...privacyCrawlerEnvironment, ...webhookSenderEnvironment },
    link: [...functionLinks, ...webhookSenderLinks],
    // Installed at build time for linux/x64 with the version pinned in package.json.
    nodejs: { install: ["@sparticuz/chromium"] },
  },
  { batch: { size: 1, window: "0 seconds", partialResponses: true } },
);
