import { createHash } from "node:crypto";

/**
 * URL rules of the web crawler: what counts as "the same page" (normalisation),
 * which discovered links are followed (link filter: include/exclude see pathname +
 * search, e.g. `/products?id=1`), and the stable result key.
 * Pure functions: unit-tested without a browser.
 */

/** Item keys longer than this (in UTF-8 bytes) are replaced by a hash: DynamoDB sort keys cap at 1024 bytes. */
export const MAX_ITEM_KEY_BYTES = 900;

/**
 * The form used to decide whether two URLs are the same page: the #fragment is dropped
 * (it never reaches the server), the host is lower-cased and the default port dropped
 * (WHATWG URL parsing does both), an empty `?` is dropped. The query is kept: `?page=2`
 * is a different page. Returns `undefined` for anything that is not an http(s) URL.
 *
 * @example normaliseUrl("HTTP://Example.COM:80/a?x=1#top") // "http://example.com/a?x=1"
 */
export function normaliseUrl(url: string, base?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  parsed.hash = "";
  // Assigning the search back drops a bare "?" while keeping a real query untouched.
  if (parsed.search === "") parsed.search = "";
  return parsed.href;
}

/** Which discovered links a crawl follows. */
export interface LinkFilterOptions {
  /** Origins links must share when `sameOrigin` is on: the origins of the start URLs. */
  allowedOrigins: Iterable<string>;
  /** Only follow links on `allowedOrigins`. */
  sameOrigin: boolean;
  /** Regex sources; when non-empty, the URL path must match at least one. */
  include: readonly string[];
  /** Regex sources; the URL path must match none. */
  exclude: readonly string[];
}

/**
 * Builds the predicate for discovered links (start URLs are never filtered: the caller
 * asked for them explicitly). Patterns are compiled once per crawl, not once per link.
 */
export function createLinkFilter(options: LinkFilterOptions): (normalisedUrl: string) => boolean {
  const origins = new Set(options.allowedOrigins);
  const include = options.include.map((source) => new RegExp(source));
  const exclude = options.exclude.map((source) => new RegExp(source));
  return (normalisedUrl) => {
    let parsed: URL;
    try {
      parsed = new URL(normalisedUrl);
    } catch {
      return false;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
    if (options.sameOrigin && !origins.has(parsed.origin)) return false;
    const path = parsed.pathname + parsed.search;
    if (include.length > 0 && !include.some((pattern) => pattern.test(path))) return false;
    return !exclude.some((pattern) => pattern.test(path));
  };
}

/**
 * The stable key of a page's result: crawling the same page again overwrites it.
 * Very long URLs are hashed so the key stays within {@link MAX_ITEM_KEY_BYTES}.
 */
export function pageItemKey(normalisedUrl: string): string {
  const key = `page:${normalisedUrl}`;
  if (Buffer.byteLength(key, "utf8") <= MAX_ITEM_KEY_BYTES) return key;
  return `page:sha256:${createHash("sha256").update(normalisedUrl).digest("hex")}`;
}
