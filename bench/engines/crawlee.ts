import chromium from "@sparticuz/chromium";
import {
  Configuration,
  log,
  PuppeteerCrawler,
  puppeteerUtils,
  type PuppeteerCrawlerOptions,
  type PuppeteerHook,
} from "crawlee";
import puppeteer from "puppeteer-core";
import { IMAGE_PATTERNS, readPage } from "./extract.js";
import type { Engine, EngineRun } from "./types.js";

/**
 * Crawlee's PuppeteerCrawler on the same binary and flags (puppeteer-core 25 as its
 * launcher, headless "shell"), storage in memory, the same per-page read as the bare loop,
 * links followed with `enqueueLinks()` (same hostname).
 *
 * - `defaults`: only `maxConcurrency` set. Crawlee then starts at 1 page and scales up
 *   with its autoscaled pool, loads images, injects browser fingerprints and replaces
 *   the browser every 100 pages.
 * - `equalized`: what ours does, as far as options go: exactly `concurrency` pages from
 *   the start, images blocked (Crawlee's `blockRequests`), no fingerprints, one browser.
 */
export function crawlee(variant: "defaults" | "equalized"): Engine {
  return async (run) => {
    log.setLevel(log.LEVELS.ERROR);
    let ok = 0;
    let failed = 0;
    const options: PuppeteerCrawlerOptions = {
      maxConcurrency: run.concurrency,
      maxRequestsPerCrawl: run.pages,
      launchContext: { launcher: puppeteer, launchOptions: launchOptions(run) },
      requestHandler: async ({ page, enqueueLinks }) => {
        await readPage(page);
        ok += 1;
        await enqueueLinks();
      },
      failedRequestHandler: () => {
        failed += 1;
      },
      ...(variant === "equalized" ? equalized(run) : {}),
    };
    const crawler = new PuppeteerCrawler(options, new Configuration({ persistStorage: false, purgeOnStart: true }));
    await crawler.run([run.url]);
    return { ok, failed };
  };
}

function launchOptions(run: EngineRun) {
  const args = run.singleProcess ? chromium.args : chromium.args.filter((flag) => flag !== "--single-process");
  return { executablePath: run.executablePath, args, headless: "shell" as const };
}

function equalized(run: EngineRun): Partial<PuppeteerCrawlerOptions> {
  return {
    minConcurrency: run.concurrency,
    browserPoolOptions: {
      useFingerprints: false,
      retireBrowserAfterPageCount: 1_000_000,
      maxOpenPagesPerBrowser: run.concurrency,
    },
    preNavigationHooks: [blockImages],
  };
}

/** Crawlee's own blocking (Chromium's `Network.setBlockedURLs`), the same patterns as the bare loop. */
const blockImages: PuppeteerHook = async ({ page }) => {
  await puppeteerUtils.blockRequests(page, { urlPatterns: IMAGE_PATTERNS, extraUrlPatterns: [] });
};
