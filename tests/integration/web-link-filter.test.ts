/**
 * The link-filter holes of issue 11, attacked as the review did: real Chromium, a real site
 * on loopback, the real crawler. A task whose include/exclude is one of the ReDoS family and
 * a page whose links are 33+ a's used to peg a worker for minutes (164 s for `(a|a)*$`):
 * here each crawl must simply finish within the test's normal timeout. Patterns the API
 * accepts can still be costly on long paths, so a page's filtering has a time budget, and a
 * path longer than the cap is not tested at all.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WarmBrowser } from "../../core/browser/index.js";
import { NonRetryableCrawlError } from "../../core/errors.js";
import { crawlWeb, type WebCrawlOptions } from "../../core/platforms/web/crawler.js";
import { compilePathPatterns, MAX_TESTED_PATH_CHARS } from "../../core/platforms/web/pathPatterns.js";
import { webTaskInput, type WebTaskParams } from "../../core/platforms/web/schema.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import { createLogger } from "../../functions/shared/logger.js";
import { startTestSite, type TestSite } from "../support/site.js";

/** The patterns and the classic ones. */
const REDOS_PATTERNS = ["(a+)+$", "(a|aa)+$", "(a|b|ab)*c", "(.*?,){30}z", "(\\w+\\s?)*$", "(\\w*)*x", "(a|a)*$"];

/** Links whose paths are the attack inputs: 33 a's and an `!`, and friends, some near the path cap. */
const ATTACK_PATHS = [
  `/${"a".repeat(33)}!`,
  `/${"a".repeat(40)}`,
  `/${"ab".repeat(33)}`,
  `/${"a,".repeat(43)}`,
  `/${"a".repeat(2000)}!`,
  `/${"ab".repeat(1000)}`,
];
const LETTER_LINKS = Array.from({ length: 40 }, (_, i) => `/${"ab".repeat(1000)}${i}`);
const TOO_LONG = `/${"b".repeat(MAX_TESTED_PATH_CHARS + 50)}`;

const links = (paths: readonly string[]) => paths.map((path) => `<a href="${path}">x</a>`).join("\n");

let warm: WarmBrowser;
let site: TestSite;

beforeAll(async () => {
  site = await startTestSite({
    "/": `<title>attack</title>${links(ATTACK_PATHS)}`,
    "/letters": `<title>letters</title>${links(LETTER_LINKS)}`,
    "/long": `<title>long</title>${links([TOO_LONG, "/short"])}`,
    "/short": "<title>short</title>",
    "/missing-target": `<title>m</title>${links(["/nowhere"])}`,
  });
  warm = new WarmBrowser();
  await warm.browser();
});

afterAll(async () => {
  await warm?.close();
  await site?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function task(fields: Record<string, unknown>): WebTaskParams {
  const { platform: _platform, ...params } = webTaskInput.parse({
    platform: "web",
    crawler_type: "crawl",
    urls: [site.url],
    max_depth: 1,
    ...fields,
  });
  return params;
}

interface Logged {
  message: string;
  fields: Record<string, unknown>;
}

async function run(
  params: WebTaskParams,
  crawl: WebCrawlOptions = {},
  log?: CrawlContext["log"],
): Promise<{ items: ResultItem[]; logged: Logged[] }> {
  const browser = await warm.newTaskContext();
  const logged: Logged[] = [];
  const context: CrawlContext = {
    taskId: "task-1",
    browser,
    signal: new AbortController().signal,
    isCancelled: async () => false,
    log: log ?? ((message, fields = {}) => void logged.push({ message, fields })),
  };
  const items: ResultItem[] = [];
  try {
    for await (const item of crawlWeb(params, context, crawl)) items.push(item);
  } finally {
    await browser.close();
  }
  return { items, logged };
}

const pathOf = (item: ResultItem) => {
  const url = new URL(item.data.url as string);
  return url.pathname + url.search;
};
const sorted = (values: Iterable<string>) => [...values].sort();

/** What the crawl must follow: the start page plus the links the pattern engine matches. */
function expectedPaths(include: string[], exclude: string[] = []): string[] {
  const compile = (sources: string[]) => {
    const result = compilePathPatterns(sources);
    if ("problem" in result) throw new Error(result.problem.message);
    return result.patterns;
  };
  const [inc, exc] = [compile(include), compile(exclude)];
  const follows = (path: string) =>
    (inc.length === 0 || inc.some((p) => p.test(path))) && !exc.some((p) => p.test(path));
  return sorted(["/", ...ATTACK_PATHS.filter(follows)]);
}

describe("a crawl with a ReDoS pattern and a page of attack links", () => {
  it.each(REDOS_PATTERNS)("include [%s] finishes and follows exactly the matching links", async (pattern) => {
    const { items } = await run(task({ include: [pattern] }));
    expect(sorted(items.map(pathOf))).toEqual(expectedPaths([pattern]));
  });

  it("exclude with the family finishes too: each pattern is tried on every link none matched yet", async () => {
    // These match few attack paths, so the crawl follows some links and tests each pattern on each.
    const selective = ["(a+)+$", "(a|b|ab)*c", "(.*?,){30}z", "(\\w*)*x", "(a|aa)+$"];
    const { items } = await run(task({ exclude: selective }));
    expect(sorted(items.map(pathOf))).toEqual(expectedPaths([], selective));
    expect(items.length).toBeGreaterThan(1);
    // `(a|a)*$` and `(\w+\s?)*$` match every path (empty at the end): only the start page is left.
    const { items: none } = await run(task({ exclude: REDOS_PATTERNS }));
    expect(none.map(pathOf)).toEqual(["/"]);
  });
});

describe("a page's link filtering has a time budget", () => {
  it("stops testing links when the budget is spent, does not follow the rest, and logs it", async () => {
    // Valid, linear, and still ~50 ms a test on a 2,000-letter path (see pathPatterns.ts).
    const { items, logged } = await run(
      task({ urls: [site.urlFor("/letters")], include: ["\\p{L}{1000}"], max_pages: 100 }),
      { linkFilterBudgetMs: 200 },
    );
    const line = logged.find((entry) => entry.message.startsWith("link filtering hit its time budget"));
    expect(line?.fields).toMatchObject({
      url: site.urlFor("/letters"),
      links: LETTER_LINKS.length,
      budget_ms: 200,
      too_long: 0,
    });
    const followed = line!.fields.followed as number;
    const overBudget = line!.fields.over_budget as number;
    expect(overBudget).toBeGreaterThan(0);
    expect(followed + overBudget).toBe(LETTER_LINKS.length);
    expect(items).toHaveLength(1 + followed);
  });
});

describe(`a path longer than ${MAX_TESTED_PATH_CHARS} characters`, () => {
  it("is not followed while patterns are set, and the page's log line counts it", async () => {
    const { items, logged } = await run(task({ urls: [site.urlFor("/long")], include: ["^/"] }));
    expect(sorted(items.map(pathOf))).toEqual(["/long", "/short"]);
    expect(logged.find((entry) => entry.message === "links too long to test were not followed")?.fields).toMatchObject({
      too_long: 1,
      followed: 1,
      over_budget: 0,
    });
  });

  it("is followed like any link when there is nothing to test", async () => {
    const { items } = await run(task({ urls: [site.urlFor("/long")] }));
    expect(sorted(items.map(pathOf))).toEqual(sorted(["/long", "/short", TOO_LONG]));
  });
});

describe("patterns the API never accepted", () => {
  it("fail the crawl as PATTERN_INVALID, not retried, naming the pattern", async () => {
    const params = { ...task({}), exclude: ["^/ok", "^/(?!admin)"] };
    const failure = await run(params).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NonRetryableCrawlError);
    expect(failure).toMatchObject({
      code: "PATTERN_INVALID",
      message: expect.stringMatching(/^exclude\.1: must be a valid regular expression in RE2 syntax/),
    });
  });
});

describe("the page-failed log line", () => {
  it("keeps the error's message through the real logger (message is the logger's reserved key)", async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const logger = createLogger("crawl-worker");
    // As runTask and the crawler handler wire it.
    await run(task({ crawler_type: "detail", urls: [site.urlFor("/nowhere")] }), {}, (message, fields) =>
      logger.info(message, { task_id: "task-1", ...fields }),
    );
    vi.restoreAllMocks();
    const lines = written
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = lines.find((line) => line.message === "page failed");
    expect(failed).toMatchObject({
      task_id: "task-1",
      url: site.urlFor("/nowhere"),
      code: "HTTP_404",
      error_message: "HTTP 404 Not Found",
    });
    expect(lines.some((line) => /reserved key/.test(String(line.message)))).toBe(false);
  });
});
