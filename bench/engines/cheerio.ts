import { CheerioCrawler, Configuration, log } from "crawlee";
import { BENCH_MARKER } from "../site.js";
import type { Engine } from "./types.js";

/**
 * Crawlee's CheerioCrawler: plain HTTP (got-scraping) and cheerio, no browser; the anchor
 * for our render "never" and "auto" engines. Storage in memory, exactly `httpConcurrency`
 * requests from the start (its autoscaled pool otherwise starts low and grows), the same
 * reading as ours (title, visible text, links followed with `enqueueLinks()`, same hostname).
 */
export const cheerio: Engine = async (run) => {
  log.setLevel(log.LEVELS.ERROR);
  const concurrency = run.httpConcurrency ?? 16;
  let ok = 0;
  let failed = 0;
  let markers = 0;
  const crawler = new CheerioCrawler(
    {
      minConcurrency: concurrency,
      maxConcurrency: concurrency,
      maxRequestsPerCrawl: run.pages,
      requestHandler: async ({ $, enqueueLinks }) => {
        const text = $("body").text();
        void $("title").text();
        ok += 1;
        if (text.includes(BENCH_MARKER)) markers += 1;
        await enqueueLinks();
      },
      failedRequestHandler: () => {
        failed += 1;
      },
    },
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
  await crawler.run([run.url]);
  return { ok, failed, rendered: 0, markers };
};
