import type { z } from "zod";
import type { BrowserContext } from "puppeteer-core";

/** Every platform name the API knows; only those in the registry can be crawled today. */
export const PLATFORM_NAMES = ["web", "xhs", "dy", "ks", "bili", "wb", "tieba", "zhihu"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** One stored result: `item_key` is stable, so crawling the same thing twice overwrites it. */
export interface ResultItem {
  item_key: string;
  /** false when the item records a failure (a page that could not be crawled). */
  ok: boolean;
  data: Record<string, unknown>;
}

/** What a platform crawl is given. Borrowed parts: the platform must not close them. */
export interface CrawlContext {
  taskId: string;
  /** A fresh, isolated browser context for this task. */
  browser: BrowserContext;
  /** Aborted when the run must stop now (shutdown, deadline). */
  signal: AbortSignal;
  /** Resolves true once the task was cancelled; platforms ask between pages. */
  isCancelled(): Promise<boolean>;
  log(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What the API needs of a platform: its name and the schema of a create-task body.
 * Kept apart from the crawler so the API bundle never pulls in the browser.
 */
export interface PlatformSpec<Input extends { platform: PlatformName; crawler_type: string } = { platform: PlatformName; crawler_type: string }> {
  name: PlatformName;
  /** Parses the whole create-task body (strict) for this platform. */
  inputSchema: z.ZodType<Input>;
}

/** What the crawler needs of a platform: turn a task's fields into a stream of results. */
export interface PlatformCrawler<Params extends { crawler_type: string } = { crawler_type: string }> {
  name: PlatformName;
  crawl(params: Params, context: CrawlContext): AsyncIterable<ResultItem>;
}
