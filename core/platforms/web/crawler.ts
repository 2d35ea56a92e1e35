import type { Browser } from "puppeteer-core";
import { DependencyUnavailableError, RetryableCrawlError } from "../../errors.js";
import type { CrawlContext, ResultItem } from "../types.js";
import { BoundedChannel } from "./channel.js";
import { parseSelectors, type SelectorSpec } from "./extract.js";
import { Frontier, type FrontierEntry, type FrontierSnapshot } from "./frontier.js";
import { buildPageItem } from "./items.js";
import { CrawlTab, unopenedOutcome, type PageOutcome } from "./page.js";
import type { WebTaskParams } from "./schema.js";
import { LinkFilter, normaliseUrl, pageItemKey } from "./urls.js";

/** The item key a frontier entry's result is stored under. */
function itemKeyOf(entry: FrontierEntry): string {
  return pageItemKey(entry.url);
}

/** Tuning of one web crawl; task-level choices live in {@link WebTaskParams}. */
export interface WebCrawlOptions {
  /** Pages of one task loaded at the same time in its browser context. @default 4 */
  pageConcurrency?: number;
  /** Finished items held for a slow consumer before the workers pause. @default 8 */
  maxBufferedItems?: number;
  /** Longest `text` stored per page, in characters; longer text is cut and `truncated` set. @default 100_000 */
  maxTextChars?: number;
  /** How long reading a loaded page may take (a script stuck in a loop blocks it). @default 15_000 */
  extractTimeoutMs?: number;
  /**
   * Time one page's links may spend in the include/exclude filter, ms; links left when it
   * runs out are not followed, and a log line says so. Matching is linear-time (RE2), but a
   * page may carry thousands of links and a task 100 patterns: the budget bounds what one
   * page can cost whatever both are, and keeps the worker's event loop (lease heartbeat,
   * other pages) from stalling. Ordinary filtering takes ~0.6 µs a link and pattern. @default 1_000
   */
  linkFilterBudgetMs?: number;
}

export const webCrawlDefaults = {
  pageConcurrency: 4,
  maxBufferedItems: 8,
  maxTextChars: 100_000,
  extractTimeoutMs: 15_000,
  linkFilterBudgetMs: 1_000,
} as const satisfies Required<WebCrawlOptions>;

/** After a "target closed" page error, how long to wait for the browser's disconnect to show. */
const CRASH_GRACE_MS = 100;

/**
 * Crawls web pages in the task's browser context and yields one result item per page,
 * in the order pages finish.
 *
 * - `detail`: exactly the given URLs (deduplicated). `crawl`: breadth-first from them,
 *   following links up to `max_depth`, filtered by `same_origin` (the start URLs'
 *   origins), `include` and `exclude`; never more than `max_pages` pages.
 * - Stops quietly when the task is cancelled (asked before each page) or
 *   `context.signal` aborts: in-flight pages are abandoned, nothing more is yielded.
 * - Throws {@link RetryableCrawlError} `BROWSER_CRASHED` when the browser disconnects,
 *   after yielding the items already finished.
 * - Each worker keeps one tab from page to page (see CrawlTab); breaking out of the loop
 *   early closes every tab it opened.
 *
 * @example
 * for await (const item of crawlWeb(params, context)) await results.put(taskId, item);
 */
export async function* crawlWeb(
  params: WebTaskParams,
  context: CrawlContext,
  options: WebCrawlOptions = {},
): AsyncGenerator<ResultItem, void, undefined> {
  const run = new WebCrawlRun(params, context, { ...webCrawlDefaults, ...options });
  run.start();
  try {
    for (;;) {
      const next = await run.channel.pull();
      if (next.done) return;
      run.unyielded.delete(next.value.item_key);
      yield { ...next.value, resumeCursor: () => run.cursor() };
    }
  } finally {
    await run.stop();
  }
}

type Settings = Required<WebCrawlOptions>;

/** The state of one crawlWeb call: frontier, workers and the channel they feed. */
class WebCrawlRun {
  readonly channel: BoundedChannel<ResultItem>;
  readonly frontier: Frontier;
  /**
   * Pages completed whose items the consumer has not taken yet. A checkpoint counts them
   * as not done (back in the queue), so it never claims a page whose item was not stored.
   */
  readonly unyielded = new Map<string, FrontierEntry>();
  readonly #params: WebTaskParams;
  readonly #context: CrawlContext;
  readonly #settings: Settings;
  readonly #specs: SelectorSpec[];
  readonly #linkFilter: LinkFilter;
  readonly #browser: Browser;
  /** Aborted on any stop: closes the pages in flight. */
  readonly #stopController = new AbortController();
  #workers: Promise<void>[] = [];
  /** Workers waiting for links while others still have pages in flight. */
  #idle: Array<() => void> = [];
  #cancelCheck: Promise<boolean> | undefined;

  constructor(params: WebTaskParams, context: CrawlContext, settings: Settings) {
    this.#params = params;
    this.#context = context;
    this.#settings = settings;
    this.#specs = parseSelectors(params.selectors);
    this.#browser = context.browser.browser();
    this.channel = new BoundedChannel(settings.maxBufferedItems);
    // detail mode crawls exactly the given URLs, so only crawl mode is capped by max_pages.
    const seeds = new Set(params.urls.map((raw) => normaliseUrl(raw)));
    const resumed = context.resumeFrom as FrontierSnapshot | undefined;
    this.frontier = resumed
      ? Frontier.fromSnapshot(resumed)
      : new Frontier(params.crawler_type === "detail" ? Math.max(1, seeds.size) : params.max_pages);
    const origins = new Set<string>();
    for (const raw of params.urls) {
      const url = normaliseUrl(raw);
      if (url === undefined) continue;
      origins.add(new URL(url).origin);
      if (!resumed) this.frontier.add(url, 0);
    }
    // Throws NonRetryableCrawlError PATTERN_INVALID for a pattern RE2 cannot compile.
    this.#linkFilter = new LinkFilter({
      allowedOrigins: origins,
      sameOrigin: params.same_origin,
      include: params.include,
      exclude: params.exclude,
    });
  }

  /** A frontier snapshot consistent with the items yielded so far (see {@link unyielded}). */
  cursor(): FrontierSnapshot {
    const snapshot = this.frontier.snapshot();
    const pending = [...this.unyielded.values()];
    return { ...snapshot, queue: [...pending, ...snapshot.queue], done: snapshot.done - pending.length };
  }

  get #stopped(): boolean {
    return this.#stopController.signal.aborted;
  }

  start(): void {
    if (!this.#browser.connected) return this.#crash(undefined);
    if (this.#context.signal.aborted) return this.#halt("aborted");
    this.#browser.once("disconnected", this.#onDisconnected);
    this.#context.signal.addEventListener("abort", this.#onAbort, { once: true });
    const count = Math.max(1, Math.min(this.#settings.pageConcurrency, this.frontier.maxPages));
    this.#workers = Array.from({ length: count }, () =>
      this.#work().catch((error: unknown) => {
        this.#stopController.abort();
        this.channel.fail(error);
      }),
    );
    // All workers returned without a stop: every page is done, let the consumer drain.
    void Promise.all(this.#workers).then(() => this.channel.close());
  }

  /** Ends the run (idempotent) and waits until every page it opened is closed. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopController.abort();
      this.channel.discard();
    }
    this.#wakeIdle();
    this.#browser.off("disconnected", this.#onDisconnected);
    this.#context.signal.removeEventListener("abort", this.#onAbort);
    await Promise.allSettled(this.#workers);
  }

  /** One worker: takes the next URL, loads it in its own tab (kept from page to page), hands the item on. */
  async #work(): Promise<void> {
    let tab: CrawlTab | undefined;
    try {
      while (!this.#stopped) {
        const entry = this.frontier.next();
        if (entry === undefined) {
          if (this.frontier.inFlight === 0) return this.#wakeIdle();
          await new Promise<void>((resolve) => this.#idle.push(resolve));
          continue;
        }
        if (await this.#isCancelled()) return this.#halt("cancelled");
        if (this.#stopped) return;

        if (tab !== undefined && !tab.reusable) {
          await tab.close();
          tab = undefined;
        }
        let outcome: PageOutcome;
        try {
          tab ??= await CrawlTab.open(this.#context.browser, this.#params.block_resources);
          outcome = await tab.crawl(entry.url, this.#params, {
            specs: this.#specs,
            maxTextChars: this.#settings.maxTextChars,
            extractTimeoutMs: this.#settings.extractTimeoutMs,
            signal: this.#stopController.signal,
            ...(this.#context.acquireHostSlot ? { hostSlot: this.#context.acquireHostSlot.bind(this.#context) } : {}),
          });
        } catch (error) {
          // Opening the tab failed: the page's failure (or the browser's, checked below).
          outcome = unopenedOutcome(error);
        }
        if (this.#stopped) return;
        // The politeness table was unreachable: not the page's failure, the run's (retryable).
        if (outcome.cause instanceof DependencyUnavailableError) throw outcome.cause;
        if (outcome.error !== null && (await this.#browserGone(outcome))) return this.#crash(outcome.cause);

        this.frontier.complete(entry);
        this.unyielded.set(itemKeyOf(entry), entry);
        const { item, links } = buildPageItem(entry, outcome, this.#specs);
        if (outcome.error !== null) {
          // `message` is the logger's own key (the line's text): a field of that name is dropped.
          this.#context.log("page failed", { url: entry.url, code: outcome.error.code, error_message: outcome.error.message });
        }
        this.#enqueueLinks(entry, links);
        this.#wakeIdle();
        if (!(await this.channel.push(item))) return;
      }
    } finally {
      await tab?.close();
    }
  }

  /**
   * Queues the page's links that pass the filter. Links seen before are skipped untested, and
   * nothing is tested once the frontier is full; what is left gets the page's time budget.
   */
  #enqueueLinks(entry: FrontierEntry, links: readonly string[]): void {
    if (this.#params.crawler_type !== "crawl" || entry.depth >= this.#params.max_depth || this.frontier.full) return;
    const fresh = links.filter((url) => !this.frontier.has(url));
    const selection = this.#linkFilter.select(fresh, this.#settings.linkFilterBudgetMs);
    for (const url of selection.follow) this.frontier.add(url, entry.depth + 1);
    if (selection.overBudget > 0 || selection.tooLong > 0) {
      this.#context.log(
        selection.overBudget > 0 ? "link filtering hit its time budget: the page's remaining links were not followed" : "links too long to test were not followed",
        {
          url: entry.url,
          links: fresh.length,
          followed: selection.follow.length,
          over_budget: selection.overBudget,
          too_long: selection.tooLong,
          elapsed_ms: Math.round(selection.elapsedMs),
          budget_ms: this.#settings.linkFilterBudgetMs,
        },
      );
    }
  }

  /**
   * Asks whether the task was cancelled. Workers asking at the same moment share one
   * answer, so concurrency does not multiply store reads. A failing check counts as
   * "not cancelled": the next page asks again, and a store hiccup should not kill a crawl.
   */
  #isCancelled(): Promise<boolean> {
    this.#cancelCheck ??= this.#context
      .isCancelled()
      .catch((error: unknown) => {
        this.#context.log("cancellation check failed", { error: error instanceof Error ? error.message : String(error) });
        return false;
      })
      .finally(() => {
        this.#cancelCheck = undefined;
      });
    return this.#cancelCheck;
  }

  /**
   * Whether a page failed because the whole browser went away. The page's rejection
   * can arrive a moment before the disconnect is visible, hence the short grace.
   */
  async #browserGone(outcome: PageOutcome): Promise<boolean> {
    if (!this.#browser.connected) return true;
    const message = outcome.error?.message ?? "";
    if (!/target closed|session closed|connection closed|detached|crashed/i.test(message)) return false;
    await new Promise((resolve) => setTimeout(resolve, CRASH_GRACE_MS));
    return !this.#browser.connected;
  }

  /** Cancelled or aborted: abandon the pages in flight, yield nothing more. */
  #halt(reason: "cancelled" | "aborted"): void {
    if (this.#stopped) return;
    this.#context.log(`crawl ${reason}`, { done: this.frontier.done, pending: this.frontier.pending });
    this.#stopController.abort();
    this.channel.discard();
    this.#wakeIdle();
  }

  /** The browser is gone: finished items still reach the consumer, then the retryable error. */
  #crash(cause: unknown): void {
    if (this.#stopped) return;
    this.#context.log("browser disconnected mid-crawl", { done: this.frontier.done });
    this.#stopController.abort();
    this.channel.fail(
      new RetryableCrawlError("BROWSER_CRASHED", `the browser disconnected after ${this.frontier.done} page(s)`, { cause }),
    );
    this.#wakeIdle();
  }

  readonly #onDisconnected = (): void => this.#crash(undefined);
  readonly #onAbort = (): void => this.#halt("aborted");

  #wakeIdle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const wake of idle) wake();
  }
}
