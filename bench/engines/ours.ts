import { WarmBrowser } from "../../core/browser/index.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import type { WebTaskParams } from "../../core/platforms/web/index.js";
import type { CrawlContext } from "../../core/platforms/types.js";
import type { Engine } from "./types.js";

/**
 * This project's engine: crawlWeb in a WarmBrowser task context, as the worker runs it,
 * with a stub CrawlContext (no storage, no politeness limits, never cancelled). The
 * task's defaults apply: images, media and fonts blocked, wait until `load`. Every
 * request goes through the egress proxy (ALLOW_PRIVATE_TARGETS=1 lets it reach 127.0.0.1).
 */
export const ours: Engine = (run) => oursWith({ egress: true })(run);

/**
 * `egress: false` launches Chromium without the egress proxy (no SSRF guard): a
 * configuration we never ship, measured only to show what the guard costs.
 */
export const oursWith =
  (options: { egress: boolean }): Engine =>
  async (run) => {
  const warm = new WarmBrowser({ executablePath: run.executablePath, singleProcess: run.singleProcess, ...(options.egress ? {} : { egress: false }) });
  try {
    const browser = await warm.newTaskContext();
    const params = {
      crawler_type: "crawl",
      urls: [run.url],
      max_pages: run.pages,
      max_depth: run.maxDepth,
      include: [],
      exclude: [],
      same_origin: true,
      wait_until: "load",
      page_timeout_secs: 30,
      block_resources: ["image", "media", "font", "tracker"],
    } satisfies WebTaskParams;
    const context: CrawlContext = {
      taskId: "bench",
      browser,
      signal: new AbortController().signal,
      isCancelled: async () => false,
      log: () => undefined,
    };
    let ok = 0;
    let failed = 0;
    try {
      for await (const item of crawlWeb(params, context, { pageConcurrency: run.concurrency })) {
        if (item.ok) ok += 1;
        else failed += 1;
      }
    } finally {
      await browser.close();
    }
    return { ok, failed };
  } finally {
    await warm.close();
  }
};
