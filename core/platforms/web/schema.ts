import * as z from "zod";
import { httpUrl, integerIn, RESERVED_OBJECT_KEYS } from "../../validation.js";
import { HOST_LIMIT_BOUNDS } from "../../politeness/constants.js";
import type { PlatformSpec } from "../types.js";
import { MAX_TESTED_PATH_CHARS, pathPatternProblem } from "./pathPatterns.js";

/** Fields every web result item has; selector names may not reuse them. */
export const WEB_RESULT_FIELDS = [
  "url",
  "final_url",
  "status",
  "title",
  "description",
  "text",
  "links",
  "depth",
  "fetched_at",
  "error",
  "blocked_requests",
  "truncated",
  "content_type",
  "item_type",
  "platform",
  "task_id",
  "item_key",
] as const;

/**
 * One `include`/`exclude` entry: a string of 1–500 characters. Whether it compiles, and what
 * it costs, is checked per list ({@link patternList}): checking stops at the first bad one.
 */
const pathPattern = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" });

/**
 * A list of path patterns, compiled by the engine the crawler matches with (pathPatterns.ts:
 * RE2, linear time), so a pattern accepted here is one the crawler can run. The per-list
 * check compiles in order and stops at the first problem, naming its index: 50 costly
 * patterns cost one refused compile, not fifty.
 */
function patternList(what: string) {
  return z
    .array(pathPattern, { error: "must be an array of regular expressions" })
    .max(50, { error: "must contain at most 50 patterns" })
    .superRefine((sources, ctx) => {
      const problem = pathPatternProblem(sources);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: [problem.index], message: problem.message });
    })
    .default([])
    .meta({
      description: `crawl: ${what}. RE2 syntax (linear time: no lookarounds or backreferences), tested against the link's path and query; a link whose path and query exceed ${MAX_TESTED_PATH_CHARS} characters is not followed while patterns are set`,
    });
}

const selectorNamePattern = /^[a-z_][a-z0-9_]{0,63}$/i;

/** A CSS selector (selectors' values, wait_for): 1–500 characters. */
const cssSelector = z
  .string({ error: "must be a CSS selector string" })
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" });

/** `{field: css selector}`; each field becomes a column of the page's result. At most 50. */
const selectors = z
  .record(z.string(), cssSelector, { error: "must be an object of {name: CSS selector}" })
  .superRefine((record, ctx) => {
    const names = Object.keys(record);
    if (names.length > 50) ctx.addIssue({ code: "custom", message: `must have at most 50 selectors (got ${names.length})` });
    for (const name of names) {
      if (RESERVED_OBJECT_KEYS.has(name)) {
        // parseOrThrow refuses these before any schema runs; this keeps the schema safe used alone.
        ctx.addIssue({ code: "custom", path: [name], message: `"${name}" cannot be used as a name (__proto__, constructor and prototype are reserved)` });
      } else if (!selectorNamePattern.test(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: "selector names are letters, digits and _ (at most 64)" });
      } else if ((WEB_RESULT_FIELDS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `selector name is reserved (reserved: ${WEB_RESULT_FIELDS.join(", ")})` });
      }
    }
  });

/**
 * What a web task may keep Chromium from loading: resource types, and "tracker" (analytics
 * and ads hosts, trackers.ts). Images, media, fonts and trackers are blocked unless asked for.
 */
export const BLOCKABLE_RESOURCES = ["image", "media", "font", "stylesheet", "tracker"] as const;

export const webTaskInput = z.strictObject({
  platform: z.literal("web"),
  crawler_type: z.enum(["detail", "crawl"], { error: 'must be "detail" (exactly the given URLs) or "crawl" (follow links)' }),
  urls: z
    .array(httpUrl, { error: "must be an array of URLs" })
    .min(1, { error: "must contain at least 1 URL" })
    .max(100, { error: "must contain at most 100 URLs" })
    .meta({ description: "Absolute http(s) URLs: the pages to fetch (detail) or the start pages (crawl)" }),
  max_pages: integerIn(1, 10_000).default(50).meta({ description: "Pages fetched at most, start pages included" }),
  max_depth: integerIn(0, 20).default(2).meta({ description: "crawl: links followed from a start page (0: the start pages only)" }),
  include: patternList("follow only links whose path matches one of these regular expressions"),
  exclude: patternList("never follow links whose path matches one of these regular expressions"),
  same_origin: z.boolean({ error: "must be true or false" }).default(true).meta({ description: "crawl: follow links to the start pages' origins only" }),
  selectors: selectors.optional().meta({ description: "{name: CSS selector}: each becomes a column of the page's result (the first match's text); at most 50" }),
  wait_for: cssSelector.optional().meta({ description: "A CSS selector to wait for before extracting (up to page_timeout_secs)" }),
  wait_until: z.enum(["load", "domcontentloaded", "networkidle"]).default("load"),
  page_timeout_secs: integerIn(1, 120).default(30).meta({ description: "Longest one page may take to load" }),
  block_resources: z
    .array(z.enum(BLOCKABLE_RESOURCES, { error: `must be one of ${BLOCKABLE_RESOURCES.map((r) => `"${r}"`).join(", ")}` }), {
      error: "must be an array of resource types",
    })
    .max(BLOCKABLE_RESOURCES.length, { error: `must contain at most ${BLOCKABLE_RESOURCES.length} resource types` })
    .default(["image", "media", "font", "tracker"]),
  /**
   * Pages fetched from one host at the same time, across every worker. When absent the
   * polite default applies (2, HOST_LIMIT_DEFAULTS); HOST_MAX_CONCURRENCY caps it.
   */
  host_concurrency: integerIn(HOST_LIMIT_BOUNDS.concurrency.min, HOST_LIMIT_BOUNDS.concurrency.max).optional(),
  /**
   * Least time between the starts of two page fetches from one host, ms, across every
   * worker. When absent the polite default applies (250); HOST_MIN_DELAY_MS is its floor.
   */
  host_delay_ms: integerIn(HOST_LIMIT_BOUNDS.delayMs.min, HOST_LIMIT_BOUNDS.delayMs.max).optional(),
});

export type WebTaskInput = z.output<typeof webTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type WebTaskParams = Omit<WebTaskInput, "platform">;

export const webSpec: PlatformSpec<WebTaskInput> = { name: "web", inputSchema: webTaskInput };
