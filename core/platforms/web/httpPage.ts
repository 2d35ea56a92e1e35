/**
 * A page fetched without a browser (render "never", and "auto" where rendering changes
 * nothing): plain HTTP through the same egress policy as Chromium's (core/net/safeFetch.ts:
 * each hop's addresses checked and pinned, redirects checked hop by hop), the same politeness
 * slot, the same time limit, and the same outcome shape as a browser page, so its result
 * item has the same fields and error codes.
 */
import { createHash } from "node:crypto";
import { BlockedTargetError } from "../../net/errors.js";
import type { ResolvedEgressPolicy } from "../../net/addressPolicy.js";
import type { ResolveHost } from "../../net/resolveTarget.js";
import { FetchTimeoutError, safeFetch } from "../../net/safeFetch.js";
import type { SelectorSpec } from "./extract.js";
import { extractFromHtml, cutText } from "./html.js";
import { emptyOutcome, PAGE_ERROR_CODES, type PageOutcome } from "./page.js";
import type { WebTaskParams } from "./schema.js";

/** Longest HTML read over HTTP; a longer page is cut (its text says truncated). */
export const MAX_HTML_BYTES = 10 * 1024 * 1024;

/** What a desktop Chrome sends for a navigation: some sites answer other clients differently. */
export const BROWSER_LIKE_HEADERS = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36",
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-language": "en-US,en;q=0.9",
};

export interface HttpPageOptions {
  /** Who may be reached, and how names resolve: the task browser's egress proxy's (EgressProxy.egress). @default env policy */
  egress?: { policy: ResolvedEgressPolicy; resolveHost: ResolveHost } | undefined;
  specs: SelectorSpec[];
  maxTextChars: number;
  signal: AbortSignal;
  hostSlot?: (url: string, signal: AbortSignal) => Promise<() => Promise<void>>;
}

/** An HTTP outcome: a PageOutcome (its `html` always set for an HTML page) and what would run in a browser. */
export interface HttpPageOutcome extends PageOutcome {
  /**
   * What in the HTML could change it in a browser, as one string: each script's source URL
   * or a hash of its code, inline handlers, a meta refresh. Equal signatures run the same
   * code; "" when nothing would run (the page is what a browser shows). See renderAdvisor.ts.
   */
  scripts: string;
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/i;

export async function fetchPageOverHttp(
  url: string,
  params: Pick<WebTaskParams, "page_timeout_secs">,
  options: HttpPageOptions,
): Promise<HttpPageOutcome> {
  const outcome: HttpPageOutcome = { ...emptyOutcome(false), scripts: "" };
  let release: (() => Promise<void>) | undefined;
  try {
    release = await options.hostSlot?.(url, options.signal);
    const answer = await safeFetch(url, {
      timeoutMs: params.page_timeout_secs * 1000,
      maxBytes: MAX_HTML_BYTES,
      headers: BROWSER_LIKE_HEADERS,
      signal: options.signal,
      ...(options.egress ?? {}),
    });
    outcome.fetchedAt = new Date().toISOString();
    outcome.finalUrl = answer.url;
    outcome.status = answer.status;
    const contentType = answer.headers["content-type"];
    outcome.contentType = typeof contentType === "string" ? contentType : null;
    if (answer.status >= 400) outcome.error = { code: `HTTP_${answer.status}`, message: `HTTP ${answer.status}` };
    const text = decode(answer.body, outcome.contentType);
    if (outcome.contentType === null || HTML_TYPES.test(outcome.contentType)) {
      outcome.html = text;
      outcome.extract = extractFromHtml(text, answer.url, { specs: options.specs, maxTextChars: options.maxTextChars });
      if (answer.truncated) outcome.extract.truncated = true;
      outcome.scripts = scriptSignature(text);
    } else if (/^text\//i.test(outcome.contentType)) {
      // As Chromium shows a text file: its text, nothing to follow.
      const cut = cutText(text.replace(/\s+/g, " ").trim(), options.maxTextChars);
      outcome.extract = {
        title: "",
        description: null,
        text: cut.text,
        truncated: cut.truncated || answer.truncated,
        hrefs: [],
        fields: Object.fromEntries(options.specs.map((s) => [s.name, null])),
        invalidSelectors: [],
      };
    }
    return outcome;
  } catch (error) {
    if (options.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof BlockedTargetError) {
      // As the browser path reports a refused navigation: the hop refused is the final URL and a blocked request.
      outcome.error = { code: PAGE_ERROR_CODES.blockedTarget, message: message.slice(0, 1000) };
      outcome.finalUrl = error.target;
      const reason = error.refusal
        ? `resolves to ${error.refusal.address} (${error.refusal.range})`
        : message.slice(error.target.length + 2);
      outcome.blockedRequests = [{ url: error.target.slice(0, 1000), reason }];
    } else if (error instanceof FetchTimeoutError)
      outcome.error = { code: PAGE_ERROR_CODES.navigationTimeout, message: `${url}: ${message}`.slice(0, 1000) };
    else outcome.error = { code: PAGE_ERROR_CODES.navigationFailed, message: `${url}: ${message}`.slice(0, 1000) };
    outcome.cause = error;
    return outcome;
  } finally {
    await release?.().catch(() => undefined);
  }
}

/** The body as text, in the charset the headers or a `<meta charset>` name (UTF-8 otherwise). */
function decode(body: Buffer, contentType: string | null): string {
  const declared =
    /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1] ??
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 4096).toString("latin1"))?.[1];
  try {
    return new TextDecoder(declared ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

/** Script types a browser runs (anything else, like JSON-LD, is data). */
const RUNNABLE = /^(|text\/javascript|application\/javascript|module|text\/ecmascript|application\/ecmascript)$/i;

/**
 * The signature of what the page would run: `src:<url>` per external script, `inline:<hash>`
 * per inline one (numbers in its code count as one: a page id in otherwise equal code does
 * not make a new group), `handlers` for inline event handlers, `refresh` for a meta refresh.
 * Sorted and deduplicated; "" when nothing would run.
 */
export function scriptSignature(html: string): string {
  const parts = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attributes = match[1] ?? "";
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1] ?? "";
    if (!RUNNABLE.test(type)) continue;
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1];
    if (src !== undefined) parts.add(`src:${src}`);
    else {
      const code = (match[2] ?? "").replace(/\d+/g, "0").trim();
      if (code !== "") parts.add(`inline:${createHash("sha1").update(code).digest("base64url").slice(0, 12)}`);
    }
  }
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) parts.add("handlers");
  if (/<meta[^>]+http-equiv\s*=\s*["']?refresh/i.test(html)) parts.add("refresh");
  return [...parts].sort().join(" ");
}
