import { createHash } from "node:crypto";
import { NonRetryableCrawlError } from "../../errors.js";
import { compilePathPatterns, MAX_TESTED_PATH_CHARS, type PathPattern } from "./pathPatterns.js";

/**
 * URL rules of the web crawler: what counts as "the same page" (normalisation),
 * which discovered links are followed (link filter: include/exclude see pathname +
 * search, e.g. `/products?id=1`), and the stable result key.
 * No browser involved: unit-tested on their own.
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
  /** Pattern sources (RE2 syntax, pathPatterns.ts); when non-empty, the URL path must match at least one. */
  include: readonly string[];
  /** Pattern sources; the URL path must match none. */
  exclude: readonly string[];
}

/** What filtering one page's links decided, beyond the links to follow. */
export interface LinkSelection {
  /** Links that passed, in the page's order. */
  follow: string[];
  /** Links not tested because the page's time budget ran out: treated as not matching, not followed. */
  overBudget: number;
  /** Links whose path and query exceed {@link MAX_TESTED_PATH_CHARS} while patterns are set: not followed. */
  tooLong: number;
  /** Time spent, ms. */
  elapsedMs: number;
}

const OUT_OF_TIME = Symbol("out of time");

/**
 * The predicate for discovered links (start URLs are never filtered: the caller asked for
 * them explicitly). Patterns are compiled once per crawl, not once per link, by the engine
 * the API validated them with (RE2: linear time, whatever the pattern).
 *
 * Two bounds keep a crafted task or page from holding a worker: a link whose tested text
 * (path + query) is longer than {@link MAX_TESTED_PATH_CHARS} is not followed while patterns
 * are set (it is not tested: an exclude pattern might have refused it), and
 * {@link select} gives a page's links a time budget, checked before every pattern test, so
 * it is overrun by one test at most (50–200 ms for the costliest pattern the API accepts).
 */
export class LinkFilter {
  readonly #origins: Set<string>;
  readonly #sameOrigin: boolean;
  readonly #include: PathPattern[];
  readonly #exclude: PathPattern[];

  /**
   * @throws NonRetryableCrawlError `PATTERN_INVALID` when a pattern cannot be compiled: only a
   * task stored before the API checked patterns with RE2 can have one, and retrying won't help.
   */
  constructor(options: LinkFilterOptions) {
    this.#origins = new Set(options.allowedOrigins);
    this.#sameOrigin = options.sameOrigin;
    this.#include = compiled("include", options.include);
    this.#exclude = compiled("exclude", options.exclude);
  }

  /** Whether one link is followed, without a time limit. */
  accepts(normalisedUrl: string): boolean {
    return this.#decide(normalisedUrl, Infinity) === true;
  }

  /**
   * Filters a page's links within `budgetMs`. Links left when the budget runs out, and the
   * link being tested at that moment, are not followed; the counts say how many.
   */
  select(links: readonly string[], budgetMs: number, now: () => number = () => performance.now()): LinkSelection {
    const started = now();
    const deadline = started + budgetMs;
    const selection: LinkSelection = { follow: [], overBudget: 0, tooLong: 0, elapsedMs: 0 };
    for (const [index, url] of links.entries()) {
      const verdict = now() > deadline ? OUT_OF_TIME : this.#decide(url, deadline, now);
      if (verdict === OUT_OF_TIME) {
        selection.overBudget = links.length - index;
        break;
      }
      if (verdict === "too long") selection.tooLong += 1;
      else if (verdict) selection.follow.push(url);
    }
    selection.elapsedMs = now() - started;
    return selection;
  }

  #decide(
    normalisedUrl: string,
    deadline: number,
    now: () => number = () => performance.now(),
  ): boolean | "too long" | typeof OUT_OF_TIME {
    let parsed: URL;
    try {
      parsed = new URL(normalisedUrl);
    } catch {
      return false;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
    if (this.#sameOrigin && !this.#origins.has(parsed.origin)) return false;
    if (this.#include.length === 0 && this.#exclude.length === 0) return true;
    const path = parsed.pathname + parsed.search;
    if (path.length > MAX_TESTED_PATH_CHARS) return "too long";
    const matchesAny = (patterns: PathPattern[]): boolean | typeof OUT_OF_TIME => {
      for (const pattern of patterns) {
        if (now() > deadline) return OUT_OF_TIME;
        if (pattern.test(path)) return true;
      }
      return false;
    };
    if (this.#include.length > 0) {
      const included = matchesAny(this.#include);
      if (included !== true) return included;
    }
    const excluded = matchesAny(this.#exclude);
    return excluded === OUT_OF_TIME ? OUT_OF_TIME : !excluded;
  }
}

function compiled(field: "include" | "exclude", sources: readonly string[]): PathPattern[] {
  const result = compilePathPatterns(sources);
  if ("problem" in result)
    throw new NonRetryableCrawlError("PATTERN_INVALID", `${field}.${result.problem.index}: ${result.problem.message}`);
  return result.patterns;
}

/** {@link LinkFilter.accepts} as a predicate, for callers that test one link at a time. */
export function createLinkFilter(options: LinkFilterOptions): (normalisedUrl: string) => boolean {
  const filter = new LinkFilter(options);
  return (normalisedUrl) => filter.accepts(normalisedUrl);
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
