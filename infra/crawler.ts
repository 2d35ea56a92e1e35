import { queueGrant, tableGrant } from "./access";
import { accountsCrawlerEnvironment } from "./accounts";
import { eventSourceConcurrency, maximumConcurrency } from "./concurrency";
import { functionEnvironment } from "./environment";
import { privacyCrawlerEnvironment } from "./privacy";
import { CRAWLER_TIMEOUT_MINUTES, taskQueue } from "./queue";
import { accountsTable, politenessTable, resultsTable, schedulesTable, tasksTable } from "./storage";
import { webhookSenderEnvironment, webhookSenderGrant } from "./webhooks";
import { mediaCrawlerGrants, mediaEnvironment } from "./media";

/**
 * One crawl per invocation: batch of one, no batching delay, and failed messages reported
 * through batchItemFailures instead of failing the whole batch.
 * Chromium ships for x64 only and unpacks ~200 MiB into /tmp on a cold start.
 */
export const crawler = taskQueue.subscribe(
  {
    handler: "functions/crawler/handler.handler",
    memory: "2048 MB",
    storage: "1024 MB",
    timeout: `${CRAWLER_TIMEOUT_MINUTES} minutes`,
    // Media crawls pick stored accounts (the key opens their cookies) and proxies from the pool.
    // …and hash creator ids with CREATOR_HASH_SECRET (infra/privacy.ts).
    // Completed and failed tasks' webhook events go to the webhook queue (infra/webhooks.ts).
    environment: {
      ...functionEnvironment,
      ...accountsCrawlerEnvironment,
      ...privacyCrawlerEnvironment,
      ...webhookSenderEnvironment,
      // download_media files go to the media bucket (infra/media.ts).
      ...mediaEnvironment,
    },
    // Tasks: claim, progress, lease, end, checkpoints (items beside the task). Results: batch
    // writes. Politeness: the per-host slots. Accounts: pick (by_platform), claim, mark;
    // a QR login stores the new account (PutItem) and updates its session item.
    // Schedules: since_last_run's record of what a schedule's runs stored (entries beside
    // the schedules, core/schedules/seen.ts): read one, write what a batch stored.
    // The task queue: retries and hand-overs.
    permissions: [
      tableGrant(tasksTable, ["GetItem", "PutItem", "UpdateItem", "DeleteItem"]),
      tableGrant(resultsTable, ["BatchWriteItem"]),
      tableGrant(politenessTable, ["GetItem", "PutItem", "UpdateItem"]),
      tableGrant(accountsTable, ["GetItem", "Query", "PutItem", "UpdateItem"]),
      tableGrant(schedulesTable, ["GetItem", "PutItem"]),
      queueGrant(taskQueue),
      webhookSenderGrant,
      ...mediaCrawlerGrants,
    ],
    // `sst dev` keeps this one deployed and running on Lambda: run locally it would get no
    // `nodejs.install` (dev builds link the project's node_modules instead), and
    // @sparticuz/chromium's browser is a Linux x64 binary. The other functions run locally.
    dev: false,
    // Installed at build time for linux/x64, at the versions pinned in package.json, instead
    // of bundled. Chromium must be: its binary ships as files beside the package. puppeteer-core
    // must be too: bundled, its dependency yargs (through @puppeteer/browsers) brings an ESM
    // shim that declares a top-level `__dirname`, which SST's banner also declares, and the
    // function fails at load with a SyntaxError after a deploy that succeeded. Installed, every
    // module of puppeteer's tree keeps its own scope, whatever those dependencies declare next.
    // build:functions checks every bundle parses; tests/artifacts load and run this one.
    nodejs: { install: ["@sparticuz/chromium", "puppeteer-core"] },
  },
  {
    batch: { size: 1, window: "0 seconds", partialResponses: true },
    transform: maximumConcurrency(eventSourceConcurrency.crawler),
  },
);
