import * as z from "zod";
import { httpUrl, integerIn, RESERVED_OBJECT_KEYS } from "../../validation.js";
import { HOST_LIMIT_BOUNDS } from "../../politeness/constants.js";
import { webFormatFields, webItemDiscriminators, webPageFields } from "./itemSchema.js";
import { MAX_TESTED_PATH_CHARS, pathPatternProblem } from "./pathPatterns.js";

/** Fields every web result item may have, and the result's keys: selector names may not reuse them. */
export const WEB_RESULT_FIELDS: readonly string[] = [
  ...Object.keys(webPageFields),
  ...Object.keys(webFormatFields),
  ...Object.keys(webItemDiscriminators),
  "task_id",
  "item_key",
  "ok",
];

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
    if (names.length > 50)
      ctx.addIssue({ code: "custom", message: `must have at most 50 selectors (got ${names.length})` });
    for (const name of names) {
      if (RESERVED_OBJECT_KEYS.has(name)) {
        // parseOrThrow refuses these before any schema runs; this keeps the schema safe used alone.
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `"${name}" cannot be used as a name (__proto__, constructor and prototype are reserved)`,
        });
      } else if (!selectorNamePattern.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "selector names are letters, digits and _ (at most 64)",
        });
      } else if (WEB_RESULT_FIELDS.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `selector name is reserved (reserved: ${WEB_RESULT_FIELDS.join(", ")})`,
        });
      }
    }
  });

/**
 * What a web task may keep Chromium from loading: resource types, and "tracker" (analytics
 * and ads hosts, trackers.ts). Images, media, fonts and trackers are blocked unless asked for.
 */
export const BLOCKABLE_RESOURCES = ["image", "media", "font", "stylesheet", "tracker"] as const;

export const RENDER_MODES = ["auto", "always", "never"] as const;
/** What a page's item can carry (html.ts makes each); kept here, away from the parsers, so the API bundle stays small. */
export const OUTPUT_FORMATS = ["text", "markdown", "html", "links"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** A detail task's URLs at most (a batch); a crawl's start URLs at most. */
export const MAX_DETAIL_URLS = 10_000;
export const MAX_START_URLS = 100;

const webTaskFields = z.strictObject({
  platform: z.literal("web"),
  crawler_type: z.enum(["detail", "crawl"], {
    error: 'must be "detail" (exactly the given URLs) or "crawl" (follow links)',
  }),
  urls: z
    .array(httpUrl, { error: "must be an array of URLs" })
    .min(1, { error: "must contain at least 1 URL" })
    .max(MAX_DETAIL_URLS, { error: `must contain at most ${MAX_DETAIL_URLS} URLs` })
    .meta({
      description: `Absolute http(s) URLs: the pages to fetch (detail, up to ${MAX_DETAIL_URLS} across any hosts) or the start pages (crawl, up to ${MAX_START_URLS}). A list longer than 100 is stored beside the task, which shows params.url_list (count, URLs per host, the first URLs) instead`,
    }),
  max_pages: integerIn(1, 10_000).default(50).meta({ description: "Pages fetched at most, start pages included" }),
  max_depth: integerIn(0, 20)
    .default(2)
    .meta({ description: "crawl: links followed from a start page (0: the start pages only)" }),
  include: patternList("follow only links whose path matches one of these regular expressions"),
  exclude: patternList("never follow links whose path matches one of these regular expressions"),
  same_origin: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .meta({ description: "crawl: follow links to the start pages' origins only" }),
  selectors: selectors.optional().meta({
    description:
      "{name: CSS selector}: each becomes a column of the page's result (the first match's text); at most 50",
  }),
  wait_for: cssSelector
    .optional()
    .meta({ description: "A CSS selector to wait for before extracting (up to page_timeout_secs)" }),
  wait_until: z
    .enum(["settle", "load", "domcontentloaded", "networkidle"], {
      error: 'must be "settle", "load", "domcontentloaded" or "networkidle"',
    })
    .default("settle")
    .meta({
      description:
        "When to read a page. settle (default): after load, once no request is in flight, no short timer pending and nothing changed for a quiet moment, so content scripts add after load (timers, fetch/XHR answers, chained requests) is read; capped at settle_max_secs. load, domcontentloaded, networkidle: the browser events",
    }),
  settle_max_secs: integerIn(1, 60).default(5).meta({
    description:
      "settle: the longest a page is waited for after load; a page that never settles (polling, animations) is read then, and its item says settle_capped",
  }),
  page_timeout_secs: integerIn(1, 120).default(30).meta({ description: "Longest one page may take to load" }),
  block_resources: z
    .array(
      z.enum(BLOCKABLE_RESOURCES, { error: `must be one of ${BLOCKABLE_RESOURCES.map((r) => `"${r}"`).join(", ")}` }),
      {
        error: "must be an array of resource types",
      },
    )
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
  render: z.enum(RENDER_MODES, { error: 'must be "auto", "always" or "never"' }).default("auto").meta({
    description:
      "Whether pages load in Chromium. auto (default): each page is read over plain HTTP first; a page whose HTML runs no script is used as read, and pages with scripts are rendered until the crawl has seen that rendering changes nothing for their kind (same URL shape, same scripts), then read over HTTP with one in ten still rendered and compared; a kind where rendering changes the result is rendered from then on, its pages read before again. always: every page in Chromium. never: plain HTTP only, no browser (scripts never run: wait_until, wait_for, settle_max_secs and block_resources do not apply)",
  }),
  formats: z
    .array(z.enum(OUTPUT_FORMATS, { error: `must be one of ${OUTPUT_FORMATS.map((f) => `"${f}"`).join(", ")}` }), {
      error: "must be an array of formats",
    })
    .min(1, { error: "must name at least one format" })
    .max(OUTPUT_FORMATS.length, { error: `must contain at most ${OUTPUT_FORMATS.length} formats` })
    .refine((formats) => new Set(formats).size === formats.length, { error: "must not repeat a format" })
    .default(["text"])
    .meta({
      description:
        "What each page item carries: text (field text: the visible text), markdown (field markdown: headings, lists, links, tables, code), html (field html: the page's HTML without scripts, styles, comments and hidden parts), links (field link_list: [{url, text}], absolute). Each is cut at 100,000 characters, and truncated_fields names what was cut",
    }),
  only_main_content: z.boolean({ error: "must be true or false" }).default(false).meta({
    description:
      "Keep the page's main content only (Mozilla Readability): navigation, headers, footers, cookie banners and sidebars are dropped from text, markdown, html and link_list. A page where no main content is found keeps all of it",
  }),
  respect_robots_txt: z.boolean({ error: "must be true or false" }).default(true).meta({
    description:
      "Honour each site's robots.txt (user agent CrawlTasks, then *): a disallowed page is not fetched and its item says ROBOTS_DISALLOWED; a Crawl-delay raises the host's delay. false: an explicit opt-out, shown on the task",
  }),
  sitemap: z.enum(["skip", "include", "only"], { error: 'must be "skip", "include" or "only"' }).default("skip").meta({
    description:
      "crawl: seed the crawl from each start origin's sitemaps (robots.txt Sitemap: lines, else /sitemap.xml; sitemap indexes and .xml.gz followed). include: the sitemap's pages as well as the start pages and their links; only: the sitemap's pages alone, no links followed; skip (default): no sitemap",
  }),
});

/** The create-task body of a web task (see {@link webTaskFields}), with the checks that span fields. */
export const webTaskInput = webTaskFields.superRefine((task, ctx) => {
  if (task.crawler_type === "crawl" && task.urls.length > MAX_START_URLS) {
    ctx.addIssue({
      code: "custom",
      path: ["urls"],
      message: `must contain at most ${MAX_START_URLS} start URLs for a crawl (a detail task takes up to ${MAX_DETAIL_URLS})`,
    });
  }
  if (task.render === "never" && task.wait_for !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["wait_for"],
      message:
        'needs a browser: render "never" reads pages over plain HTTP, where no script runs (use render "auto" or "always")',
    });
  }
  if (task.sitemap !== "skip" && task.crawler_type !== "crawl") {
    ctx.addIssue({
      code: "custom",
      path: ["sitemap"],
      message: 'seeds a crawl: it needs crawler_type "crawl" (detail fetches exactly the given URLs)',
    });
  }
});

export type WebTaskInput = z.output<typeof webTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type WebTaskParams = Omit<WebTaskInput, "platform">;

/**
 * How each page is read and what its item carries: the web task's own fields, for a body that
 * names pages but takes no crawl settings (POST /api/v1/scrape, core/tasks/scrape.ts).
 */
export const webPageOptions = webTaskFields.pick({
  formats: true,
  selectors: true,
  only_main_content: true,
  render: true,
  wait_until: true,
  wait_for: true,
  settle_max_secs: true,
  page_timeout_secs: true,
  block_resources: true,
  respect_robots_txt: true,
});
