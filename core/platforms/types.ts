import type { BrowserContext } from "puppeteer-core";
import type { CrawlAccount } from "./media/types.js";
import type { PlatformName } from "./registry.js";

export type { PlatformName } from "./registry.js";

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
  /**
   * This item replaces one of the same `item_key` yielded earlier in the run (a web page
   * read again in the browser, render "auto"): stored over it, not counted again.
   */
  replaces?: true;
  /**
   * The item's content hash, set when a since_last_run check looked at it
   * (core/crawl/sinceLastRun.ts): the runner does not check it again, and the recorder
   * remembers it for the schedule once the item is stored.
   */
  contentHash?: string;
}

/** See {@link PlatformCrawler.browserUse}. */
export type BrowserUse = "always" | "on-demand" | "never";

/** What a fetch asks of its host's politeness slot beyond the task's limits. */
export interface HostSlotOptions {
  /**
   * The host asks for at least this long between fetch starts (robots.txt Crawl-delay), ms:
   * the task's delay is raised to it (never past the longest delay a task may set).
   */
  minDelayMs?: number;
}

/** One origin's robots.txt as fetched (core/platforms/web/robots.ts reads it). */
export interface StoredRobotsTxt {
  /** The final HTTP status; null when it could not be fetched. */
  status: number | null;
  /** The body (2xx only), at most 500 KiB. */
  body: string;
  fetchedAt: string;
  /** Why it could not be read (5xx, no answer): RFC 9309 then disallows the whole origin. */
  failure?: string;
}

/** robots.txt shared by every worker, keyed by origin (`https://example.com`). */
export interface RobotsTxtCache {
  get(origin: string): Promise<StoredRobotsTxt | undefined>;
  put(origin: string, robots: StoredRobotsTxt): Promise<void>;
}

/** What a platform crawl is given. Borrowed parts: the platform must not close them. */
export interface CrawlContext {
  taskId: string;
  /** A fresh, isolated browser context for this task (see PlatformCrawler.browserUse). */
  browser: BrowserContext;
  /**
   * Opens the task's browser context on first call (later calls get the same one): present
   * when the platform asked for it on demand (browserUse "on-demand").
   */
  openBrowser?(): Promise<BrowserContext>;
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
  acquireHostSlot?(url: string, signal: AbortSignal, options?: HostSlotOptions): Promise<() => Promise<void>>;
  /**
   * robots.txt files fetched by any worker in the last day, shared through the politeness
   * table (web crawls, core/platforms/web/robots.ts). Absent: each task fetches its own.
   */
  robotsTxt?: RobotsTxtCache;
  /**
   * The cursor an earlier, interrupted run of this task saved (see
   * {@link ResultItem.resumeCursor}); the crawl resumes from it: pages it counts as done
   * are not fetched again.
   */
  resumeFrom?: unknown;
  /**
   * A schedule's run with since_last_run (core/crawl/sinceLastRun.ts): `unchanged` says an
   * earlier run stored the item with the same content. Media crawls use it to stop a
   * newest-first listing early; the runner skips every unchanged item either way. Absent: off.
   */
  sinceLastRun?: { unchanged(item: ResultItem): Promise<boolean> };
  /** The stored account a media crawl uses (its cookies are set on the platform's pages); absent: none. */
  account?: CrawlAccount;
  /**
   * The upstream proxy a media crawl's requests go through (the task's `proxy` or the
   * pool's). Already applied by the egress proxy of the task's browser context: nothing
   * to do with it but never log it (it may carry credentials).
   */
  proxy?: string;
  /**
   * Downloads a post's images and video into the task's media storage (core/media/): set
   * by the runner for a media task with `download_media: true`; absent otherwise.
   */
  media?: PostMediaDownloader;
}

/** See {@link CrawlContext.media}. */
export interface PostMediaDownloader {
  downloadPost(
    itemKey: string,
    sources: readonly { url: string; kind: "image" | "video" }[],
    signal: AbortSignal,
  ): Promise<{ media_files: unknown[]; media_errors: unknown[] }>;
}

/** What the crawler needs of a platform: turn a task's fields into a stream of results. */
export interface PlatformCrawler<Params extends { crawler_type: string } = { crawler_type: string }> {
  name: PlatformName;
  crawl(params: Params, context: CrawlContext): AsyncIterable<ResultItem>;
  /**
   * When a task with these params needs Chromium: "always" (its context is opened before the
   * crawl starts), "on-demand" (opened by the crawl's first `context.openBrowser()`, maybe
   * never: web render "auto", whose pages mostly need none), "never" (web render "never": no
   * browser is launched or lent). Outside "always", `context.browser` throws when used.
   * @default () => "always"
   */
  browserUse?(params: Params): BrowserUse;
}
