import type { BrowserContext } from "puppeteer-core";

/**
 * The browser of a task that runs without one (PlatformCrawler.needsBrowser false): closing
 * it does nothing, anything else throws, so a crawler that reaches for it anyway fails
 * loudly instead of launching Chromium behind the task's back.
 */
export const NO_BROWSER: BrowserContext = new Proxy({} as BrowserContext, {
  get(_target, property) {
    if (property === "close") return async () => undefined;
    // Not a thenable: it is passed through promises.
    if (property === "then" || typeof property === "symbol") return undefined;
    throw new Error(`this task runs without a browser (asked for browser.${String(property)})`);
  },
});
