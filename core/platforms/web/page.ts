import { TimeoutError, type BrowserContext, type HTTPRequest, type HTTPResponse, type Page, type PuppeteerLifeCycleEvent, type ResourceType } from "puppeteer-core";
import { BlockedRequestWatch, describeRefusal, type BlockedRequest, type NavigationRefusal } from "./blockedRequests.js";
import { extractPage, ExtractTimeoutError, type PageExtract, type SelectorSpec } from "./extract.js";
import type { WebTaskParams } from "./schema.js";

/**
 * Crawls one page: open, block resources, navigate, wait, extract, close.
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
  /** The thrown error behind `error`, so the caller can tell a browser crash from a page failure. */
  cause?: unknown;
}

export interface CrawlPageOptions {
  specs: SelectorSpec[];
  maxTextChars: number;
  extractTimeoutMs: number;
  /** Aborting closes the page at once, which makes the pending navigation reject. */
  signal: AbortSignal;
  /**
   * Waits for the host's politeness slot right before navigating (CrawlContext.acquireHostSlot);
   * the slot is given back once the page is closed. Redirects to another host and subresources
   * are not limited. A rejection ends up as the outcome's `cause`.
   */
  hostSlot?: (url: string, signal: AbortSignal) => Promise<() => Promise<void>>;
}

/** The task's names for blockable resources → Chromium's resource types. */
const RESOURCE_TYPES: Record<WebTaskParams["block_resources"][number], ResourceType> = {
  image: "image",
  media: "media",
  font: "font",
  stylesheet: "stylesheet",
};

/** `networkidle` means "at most 2 connections for 500 ms": pages with a polling or analytics socket still finish. */
const WAIT_UNTIL: Record<WebTaskParams["wait_until"], PuppeteerLifeCycleEvent> = {
  load: "load",
  domcontentloaded: "domcontentloaded",
  networkidle: "networkidle2",
};

export async function crawlPage(
  context: BrowserContext,
  url: string,
  params: Pick<WebTaskParams, "block_resources" | "wait_until" | "page_timeout_secs" | "wait_for">,
  options: CrawlPageOptions,
): Promise<PageOutcome> {
  const timeoutMs = params.page_timeout_secs * 1000;
  const outcome: PageOutcome = {
    finalUrl: null,
    status: null,
    contentType: null,
    fetchedAt: new Date().toISOString(),
    extract: null,
    error: null,
    blockedRequests: [],
  };
  let page: Page | undefined;
  let releaseHostSlot: (() => Promise<void>) | undefined;
  let watch: BlockedRequestWatch | undefined;
  const closeOnAbort = (): void => void page?.close().catch(() => undefined);
  options.signal.addEventListener("abort", closeOnAbort, { once: true });
  try {
    options.signal.throwIfAborted();
    page = await context.newPage();
    if (options.signal.aborted) closeOnAbort();
    watch = BlockedRequestWatch.attach(page);
    // An unanswered alert()/confirm() blocks the page's scripts and its load event.
    page.on("dialog", (dialog) => void dialog.dismiss().catch(() => undefined));
    await blockResources(page, params.block_resources);
    releaseHostSlot = await options.hostSlot?.(url, options.signal);

    let response: HTTPResponse | null;
    try {
      response = await page.goto(url, { waitUntil: WAIT_UNTIL[params.wait_until], timeout: timeoutMs });
    } catch (error) {
      outcome.finalUrl = safeUrl(page);
      const refused = watch?.navigationRefusal(null);
      if (refused !== undefined) return refuse(outcome, refused);
      return fail(outcome, error, error instanceof TimeoutError ? PAGE_ERROR_CODES.navigationTimeout : PAGE_ERROR_CODES.navigationFailed);
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
      outcome.error = { code: `HTTP_${outcome.status}`, message: `HTTP ${outcome.status} ${response?.statusText() ?? ""}`.trim() };
    } else if (params.wait_for !== undefined) {
      try {
        await page.waitForSelector(params.wait_for, { timeout: timeoutMs });
      } catch (error) {
        fail(outcome, error, error instanceof TimeoutError ? PAGE_ERROR_CODES.waitForTimeout : PAGE_ERROR_CODES.waitForFailed);
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
        fail(outcome, error, error instanceof ExtractTimeoutError ? PAGE_ERROR_CODES.extractTimeout : PAGE_ERROR_CODES.extractFailed);
      }
    }
    return outcome;
  } catch (error) {
    return fail(outcome, error, PAGE_ERROR_CODES.navigationFailed);
  } finally {
    options.signal.removeEventListener("abort", closeOnAbort);
    outcome.blockedRequests = watch?.list() ?? [];
    watch?.detach();
    await page?.close().catch(() => undefined);
    await releaseHostSlot?.().catch(() => undefined);
  }
}

/**
 * Aborts requests of the blocked types before they leave the browser. Interception is
 * left off when nothing is blocked: it costs a round trip per request and disables the cache.
 */
async function blockResources(page: Page, blocked: WebTaskParams["block_resources"]): Promise<void> {
  if (blocked.length === 0) return;
  const types = new Set<ResourceType>(blocked.map((name) => RESOURCE_TYPES[name]));
  page.on("request", (request: HTTPRequest) => {
    if (request.isInterceptResolutionHandled()) return;
    const action = types.has(request.resourceType()) ? request.abort("blockedbyclient") : request.continue();
    // The page may close while a request is pending; that rejection is expected.
    action.catch(() => undefined);
  });
  await page.setRequestInterception(true);
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
