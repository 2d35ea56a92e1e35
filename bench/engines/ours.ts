import type { BrowserContext } from "puppeteer-core";
import { WarmBrowser } from "../../core/browser/index.js";
import { NO_BROWSER } from "../../core/browser/noBrowser.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import { webTaskInput, type WebTaskParams } from "../../core/platforms/web/schema.js";
import type { CrawlContext } from "../../core/platforms/types.js";
import { BENCH_MARKER } from "../site.js";
import type { Engine } from "./types.js";

/**
 * This project's engine: crawlWeb in a WarmBrowser task context, as the worker runs it,
 * with a stub CrawlContext (no storage, no politeness limits, never cancelled). The
 * task's defaults apply (webTaskInput): images, media, fonts and trackers blocked, each page
 * read once it settled after load (wait_until settle), except `render`: "always" here, so
 * this engine measures Chromium (the render modes have engines of their own below). Every
 * request goes through the egress proxy (ALLOW_PRIVATE_TARGETS=1 lets it reach 127.0.0.1).
 */
export const ours: Engine = (run) => oursWith({ egress: true })(run);

/**
 * `egress: false` launches Chromium without the egress proxy (no SSRF guard): a
 * configuration we never ship, measured only to show what the guard costs. `render`
 * "never" launches no browser at all; "auto" launches one and renders what needs it.
 */
export const oursWith =
  (options: { egress: boolean; waitUntil?: WebTaskParams["wait_until"]; render?: WebTaskParams["render"] }): Engine =>
  async (run) => {
    const render = options.render ?? "always";
    const warm =
      render === "never"
        ? undefined
        : new WarmBrowser({
            executablePath: run.executablePath,
            singleProcess: run.singleProcess,
            ...(options.egress ? {} : { egress: false }),
          });
    try {
      // As runTask does: "always" opens the task's context first, "auto" when a page needs it, "never" not at all.
      let opened: Promise<BrowserContext> | undefined;
      const openBrowser = () => (opened ??= (warm as WarmBrowser).newTaskContext());
      const browser = render === "always" ? await openBrowser() : NO_BROWSER;
      const { platform: _platform, ...params } = webTaskInput.parse({
        platform: "web",
        crawler_type: "crawl",
        urls: [run.url],
        max_pages: run.pages,
        max_depth: run.maxDepth,
        render,
        ...(options.waitUntil ? { wait_until: options.waitUntil } : {}),
      });
      const context: CrawlContext = {
        taskId: "bench",
        browser,
        signal: new AbortController().signal,
        isCancelled: async () => false,
        log: () => undefined,
        ...(render === "auto" ? { openBrowser } : {}),
      };
      let ok = 0;
      let failed = 0;
      let rendered = 0;
      let markers = 0;
      try {
        for await (const item of crawlWeb(params, context, {
          pageConcurrency: run.concurrency,
          httpConcurrency: run.httpConcurrency ?? 16,
        })) {
          if (item.replaces === true) {
            // A page rendered again (render auto): counted once, by what its last read found.
            rendered += 1;
            markers += String(item.data.text).includes(BENCH_MARKER) ? 1 : 0;
            continue;
          }
          if (item.ok) ok += 1;
          else failed += 1;
          if (item.data.rendered === true) rendered += 1;
          if (String(item.data.text).includes(BENCH_MARKER)) markers += 1;
        }
      } finally {
        await (await opened)?.close();
      }
      return { ok, failed, rendered, markers };
    } finally {
      await warm?.close();
    }
  };
