/**
 * The crawler function's parts of the builder (./dependencies.ts), with ./tasks.ts and
 * ./accounts.ts: what only crawls need, kept apart so the other functions' bundles do not carry it.
 */
import type { AccountPool } from "../accounts/pool.js";
import type { MediaConfig } from "../config.js";
import type { MediaStore } from "../media/store.js";
import { DynamoCheckpointStore } from "../crawl/checkpoints.js";
import { DynamoSeenItemStore } from "../schedules/seen.js";
import type { RunTaskDeps, TaskBrowser } from "../crawl/runTask.js";
import { ProxyPool } from "../net/proxyPool.js";
import { DynamoHostLimiter } from "../politeness/DynamoHostLimiter.js";
import { HostPoliteness } from "../politeness/HostPoliteness.js";
import { DynamoRobotsTxtCache } from "../politeness/robotsTxtCache.js";
import type { TaskServiceDeps } from "../tasks/service.js";
import type { BaseDependencies } from "./dependencies.js";

/** Parts around `browser`; `log` hears runTask, politeness and the proxy pool. */
export function crawlerParts(browser: TaskBrowser, log?: RunTaskDeps["log"]) {
  const warn = (message: string, fields?: Record<string, unknown>) => log?.("warn", message, fields);
  return {
    /**
     * What every crawl needs: the task stores, the queue, the checkpoints and the browser; and
     * since_last_run's record of what schedules' runs stored (core/schedules/seen.ts).
     */
    runDeps: ({ config, clients, taskDeps }: BaseDependencies & { taskDeps: TaskServiceDeps }): RunTaskDeps => {
      const { tasks, results, queue, webhooks, urlLists } = taskDeps;
      return {
        tasks,
        results,
        queue,
        checkpoints: new DynamoCheckpointStore(clients.doc, config.tasksTable),
        seenItems: new DynamoSeenItemStore(clients.doc, config.schedulesTable),
        browser,
        ...(urlLists ? { urlLists } : {}),
        ...(webhooks ? { webhooks } : {}),
        ...(log ? { log } : {}),
      };
    },
    /**
     * runDeps and what the crawler function adds: per-host caps and delays and robots.txt,
     * shared with every other sandbox through the politeness table; stored accounts in turn
     * (marked when a site refuses them); the proxies from PROXY_POOL; the media storage (./media.ts).
     */
    crawlDeps: ({
      config,
      clients,
      env,
      runDeps,
      accountPool,
      mediaStore,
      mediaConfig,
    }: BaseDependencies & {
      runDeps: RunTaskDeps;
      accountPool: AccountPool;
      /** From ./media.ts; absent: no media storage. */
      mediaStore?: MediaStore | undefined;
      mediaConfig?: MediaConfig;
    }): RunTaskDeps => ({
      ...runDeps,
      ...(mediaStore ? { mediaStore } : {}),
      ...(mediaConfig ? { mediaConfig } : {}),
      hostSlots: new HostPoliteness(new DynamoHostLimiter(clients.doc, config.politenessTable), {
        maxConcurrency: config.hostMaxConcurrency,
        minDelayMs: config.hostMinDelayMs,
        log: warn,
      }),
      robotsTxt: new DynamoRobotsTxtCache(clients.doc, config.politenessTable),
      accounts: accountPool,
      proxies: ProxyPool.fromEnv(warn, env),
    }),
  };
}
