import chromium from "@sparticuz/chromium";
import puppeteer from "puppeteer-core";
import { IMAGE_PATTERNS, readPage } from "./extract.js";
import type { Engine } from "./types.js";

/**
 * The floor: one Chromium, `concurrency` tabs kept open for the whole crawl, each taking
 * the next URL of a breadth-first queue: goto (until `load`), one evaluate reading title,
 * text and links, same-origin links queued. Images are blocked with Chromium's own URL
 * blocking (no request interception). No retries, no isolation, no egress checks.
 */
export const bare: Engine = async (run) => {
  const args = run.singleProcess ? chromium.args : chromium.args.filter((flag) => flag !== "--single-process");
  const browser = await puppeteer.launch({ executablePath: run.executablePath, args, headless: "shell", pipe: true });
  try {
    const origin = new URL(run.url).origin;
    const seen = new Set([run.url]);
    const queue: Array<{ url: string; depth: number }> = [{ url: run.url, depth: 0 }];
    let inFlight = 0;
    let ok = 0;
    let failed = 0;
    const worker = async (): Promise<void> => {
      const page = await browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send("Network.enable");
      await cdp.send("Network.setBlockedURLs", { urls: IMAGE_PATTERNS });
      for (;;) {
        const next = queue.shift();
        if (next === undefined) {
          if (inFlight === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        inFlight += 1;
        try {
          await page.goto(next.url, { waitUntil: "load", timeout: 30_000 });
          const { links } = await readPage(page);
          ok += 1;
          if (next.depth >= run.maxDepth) continue;
          for (const link of links) {
            const url = link.split("#")[0] ?? link;
            if (seen.size >= run.pages || seen.has(url) || !url.startsWith(origin)) continue;
            seen.add(url);
            queue.push({ url, depth: next.depth + 1 });
          }
        } catch {
          failed += 1;
        } finally {
          inFlight -= 1;
        }
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: run.concurrency }, worker));
    return { ok, failed };
  } finally {
    await browser.close();
  }
};
