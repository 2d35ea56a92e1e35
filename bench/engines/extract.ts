import type { Page } from "puppeteer-core";

/** What the Crawlee and bare engines read from a page: about what crawlWeb reads (title, text, links). */
export async function readPage(page: Page): Promise<{ title: string; text: number; links: string[] }> {
  return page.evaluate(() => ({
    title: document.title,
    text: document.body.innerText.length,
    links: Array.from(document.querySelectorAll("a[href]"), (a) => (a as HTMLAnchorElement).href),
  }));
}

/** URL patterns of images, for Chromium's `Network.setBlockedURLs`. */
export const IMAGE_PATTERNS = ["*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.svg"];
