import {
  TimeoutError,
  type BrowserContext,
  type HTTPResponse,
  type Page,
  type PuppeteerLifeCycleEvent,
  type ResourceType,
} from "puppeteer-core";
import { blockRequests, type BlockRules } from "../../browser/index.js";
import {
  BlockedRequestWatch,
  describeRefusal,
  type BlockedRequest,
  type NavigationRefusal,
} from "./blockedRequests.js";
import { extractPage, ExtractTimeoutError, withTimeout, type PageExtract, type SelectorSpec } from "./extract.js";
import { NetworkActivity, SETTLE_INSTRUMENT, waitForSettle, type SettleOutcome } from "./settle.js";
import type { WebTaskParams } from "./schema.js";
import { trackerUrlPatterns } from "./trackers.js";

/**
 * Crawls pages in tabs: block resources, navigate, wait, extract.
 * Knows nothing about the frontier or result items; it reports what happened.
 */

/** Why a page failed; becomes `data.error.code` of its result item. */
export const PAGE_ERROR_CODES = {
  navigationTimeout: "NAVIGATION_TIMEOUT",
  navigationFailed: "NAVIGATION_FAILED",
  waitForTimeout: "WAIT_FOR_TIMEOUT",
  waitForFailed: "WAIT_FOR_FAILED",
  extractTimeout: "EXTRACT_TIMEOUT",
  extractFailed: "EXTRACT_FAILED",
  /** The URL (or a redirect of it) resolves to an address the egress policy refuses. */
  blockedTarget: "BLOCKED_TARGET",
} as const;

export interface PageError {
  /** One of {@link PAGE_ERROR_CODES} or `HTTP_<status>`. */
  code: string;
  message: string;
}

/** Everything known about one attempted page; fields stay null when the step never happened. */
export interface PageOutcome {
  finalUrl: string | null;
  status: number | null;
  contentType: string | null;
  fetchedAt: string;
  extract: PageExtract | null;
  error: PageError | null;
  /** Requests of the page the egress proxy refused (subresources, script fetches, redirects). */
  blockedRequests: BlockedRequest[];
  /** wait_until settle: how long the page took to settle after load; null for the other waits. */
  settle: SettleOutcome | null;
  /** Whether Chromium loaded the page (false: read over plain HTTP, httpPage.ts). */
  rendered: boolean;
  /**
   * The page's HTML when the task's formats need it: the document as it ended up in the
   * browser (after its scripts), or as fetched over HTTP. Null otherwise.
   */
  html: string | null;
  /** The thrown error behind `error`, so the caller can tell a browser crash from a page failure. */
  cause?: unknown;
}

export interface CrawlPageOptions {
  specs: SelectorSpec[];
  maxTextChars: number;
  extractTimeoutMs: number;
  /** Read the document's HTML too (outcome.html), for formats other than text and for render "auto" comparisons. */
  wantHtml?: boolean;
  /** Aborting closes the page at once, which makes the pending navigation reject. */
  signal: AbortSignal;
  /**
   * Waits for the host's politeness slot right before navigating (CrawlContext.acquireHostSlot);
   * the slot is given back once the page is closed. Redirects to another host and subresources
   * are not limited. A rejection ends up as the outcome's `cause`.
   */
  hostSlot?: (url: string, signal: AbortSignal) => Promise<() => Promise<void>>;
}

/** `networkidle` means "at most 2 connections for 500 ms": pages with a polling or analytics socket still finish. */
const WAIT_UNTIL: Record<WebTaskParams["wait_until"], PuppeteerLifeCycleEvent> = {
  // settle: load, then waitForSettle (settle.ts).
  settle: "load",
  load: "load",
  domcontentloaded: "domcontentloaded",
  networkidle: "networkidle2",
};

/** The task's names for blockable resource types → puppeteer's ("tracker" is a list of hosts). */
const RESOURCE_TYPES: Record<Exclude<WebTaskParams["block_resources"][number], "tracker">, ResourceType> = {
  image: "image",
  media: "media",
  font: "font",
  stylesheet: "stylesheet",
};

/** Tuning of a {@link CrawlTab}. */
export interface CrawlTabOptions {
  /**
   * Pages loaded in one tab before it is closed and a new one opened, so whatever a
   * long series of documents leaks (detached DOM, workers) is bounded. @default 100
   */
  maxPagesPerTab?: number;
}

const tabDefaults = { maxPagesPerTab: 100 } as const satisfies Required<CrawlTabOptions>;

/**
 * A browser tab a crawl worker keeps for page after page. Opening a tab per URL costs a
 * target, a renderer frame tree and several CDP round trips; reusing one costs only the
 * navigation. A tab is given up ({@link reusable} false) after a page that failed in a
 * way that may leave it busy or broken (timeouts, a crashed or closed target) and after
 * `maxPagesPerTab` pages.
 */
export class CrawlTab {
  readonly #page: Page;
  readonly #maxPages: number;
  readonly #network: NetworkActivity;
  #pages = 0;
  #broken = false;

  private constructor(page: Page, maxPages: number) {
    this.#page = page;
    this.#maxPages = maxPages;
    this.#network = new NetworkActivity(page);
  }

  /** Opens a tab in the task's context with the task's resource blocking in place. */
  static async open(
    context: BrowserContext,
    blocked: WebTaskParams["block_resources"],
    options: CrawlTabOptions = {},
  ): Promise<CrawlTab> {
    const page = await context.newPage();
    try {
      // An unanswered alert()/confirm() blocks the page's scripts and its load event. A
      // beforeunload prompt is accepted: dismissing it would cancel the next navigation.
      page.on("dialog", (dialog) => {
        const answer = dialog.type() === "beforeunload" ? dialog.accept() : dialog.dismiss();
        answer.catch(() => undefined);
      });
      await blockRequests(page, blockRulesOf(blocked));
      // Before any script of any page this tab loads: what waitForSettle reads (settle.ts).
      await page.evaluateOnNewDocument(SETTLE_INSTRUMENT);
      return new CrawlTab(page, options.maxPagesPerTab ?? tabDefaults.maxPagesPerTab);
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  /** Whether the next page may load in this tab. */
  get reusable(): boolean {
    return !this.#broken && this.#pages < this.#maxPages && !this.#page.isClosed();
  }

  /**
   * Loads one URL and reads it. Never throws: what happened is in the outcome. Aborting
   * `options.signal` closes the tab at once (the pending navigation rejects).
   */
  async crawl(url: string, params: CrawlPageParams, options: CrawlPageOptions): Promise<PageOutcome> {
    this.#pages += 1;
    const outcome = await loadAndRead(this.#page, this.#network, url, params, options);
    // After these the tab may still be loading, running a stuck script or gone: start afresh.
    const code = outcome.error?.code;
    if (code !== undefined && !code.startsWith("HTTP_") && code !== PAGE_ERROR_CODES.blockedTarget) this.#broken = true;
    return outcome;
  }

  async close(): Promise<void> {
    await this.#page.close().catch(() => undefined);
  }
}

type CrawlPageParams = Pick<WebTaskParams, "block_resources" | "wait_until" | "page_timeout_secs" | "wait_for"> &
  Partial<Pick<WebTaskParams, "settle_max_secs">>;

/** The outcome of a page whose tab could not even be opened. */
export function unopenedOutcome(error: unknown): PageOutcome {
  return fail(emptyOutcome(), error, PAGE_ERROR_CODES.navigationFailed);
}

/** A page's outcome before anything happened to it: read in Chromium (`rendered`) or over HTTP. */
export function emptyOutcome(rendered = true): PageOutcome {
  return {
    finalUrl: null,
    status: null,
    contentType: null,
    fetchedAt: new Date().toISOString(),
    extract: null,
    error: null,
    blockedRequests: [],
    settle: null,
    rendered,
    html: null,
  };
}

async function loadAndRead(
  page: Page,
  network: NetworkActivity,
  url: string,
  params: CrawlPageParams,
  options: CrawlPageOptions,
): Promise<PageOutcome> {
  const timeoutMs = params.page_timeout_secs * 1000;
  const startedAt = Date.now();
  const outcome = emptyOutcome();
  let releaseHostSlot: (() => Promise<void>) | undefined;
  let watch: BlockedRequestWatch | undefined;
  const closeOnAbort = (): void => void page.close().catch(() => undefined);
  options.signal.addEventListener("abort", closeOnAbort, { once: true });
  try {
    options.signal.throwIfAborted();
    watch = BlockedRequestWatch.attach(page);
    releaseHostSlot = await options.hostSlot?.(url, options.signal);

    let response: HTTPResponse | null;
    network.reset();
    try {
      response = await page.goto(url, { waitUntil: WAIT_UNTIL[params.wait_until], timeout: timeoutMs });
    } catch (error) {
      outcome.finalUrl = safeUrl(page);
      const refused = watch?.navigationRefusal(null);
      if (refused !== undefined) return refuse(outcome, refused);
      return fail(
        outcome,
        error,
        error instanceof TimeoutError ? PAGE_ERROR_CODES.navigationTimeout : PAGE_ERROR_CODES.navigationFailed,
      );
    }
    outcome.fetchedAt = new Date().toISOString();
    outcome.finalUrl = page.url();
    // The proxy's own 403/502 is not the site's answer: no status, nothing to extract.
    const refused = watch?.navigationRefusal(response);
    if (refused !== undefined) return refuse(outcome, refused);
    // goto resolves to null only for same-document or about: navigations; nothing to report then.
    outcome.status = response?.status() ?? null;
    outcome.contentType = response?.headers()["content-type"] ?? null;

    if (outcome.status !== null && outcome.status >= 400) {
      outcome.error = {
        code: `HTTP_${outcome.status}`,
        message: `HTTP ${outcome.status} ${response?.statusText() ?? ""}`.trim(),
      };
    } else if (params.wait_until === "settle") {
      // Within what is left of the page's time: the cap never makes a page outlive its timeout.
      const capMs = Math.max(0, Math.min((params.settle_max_secs ?? 5) * 1000, timeoutMs - (Date.now() - startedAt)));
      outcome.settle = await waitForSettle(page, network, { capMs, signal: options.signal });
    }
    if (outcome.error === null && params.wait_for !== undefined) {
      try {
        await page.waitForSelector(params.wait_for, { timeout: timeoutMs });
      } catch (error) {
        fail(
          outcome,
          error,
          error instanceof TimeoutError ? PAGE_ERROR_CODES.waitForTimeout : PAGE_ERROR_CODES.waitForFailed,
        );
      }
    }

    // Error pages and pages whose wait_for timed out still have a document worth reading.
    try {
      outcome.extract = await extractPage(page, {
        specs: options.specs,
        maxTextChars: options.maxTextChars,
        timeoutMs: options.extractTimeoutMs,
      });
    } catch (error) {
      if (outcome.error === null) {
        fail(
          outcome,
          error,
          error instanceof ExtractTimeoutError ? PAGE_ERROR_CODES.extractTimeout : PAGE_ERROR_CODES.extractFailed,
        );
      }
    }
    if (options.wantHtml === true && outcome.extract !== null) {
      try {
        outcome.html = await withTimeout(page.content(), options.extractTimeoutMs);
      } catch (error) {
        if (outcome.error === null)
          fail(
            outcome,
            error,
            error instanceof ExtractTimeoutError ? PAGE_ERROR_CODES.extractTimeout : PAGE_ERROR_CODES.extractFailed,
          );
      }
    }
    return outcome;
  } catch (error) {
    return fail(outcome, error, PAGE_ERROR_CODES.navigationFailed);
  } finally {
    options.signal.removeEventListener("abort", closeOnAbort);
    outcome.blockedRequests = watch?.list() ?? [];
    watch?.detach();
    await releaseHostSlot?.().catch(() => undefined);
  }
}

/** The task's `block_resources` as Chromium-side block rules. */
function blockRulesOf(blocked: WebTaskParams["block_resources"]): BlockRules {
  return {
    resourceTypes: blocked.flatMap((name) => (name === "tracker" ? [] : [RESOURCE_TYPES[name]])),
    urlPatterns: blocked.includes("tracker") ? trackerUrlPatterns() : [],
  };
}

/** The main navigation was refused (BLOCKED_TARGET) or its target unreachable at the egress proxy. */
function refuse(outcome: PageOutcome, { url, record }: NavigationRefusal): PageOutcome {
  outcome.finalUrl = url;
  outcome.status = null;
  outcome.contentType = null;
  outcome.error =
    record.kind === "blocked"
      ? { code: PAGE_ERROR_CODES.blockedTarget, message: `${url} ${describeRefusal(record)}`.slice(0, 1000) }
      : { code: PAGE_ERROR_CODES.navigationFailed, message: `${url}: ${record.reason}`.slice(0, 1000) };
  return outcome;
}

function fail(outcome: PageOutcome, error: unknown, code: string): PageOutcome {
  const message = error instanceof Error ? error.message : String(error);
  outcome.error = { code, message: message.slice(0, 1000) };
  outcome.cause = error;
  return outcome;
}

function safeUrl(page: Page): string | null {
  try {
    const url = page.url();
    return url === "about:blank" || url === "" ? null : url;
  } catch {
    return null;
  }
}
