import type { z } from "zod";
import type { BrowserContext } from "puppeteer-core";
import type { CrawlAccount } from "./media/types.js";

/** Every platform name the API knows; only those in the registry can be crawled today. */
export const PLATFORM_NAMES = ["web", "xhs", "dy", "ks", "bili", "wb", "tieba", "zhihu"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** One stored result: `item_key` is stable, so crawling the same thing twice overwrites it. */
export interface ResultItem {
  item_key: string;
  /** false when the item records a failure (a page that could not be crawled). */
  ok: boolean;
  data: Record<string, unknown>;
  /**
   * The platform's resumable state (JSON-serialisable) in which every item yielded up to
   * and including this one is done and nothing after it is. Call it only while the
   * iteration is paused at this item (or after it ended); the runner saves it as the
   * task's checkpoint once the items are stored.
   */
  resumeCursor?: () => unknown;
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
  /**
   * Drift that did not stop the crawl (an unknown field, a missing optional one: see
   * core/platforms/media/drift.ts): counted in the task's progress as a warning, the first
   * few kept as examples. Absent: only logged.
   */
  warn?(example: string): void;
  /**
   * Waits until this worker may fetch from `url`'s host (per-host and per-platform
   * concurrency caps and minimum delays, shared by every worker). Resolves to the
   * function that gives the slot back; call it when the fetch is done.
   * Absent: no politeness limits apply.
   */
  acquireHostSlot?(url: string, signal: AbortSignal): Promise<() => Promise<void>>;
  /**
   * The cursor an earlier, interrupted run of this task saved (see
   * {@link ResultItem.resumeCursor}); the crawl resumes from it: pages it counts as done
   * are not fetched again.
   */
  resumeFrom?: unknown;
  /** The stored account a media crawl uses (its cookies are set on the platform's pages); absent: none. */
  account?: CrawlAccount;
  /**
   * The upstream proxy a media crawl's requests go through (the task's `proxy` or the
   * pool's). Already applied by the egress proxy of the task's browser context: nothing
   * to do with it but never log it (it may carry credentials).
   */
  proxy?: string;
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
