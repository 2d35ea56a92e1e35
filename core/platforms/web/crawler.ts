import { setMaxListeners } from "node:events";
import type { Browser, BrowserContext } from "puppeteer-core";
import { DependencyUnavailableError, RetryableCrawlError } from "../../errors.js";
import type { CrawlContext, ResultItem } from "../types.js";
import { BoundedChannel } from "./channel.js";
import { parseSelectors, type SelectorSpec } from "./extract.js";
import { Frontier, type FrontierEntry, type FrontierSnapshot } from "./frontier.js";
import { formatsOf, hasElement, type PageFormats } from "./html.js";
import { egressProxyOf } from "../../browser/egress.js";
import { BROWSER_LIKE_HEADERS, fetchPageOverHttp, type HttpPageOptions } from "./httpPage.js";
import { buildPageItem } from "./items.js";
import { unopenedOutcome, type PageOutcome } from "./page.js";
import { readsAgree, RenderAdvisor, type AdvisorOptions } from "./renderAdvisor.js";
import { RobotsRules, type RobotsRulesOptions, type RobotsVerdict } from "./robots.js";
import { findSitemapUrls } from "./sitemaps.js";
import type { WebTaskParams } from "./schema.js";
import { TabPool } from "./tabPool.js";
import { LinkFilter, normaliseUrl, pageItemKey } from "./urls.js";

/** The item key a frontier entry's result is stored under. */
function itemKeyOf(entry: FrontierEntry): string {
  return pageItemKey(entry.url);
}

/** Tuning of one web crawl; task-level choices live in {@link WebTaskParams}. */
export interface WebCrawlOptions {
  /** Pages of one task loaded at the same time in its browser context (tabs). @default 4 */
  pageConcurrency?: number;
  /**
   * Pages of one task in progress at the same time when pages are read over plain HTTP
   * (render "never" and "auto"; "auto" still renders at most `pageConcurrency` at once).
   * Politeness limits per host apply on top. @default 16
   */
  httpConcurrency?: number;
  /** How render "auto" samples and re-checks (renderAdvisor.ts). */
  advisor?: AdvisorOptions;
  /**
   * The egress policy of pages read over HTTP. @default the task browser's egress proxy's,
   * so both ways of reading a page reach the same addresses; without a browser (render
   * "never") the environment's (ALLOW_PRIVATE_TARGETS), which is what a browser gets too.
   */
  egress?: HttpPageOptions["egress"];
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
  httpConcurrency: 16,
  advisor: {},
  maxBufferedItems: 8,
  maxTextChars: 100_000,
  extractTimeoutMs: 15_000,
  linkFilterBudgetMs: 1_000,
} as const satisfies Required<Omit<WebCrawlOptions, "egress">>;

/** Time the sitemap pages may spend in the include/exclude filter, ms (see linkFilterBudgetMs). */
const SITEMAP_FILTER_BUDGET_MS = 5_000;

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

type Settings = Required<Omit<WebCrawlOptions, "egress">> & Pick<WebCrawlOptions, "egress">;

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
  /** The task's browser; undefined with render "never" (the task runs without one) and until opened on demand. */
  #browser: Browser | undefined;
  #opening: Promise<BrowserContext> | undefined;
  readonly #tabs: TabPool | undefined;
  readonly #advisor: RenderAdvisor;
  readonly #egress: HttpPageOptions["egress"];
  /** robots.txt of the task's origins; undefined when the task opted out. */
  readonly #robots: RobotsRules | undefined;
  /** How robots.txt and sitemaps are fetched: the pages' egress policy, headers and stop signal, at most 30 s each. */
  readonly #fileFetch: RobotsRulesOptions["fetch"];
  readonly #origins: string[];
  readonly #resumed: boolean;
  /** A detail task's distinct URLs in order: what its cursor's positions refer to. */
  readonly #detailList: string[];
  #detailIndex: Map<string, number> | undefined;
  /** Resolves once the sitemaps' pages are in the frontier (at once without sitemaps); workers wait for it. */
  #seeded: Promise<void> = Promise.resolve();
  /** Crawl-delay per origin, from robots.txt, ms: raises the delay of that host's slots. */
  readonly #crawlDelays = new Map<string, number>();
  /** The politeness slot of a page's host, with its Crawl-delay; undefined without politeness. */
  readonly #hostSlot: HttpPageOptions["hostSlot"];
  /** Whether pages' HTML is needed: formats besides text, or only the main content. */
  readonly #needsHtml: boolean;
  /** Pages read over HTTP whose group turned out to need rendering (render "auto"): rendered again first. */
  readonly #rerender: FrontierEntry[] = [];
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
    // Every page in flight listens for the stop (a fetch, a tab): more than Node's default 10 is normal here.
    setMaxListeners(
      Math.max(10, settings.httpConcurrency + settings.pageConcurrency + 10),
      this.#stopController.signal,
    );
    if (params.render !== "never" && context.openBrowser !== undefined) {
      // Opened on demand (render "auto" under runTask): a crawl whose pages need no browser never launches one.
      this.#tabs = new TabPool(() => this.#openBrowser(), params.block_resources, settings.pageConcurrency);
    } else if (params.render !== "never") {
      this.#browser = context.browser.browser();
      this.#tabs = new TabPool(context.browser, params.block_resources, settings.pageConcurrency);
    }
    this.#advisor = new RenderAdvisor(settings.advisor);
    this.#egress = settings.egress ?? (this.#browser === undefined ? undefined : egressProxyOf(this.#browser)?.egress);
    const acquire = context.acquireHostSlot?.bind(context);
    this.#hostSlot =
      acquire === undefined
        ? undefined
        : (url, signal) => {
            const crawlDelayMs = this.#crawlDelays.get(originOf(url));
            return acquire(url, signal, crawlDelayMs === undefined ? undefined : { minDelayMs: crawlDelayMs });
          };
    // Tasks stored before respect_robots_txt existed did not read robots.txt; they still do not.
    this.#fileFetch = {
      timeoutMs: Math.min(params.page_timeout_secs * 1000, 30_000),
      headers: BROWSER_LIKE_HEADERS,
      signal: this.#stopController.signal,
      ...(this.#egress ?? {}),
    };
    this.#robots =
      params.respect_robots_txt === true
        ? new RobotsRules({
            fetch: this.#fileFetch,
            cache: context.robotsTxt,
            hostSlot: this.#hostSlot,
            log: (message, fields) => context.log(message, fields),
          })
        : undefined;
    this.#needsHtml = params.only_main_content || params.formats.some((format) => format !== "text");
    this.channel = new BoundedChannel(settings.maxBufferedItems);
    // detail mode crawls exactly the given URLs, so only crawl mode is capped by max_pages.
    const seeds = new Set(
      params.urls.map((raw) => normaliseUrl(raw)).filter((url): url is string => url !== undefined),
    );
    this.#detailList = params.crawler_type === "detail" ? [...seeds] : [];
    const resumed = context.resumeFrom as FrontierSnapshot | DetailCursor | undefined;
    this.frontier = resumed
      ? Frontier.fromSnapshot(isDetailCursor(resumed) ? detailSnapshot(resumed, this.#detailList) : resumed)
      : new Frontier(params.crawler_type === "detail" ? Math.max(1, seeds.size) : params.max_pages);
    const origins = new Set<string>();
    for (const raw of params.urls) {
      const url = normaliseUrl(raw);
      if (url === undefined) continue;
      origins.add(new URL(url).origin);
      // sitemap "only": the start URLs name the sites; their sitemaps name the pages.
      if (!resumed && params.sitemap !== "only") this.frontier.add(url, 0);
    }
    this.#origins = [...origins];
    this.#resumed = resumed !== undefined;
    // Throws NonRetryableCrawlError PATTERN_INVALID for a pattern RE2 cannot compile.
    this.#linkFilter = new LinkFilter({
      allowedOrigins: origins,
      sameOrigin: params.same_origin,
      include: params.include,
      exclude: params.exclude,
    });
  }

  /**
   * A frontier snapshot consistent with the items yielded so far (see {@link unyielded}).
   * A detail task's is its pages still to do, as positions in its URL list: a batch of
   * 10,000 URLs checkpoints in a few kilobytes instead of twice its list.
   */
  cursor(): FrontierSnapshot | DetailCursor {
    const snapshot = this.frontier.snapshot();
    const pending = [...this.unyielded.values()];
    const queue = [...pending, ...snapshot.queue];
    const done = snapshot.done - pending.length;
    if (this.#params.crawler_type !== "detail") return { ...snapshot, queue, done };
    this.#detailIndex ??= new Map(this.#detailList.map((url, index) => [url, index]));
    const index = this.#detailIndex;
    return {
      version: 1,
      kind: "detail",
      remaining: queue.map((entry) => index.get(entry.url)).filter((i): i is number => i !== undefined),
      done,
    };
  }

  get #stopped(): boolean {
    return this.#stopController.signal.aborted;
  }

  start(): void {
    if (this.#browser !== undefined && !this.#browser.connected) return this.#crash(undefined);
    if (this.#context.signal.aborted) return this.#halt("aborted");
    this.#browser?.once("disconnected", this.#onDisconnected);
    this.#context.signal.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#params.crawler_type === "crawl" && (this.#params.sitemap ?? "skip") !== "skip" && !this.#resumed)
      this.#seeded = this.#seedFromSitemaps();
    const concurrency =
      this.#params.render === "always" ? this.#settings.pageConcurrency : this.#settings.httpConcurrency;
    const count = Math.max(1, Math.min(concurrency, this.frontier.maxPages));
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
    this.#browser?.off("disconnected", this.#onDisconnected);
    this.#context.signal.removeEventListener("abort", this.#onAbort);
    await Promise.allSettled(this.#workers);
    await this.#tabs?.close();
    if (this.#params.render === "auto")
      this.#context.log("render auto: how pages were read", { ...this.#advisor.stats });
  }

  /** One worker: takes the next page, reads it (rendered or over HTTP, see {@link #read}), hands the item on. */
  async #work(): Promise<void> {
    await this.#seeded;
    while (!this.#stopped) {
      const again = this.#rerender.shift();
      const entry = again ?? this.frontier.next();
      if (entry === undefined) {
        if (this.frontier.inFlight === 0 && this.#rerender.length === 0) return this.#wakeIdle();
        await new Promise<void>((resolve) => this.#idle.push(resolve));
        continue;
      }
      if (await this.#isCancelled()) return this.#halt("cancelled");
      if (this.#stopped) return;

      const refusal = again === undefined ? await this.#robotsRefusal(entry.url) : undefined;
      const { outcome, formats } =
        refusal !== undefined ? { outcome: refusal, formats: undefined } : await this.#read(entry, again !== undefined);
      if (this.#stopped) return;
      // The politeness table was unreachable: not the page's failure, the run's (retryable).
      if (outcome.cause instanceof DependencyUnavailableError) throw outcome.cause;
      if (outcome.rendered && outcome.error !== null && (await this.#browserGone(outcome)))
        return this.#crash(outcome.cause);

      const { item, links } = buildPageItem(entry, outcome, {
        specs: this.#specs,
        formats: this.#params.formats,
        pageFormats: formats,
      });
      if (again !== undefined) {
        // A page read over HTTP whose group turned out to need rendering: its rendered item
        // replaces the stored one, unless rendering failed (then the HTTP read stands).
        if (outcome.error !== null) continue;
        this.#enqueueLinks(entry, links);
        this.#wakeIdle();
        if (!(await this.channel.push({ ...item, replaces: true }))) return;
        continue;
      }
      this.frontier.complete(entry);
      this.unyielded.set(itemKeyOf(entry), entry);
      if (outcome.error !== null) {
        // `message` is the logger's own key (the line's text): a field of that name is dropped.
        this.#context.log("page failed", {
          url: entry.url,
          code: outcome.error.code,
          error_message: outcome.error.message,
        });
      }
      this.#enqueueLinks(entry, links);
      this.#wakeIdle();
      if (!(await this.channel.push(item))) return;
    }
  }

  /**
   * Reads one page as the task's `render` says: in a tab ("always", and `forceRender`),
   * over plain HTTP ("never"), or over HTTP first and in a tab when the advisor says
   * rendering may change what is read ("auto", renderAdvisor.ts). Never throws.
   */
  async #read(
    entry: FrontierEntry,
    forceRender: boolean,
  ): Promise<{ outcome: PageOutcome; formats?: PageFormats | undefined }> {
    const mode = this.#params.render;
    if (mode === "always" || forceRender) return this.#withFormats(await this.#render(entry.url, false));
    if (mode === "never") return this.#withFormats(await this.#overHttp(entry.url));

    const advisor = this.#advisor;
    if (advisor.renderWithoutHttp(entry.url)) return this.#withFormats(await this.#render(entry.url, false));
    const overHttp = await this.#overHttp(entry.url);
    if (overHttp.error !== null && !(overHttp.status !== null && overHttp.status >= 400)) {
      // Refused, unreachable, timed out: the browser would meet the same.
      advisor.stats.http += 1;
      return { outcome: overHttp };
    }
    if (overHttp.error !== null) {
      // An HTTP error status: a browser may be let through where a plain client is not (script challenges).
      advisor.stats.rendered += 1;
      return this.#withFormats(await this.#render(entry.url, false));
    }
    // Not HTML: a browser shows the same bytes.
    if (overHttp.html === null) return this.#withFormats(overHttp);

    // wait_for names an element the task needs: a read without it goes to the browser, which waits for it.
    if (this.#params.wait_for !== undefined && !hasElement(overHttp.html, this.#params.wait_for)) {
      advisor.stats.rendered += 1;
      return this.#withFormats(await this.#render(entry.url, false));
    }
    const plan = advisor.plan(entry.url, overHttp.scripts);
    if (plan === "http") {
      advisor.servedOverHttp(entry.url, overHttp.scripts, entry);
      return this.#withFormats(overHttp);
    }
    const rendered = this.#withFormats(await this.#render(entry.url, plan === "compare"));
    if (plan === "compare" && rendered.outcome.error === null) {
      const agreed = readsAgree(this.#withFormats(overHttp), rendered);
      const stale = advisor.report(entry.url, overHttp.scripts, agreed);
      if (!agreed)
        this.#context.log("render auto: rendering changes this kind of page; rendering its pages", {
          url: entry.url,
          rendering_again: stale.length,
        });
      if (stale.length > 0) {
        this.#rerender.push(...stale);
        this.#wakeIdle();
      }
    }
    return rendered;
  }

  /**
   * The item outcome of a page robots.txt keeps us from (ROBOTS_DISALLOWED, or
   * ROBOTS_UNREACHABLE when the file could not be read, NAVIGATION_FAILED when the site
   * could not be reached at all), or undefined when it may be
   * fetched; notes the origin's Crawl-delay for its politeness slots.
   */
  async #robotsRefusal(url: string): Promise<PageOutcome | undefined> {
    if (this.#robots === undefined) return undefined;
    let verdict: RobotsVerdict;
    try {
      verdict = await this.#robots.verdict(url);
    } catch (error) {
      // The politeness table was unreachable: the run's failure (the worker rethrows the cause).
      if (error instanceof DependencyUnavailableError) return unopenedOutcome(error);
      return undefined; // stopping (the fetch was aborted) or not a URL: nothing to refuse
    }
    if (verdict.allowed) {
      if (verdict.crawlDelayMs !== undefined) this.#crawlDelays.set(new URL(url).origin, verdict.crawlDelayMs);
      return undefined;
    }
    return {
      ...unopenedOutcome(undefined),
      rendered: false,
      error: { code: verdict.code, message: verdict.message.slice(0, 1000) },
    };
  }

  /** The task's formats of a page read (html.ts), when the task asks for more than text. */
  #withFormats(outcome: PageOutcome): { outcome: PageOutcome; formats?: PageFormats | undefined } {
    if (!this.#needsHtml || outcome.html === null) return { outcome };
    const formats = formatsOf(outcome.html, outcome.finalUrl ?? "", {
      formats: this.#params.formats,
      onlyMainContent: this.#params.only_main_content,
      maxChars: this.#settings.maxTextChars,
    });
    return { outcome, formats };
  }

  async #overHttp(url: string) {
    return fetchPageOverHttp(url, this.#params, {
      egress: this.#egress,
      specs: this.#specs,
      maxTextChars: this.#settings.maxTextChars,
      signal: this.#stopController.signal,
      ...(this.#hostSlot ? { hostSlot: this.#hostSlot } : {}),
    });
  }

  /** The task's browser context, opened on the first call; watched for a disconnect from then on. */
  #openBrowser(): Promise<BrowserContext> {
    this.#opening ??= (this.#context.openBrowser as () => Promise<BrowserContext>)().then((opened) => {
      const browser = opened.browser();
      this.#browser = browser;
      if (!browser.connected) this.#crash(undefined);
      else if (!this.#stopped) browser.once("disconnected", this.#onDisconnected);
      return opened;
    });
    return this.#opening;
  }

  /** Loads the page in a tab of the pool (waiting for one when all are busy). */
  async #render(url: string, forComparison: boolean): Promise<PageOutcome> {
    const tabs = this.#tabs;
    if (tabs === undefined) return unopenedOutcome(new Error("this crawl has no browser (render: never)"));
    let tab: Awaited<ReturnType<typeof tabs.borrow>>;
    try {
      tab = await tabs.borrow(this.#stopController.signal);
    } catch (error) {
      // Opening the tab failed: the page's failure (or the browser's, checked by the caller).
      return unopenedOutcome(error);
    }
    try {
      return await tab.crawl(url, this.#params, {
        specs: this.#specs,
        maxTextChars: this.#settings.maxTextChars,
        extractTimeoutMs: this.#settings.extractTimeoutMs,
        wantHtml: this.#needsHtml || forComparison,
        signal: this.#stopController.signal,
        ...(this.#hostSlot ? { hostSlot: this.#hostSlot } : {}),
      });
    } finally {
      await tabs.giveBack(tab);
    }
  }

  /**
   * Queues the page's links that pass the filter. Links seen before are skipped untested, and
   * nothing is tested once the frontier is full; what is left gets the page's time budget.
   */
  #enqueueLinks(entry: FrontierEntry, links: readonly string[]): void {
    if (
      this.#params.crawler_type !== "crawl" ||
      this.#params.sitemap === "only" ||
      entry.depth >= this.#params.max_depth ||
      this.frontier.full
    )
      return;
    const fresh = links.filter((url) => !this.frontier.has(url));
    const selection = this.#linkFilter.select(fresh, this.#settings.linkFilterBudgetMs);
    for (const url of selection.follow) this.frontier.add(url, entry.depth + 1);
    if (selection.overBudget > 0 || selection.tooLong > 0) {
      this.#context.log(
        selection.overBudget > 0
          ? "link filtering hit its time budget: the page's remaining links were not followed"
          : "links too long to test were not followed",
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
   * Adds the pages the start origins' sitemaps list (sitemaps.ts) as start pages (depth 0),
   * through the same filter as links (same_origin, include, exclude), up to max_pages.
   * A sitemap that cannot be read is logged; the crawl goes on with what was found.
   */
  async #seedFromSitemaps(): Promise<void> {
    const fetch = this.#fileFetch;
    // The Sitemap lines are read even when the task ignores robots.txt's rules.
    const robots = this.#robots ?? new RobotsRules({ fetch, cache: this.#context.robotsTxt, hostSlot: this.#hostSlot });
    try {
      const findings = await findSitemapUrls(this.#origins, {
        fetch,
        hostSlot: this.#hostSlot,
        maxUrls: this.frontier.maxPages * 4,
        robotsSitemaps: (origin) => robots.sitemaps(origin),
        log: (message, fields) => this.#context.log(message, fields),
      });
      const fresh = [
        ...new Set(findings.urls.map((url) => normaliseUrl(url)).filter((url): url is string => url !== undefined)),
      ].filter((url) => !this.frontier.has(url));
      const selection = this.#linkFilter.select(fresh, SITEMAP_FILTER_BUDGET_MS);
      let added = 0;
      for (const url of selection.follow) if (this.frontier.add(url, 0)) added += 1;
      this.#context.log("sitemaps read", {
        sitemaps: findings.sitemaps.length,
        failed: findings.failed.length,
        listed: findings.urls.length,
        added,
      });
    } catch (error) {
      if (this.#stopped) return;
      this.#context.log("sitemaps could not be read", {
        error: error instanceof Error ? error.message : String(error),
      });
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
        this.#context.log("cancellation check failed", {
          error: error instanceof Error ? error.message : String(error),
        });
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
    if (this.#browser === undefined) return false;
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
      new RetryableCrawlError("BROWSER_CRASHED", `the browser disconnected after ${this.frontier.done} page(s)`, {
        cause,
      }),
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

/** The checkpoint of a detail task (see WebCrawlRun.cursor). */
export interface DetailCursor {
  version: 1;
  kind: "detail";
  /** Positions in the task's distinct URLs of the pages not done yet. */
  remaining: number[];
  done: number;
}

function isDetailCursor(value: FrontierSnapshot | DetailCursor): value is DetailCursor {
  return (value as DetailCursor).kind === "detail";
}

/** The frontier a detail cursor stands for: every URL seen, the remaining ones queued. */
function detailSnapshot(cursor: DetailCursor, urls: readonly string[]): FrontierSnapshot {
  const queue = cursor.remaining.flatMap((index) =>
    urls[index] === undefined ? [] : [{ url: urls[index], depth: 0 }],
  );
  return { version: 1, maxPages: Math.max(1, urls.length), queue, seen: [...urls], done: cursor.done };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
