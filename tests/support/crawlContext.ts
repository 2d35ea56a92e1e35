import type { CrawlContext } from "../../core/platforms/types.js";

/**
 * The CrawlContext a test crawl runs in: never cancelled, logs dropped; `fields` add or
 * override what the test looks at (warn, account, acquireHostSlot, …).
 */
export function testCrawlContext(
  taskId: string,
  browser: CrawlContext["browser"],
  fields: Partial<CrawlContext> = {},
): CrawlContext {
  return {
    taskId,
    browser,
    signal: new AbortController().signal,
    isCancelled: async () => false,
    log: () => undefined,
    ...fields,
  };
}
