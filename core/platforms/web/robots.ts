/**
 * robots.txt (RFC 9309), read with robots-parser (the parser Crawlee uses; matches the RFC's
 * longest-match rule, `*` and `$` patterns, user-agent groups, Crawl-delay and Sitemap lines).
 *
 * What a status means is the RFC's (section 2.3.1):
 * - 2xx: its rules apply;
 * - 4xx ("unavailable", 401 and 403 included): no rules, every page may be crawled;
 * - 5xx, no answer, a timeout ("unreachable"): every page of the origin is disallowed, and
 *   its items say ROBOTS_UNREACHABLE (the page is not fetched). When not even a connection
 *   could be made (refused, no such host), the site itself is down: its pages say
 *   NAVIGATION_FAILED, as they would without robots.txt, because that is what a user must fix;
 * - a failure is reused for 10 minutes only, not a day: Google stops crawling a site whose
 *   robots.txt fails but keeps asking for the file
 *   (developers.google.com/search/docs/crawling-indexing/robots/robots_txt, "Handling of errors");
 * - redirects are followed (up to 10, each hop under the egress policy);
 * - only the first 500 KiB are read (the RFC's minimum parsing limit).
 * A robots.txt whose host the egress policy refuses is not in the way: the page itself is
 * refused then, with its own BLOCKED_TARGET.
 *
 * Each origin's file is fetched once per task and, through the politeness table
 * (RobotsTxtCache), shared by every worker and task for a day (the RFC's longest cache).
 */
import robotsParserModule from "robots-parser";
import { DependencyUnavailableError } from "../../errors.js";
import { BlockedTargetError } from "../../net/errors.js";
import { safeFetch, type SafeFetchOptions } from "../../net/safeFetch.js";
import type { RobotsTxtCache, StoredRobotsTxt } from "../types.js";

/** What robots-parser returns (its index.d.ts describes the module as ESM; it is CommonJS exporting this function). */
interface Robot {
  isDisallowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
const robotsParser = robotsParserModule as unknown as (url: string, body: string) => Robot;

/** The product token our groups are matched by (`User-agent: CrawlTasks`), then `*`. */
export const ROBOTS_USER_AGENT = "CrawlTasks";

/** The RFC's minimum parsing limit. */
export const MAX_ROBOTS_BYTES = 500 * 1024;

/** How long a robots.txt is used once fetched (RFC 9309 2.4: no more than 24 hours). */
export const ROBOTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** How long a failed fetch is reused before the file is asked for again. */
export const ROBOTS_FAILURE_MAX_AGE_MS = 10 * 60 * 1000;

/** Failures that mean no connection could be made at all (Node's and undici's codes). */
const NO_CONNECTION = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

export const ROBOTS_ERROR_CODES = {
  disallowed: "ROBOTS_DISALLOWED",
  unreachable: "ROBOTS_UNREACHABLE",
  siteDown: "NAVIGATION_FAILED",
} as const;

export type RobotsVerdict =
  | { allowed: true /** The origin's Crawl-delay for us, ms. */; crawlDelayMs?: number }
  | { allowed: false; code: (typeof ROBOTS_ERROR_CODES)[keyof typeof ROBOTS_ERROR_CODES]; message: string };

/** One origin's robots.txt as read. */
interface OriginRules {
  robotsUrl: string;
  /** null: no rules (unavailable, or refused by the egress policy). */
  robot: Robot | null;
  /** Set when unreachable: why. */
  unreachable?: string;
  /** The body's lines, to quote the rule that decided. */
  lines: string[];
}

export interface RobotsRulesOptions {
  /** The egress policy and limits robots.txt is fetched under (the crawl's pages'). */
  fetch: Pick<SafeFetchOptions, "policy" | "resolveHost" | "signal"> & {
    timeoutMs: number;
    headers?: Record<string, string>;
  };
  /** Shared across workers and tasks; absent: per task only. */
  cache?: RobotsTxtCache | undefined;
  /** The politeness slot of the host, taken for the fetch like any page's. */
  hostSlot?: ((url: string, signal: AbortSignal) => Promise<() => Promise<void>>) | undefined;
  log?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

/** A task's view of robots.txt: one fetch per origin, shared by its workers. */
export class RobotsRules {
  readonly #options: RobotsRulesOptions;
  readonly #origins = new Map<string, Promise<OriginRules>>();

  constructor(options: RobotsRulesOptions) {
    this.#options = options;
  }

  /** Whether `url` may be fetched, and the origin's Crawl-delay for us. */
  async verdict(url: string): Promise<RobotsVerdict> {
    const rules = await this.#rulesFor(new URL(url).origin);
    if (rules.unreachable !== undefined) {
      if (NO_CONNECTION.test(rules.unreachable)) {
        return {
          allowed: false,
          code: ROBOTS_ERROR_CODES.siteDown,
          message: `${new URL(url).origin} could not be reached (${rules.unreachable}; found reading robots.txt)`,
        };
      }
      return {
        allowed: false,
        code: ROBOTS_ERROR_CODES.unreachable,
        message: `${rules.robotsUrl} could not be read (${rules.unreachable}): RFC 9309 treats the whole site as disallowed then`,
      };
    }
    if (rules.robot === null) return { allowed: true };
    if (rules.robot.isDisallowed(url, ROBOTS_USER_AGENT) === true) {
      const line = rules.robot.getMatchingLineNumber(url, ROBOTS_USER_AGENT);
      const rule = line > 0 ? rules.lines[line - 1]?.trim() : undefined;
      return {
        allowed: false,
        code: ROBOTS_ERROR_CODES.disallowed,
        message: `${rules.robotsUrl} disallows this page for ${ROBOTS_USER_AGENT}${rule ? ` (line ${line}: ${rule.slice(0, 200)})` : ""}`,
      };
    }
    const delay = rules.robot.getCrawlDelay(ROBOTS_USER_AGENT);
    return typeof delay === "number" && Number.isFinite(delay) && delay > 0
      ? { allowed: true, crawlDelayMs: Math.round(delay * 1000) }
      : { allowed: true };
  }

  /** The Sitemap lines of the origin's robots.txt (absolute URLs). */
  async sitemaps(origin: string): Promise<string[]> {
    return (await this.#rulesFor(origin)).robot?.getSitemaps() ?? [];
  }

  #rulesFor(origin: string): Promise<OriginRules> {
    let rules = this.#origins.get(origin);
    if (rules === undefined) {
      rules = this.#load(origin);
      this.#origins.set(origin, rules);
      // A failure that is not the site's (its politeness slot could not be had) is asked again next time.
      rules.catch(() => this.#origins.delete(origin));
    }
    return rules;
  }

  async #load(origin: string): Promise<OriginRules> {
    const robotsUrl = `${origin}/robots.txt`;
    const now = this.#options.now?.() ?? Date.now();
    const cached = await this.#options.cache?.get(origin).catch(() => undefined);
    const maxAge = cached?.failure === undefined ? ROBOTS_MAX_AGE_MS : ROBOTS_FAILURE_MAX_AGE_MS;
    if (cached !== undefined && now - Date.parse(cached.fetchedAt) < maxAge) return rulesOf(robotsUrl, cached);
    const stored = await this.#fetch(robotsUrl);
    if (stored.status !== null || stored.failure !== undefined) {
      // A refused host is not cached: the policy is the deployment's, not the site's.
      await this.#options.cache?.put(origin, stored).catch((error: unknown) => {
        this.#options.log?.("could not share robots.txt in the politeness table", {
          origin,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }
    return rulesOf(robotsUrl, stored);
  }

  async #fetch(robotsUrl: string): Promise<StoredRobotsTxt> {
    const fetchedAt = new Date(this.#options.now?.() ?? Date.now()).toISOString();
    const signal = this.#options.fetch.signal ?? new AbortController().signal;
    let release: (() => Promise<void>) | undefined;
    try {
      release = await this.#options.hostSlot?.(robotsUrl, signal);
      const answer = await safeFetch(robotsUrl, { ...this.#options.fetch, maxBytes: MAX_ROBOTS_BYTES });
      if (answer.status >= 500) return { status: answer.status, body: "", fetchedAt, failure: `HTTP ${answer.status}` };
      return { status: answer.status, body: answer.status < 300 ? answer.body.toString("utf8") : "", fetchedAt };
    } catch (error) {
      if (signal.aborted || error instanceof DependencyUnavailableError) throw error;
      // The page will be refused with its own error: robots.txt has nothing to add.
      if (error instanceof BlockedTargetError) return { status: null, body: "", fetchedAt };
      return { status: null, body: "", fetchedAt, failure: error instanceof Error ? error.message : String(error) };
    } finally {
      await release?.().catch(() => undefined);
    }
  }
}

function rulesOf(robotsUrl: string, stored: StoredRobotsTxt): OriginRules {
  if (stored.failure !== undefined) return { robotsUrl, robot: null, unreachable: stored.failure, lines: [] };
  if (stored.status === null || stored.status >= 300) return { robotsUrl, robot: null, lines: [] };
  return { robotsUrl, robot: robotsParser(robotsUrl, stored.body), lines: stored.body.split(/\r\n|\r|\n/) };
}
