import type { BrowserContext, Target } from "puppeteer-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blockRequests, egressProxyOf, WarmBrowser } from "../../core/browser/index.js";
import { trackerUrlPatterns } from "../../core/platforms/web/trackers.js";
import { RetryableCrawlError } from "../../core/errors.js";
import { crawlWeb, type WebCrawlOptions } from "../../core/platforms/web/crawler.js";
import { webTaskInput, type WebTaskParams } from "../../core/platforms/web/schema.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import { expectItemsMatchSchemas } from "../support/itemSchemas.js";
import { DEFAULT_SITE_PAGES, JS_LATE_TEXT, JS_RENDERED_TEXT, startTestSite, type TestSite } from "../support/site.js";

// One Chromium for the file (as on a warm Lambda), a fresh task context per crawl.
let warm: WarmBrowser;
let site: TestSite;

beforeAll(async () => {
  [warm, site] = [new WarmBrowser(), await startTestSite(undefined, { slowPageDelayMs: 3_000 })];
  await warm.browser();
});

afterAll(async () => {
  await warm?.close();
  await site?.close();
});

beforeEach(() => {
  site.requests.length = 0;
  site.external.requests.length = 0;
});

/**
 * Task params as the API would hand them over: parsed by the real schema, defaults applied,
 * except `render`: these tests are about pages in Chromium (tabs, blocking, timing), so every
 * page is rendered (web-render.test.ts covers "auto" and "never"); and robots.txt, whose
 * fetch would show in the site's request log (web-robots-sitemaps.test.ts covers it).
 */
function task(fields: Record<string, unknown>): WebTaskParams {
  const { platform: _platform, ...params } = webTaskInput.parse({
    platform: "web",
    crawler_type: "crawl",
    urls: [site.url],
    render: "always",
    respect_robots_txt: false,
    ...fields,
  });
  return params;
}

interface RunOptions extends Partial<Omit<CrawlContext, "browser">> {
  crawl?: WebCrawlOptions;
  /** Called with each item; return "stop" to break out of the loop. */
  onItem?: (item: ResultItem, index: number, context: BrowserContext) => unknown;
  /** Called with the task context before the crawl starts. */
  beforeLoop?: (context: BrowserContext) => void;
  /** Called after the loop ended, before the task context is closed. */
  afterLoop?: (context: BrowserContext) => Promise<void>;
}

async function run(params: WebTaskParams, options: RunOptions = {}): Promise<ResultItem[]> {
  const browser = await warm.newTaskContext();
  const context: CrawlContext = {
    taskId: "task-1",
    browser,
    signal: options.signal ?? new AbortController().signal,
    isCancelled: options.isCancelled ?? (async () => false),
    log: options.log ?? (() => undefined),
  };
  const items: ResultItem[] = [];
  options.beforeLoop?.(browser);
  try {
    for await (const item of crawlWeb(params, context, options.crawl)) {
      items.push(item);
      if ((await options.onItem?.(item, items.length - 1, browser)) === "stop") break;
    }
    await options.afterLoop?.(browser);
  } finally {
    await browser.close();
  }
  expectItemsMatchSchemas(items, params);
  return items;
}

const pathOf = (item: ResultItem): string => {
  const url = new URL(item.data.url as string);
  return url.pathname + url.search;
};
const htmlRequests = (): string[] => site.requests.filter((path) => !path.startsWith("/img/"));
const sorted = (values: Iterable<string>): string[] => [...values].sort();
const byPath = (items: ResultItem[], path: string): ResultItem | undefined =>
  items.find((item) => pathOf(item) === path);

describe("crawlWeb in crawl mode", () => {
  it("follows same-origin links breadth-first up to max_depth (default 2)", async () => {
    const items = await run(task({}));

    const expected = DEFAULT_SITE_PAGES.filter((page) => page.depth <= 2);
    expect(sorted(items.map(pathOf))).toEqual(sorted(expected.map((page) => page.path)));
    for (const page of expected) expect(byPath(items, page.path)?.data.depth).toBe(page.depth);
    expect(htmlRequests()).not.toContain("/chain/3");
    expect(site.external.requests).toEqual([]);
  });

  it("reaches every page with a larger max_depth and stops at max_pages", async () => {
    const all = await run(task({ max_depth: 20 }));
    expect(sorted(all.map(pathOf))).toEqual(sorted(site.pagePaths));
    expect(byPath(all, "/chain/4")?.data.depth).toBe(4);

    site.requests.length = 0;
    const capped = await run(task({ max_depth: 20, max_pages: 3 }));
    expect(capped).toHaveLength(3);
    expect(htmlRequests()).toHaveLength(3);
  });

  it("follows links to other origins only when same_origin is false", async () => {
    await run(task({ max_depth: 1 }));
    expect(site.external.requests).toEqual([]);

    const items = await run(task({ max_depth: 1, same_origin: false }));
    expect(site.external.requests).toEqual(["/external"]);
    expect(items.find((item) => item.data.url === site.external.url)?.data.title).toBe("External");
  });

  it("filters discovered links with include and exclude (start URLs are always crawled)", async () => {
    const included = await run(task({ max_depth: 20, include: ["^/chain/"] }));
    expect(sorted(included.map(pathOf))).toEqual(["/", "/chain/1", "/chain/2", "/chain/3", "/chain/4"]);

    const excluded = await run(task({ max_depth: 20, exclude: ["^/products", "^/chain/[34]$"] }));
    expect(sorted(excluded.map(pathOf))).toEqual(
      sorted(["/", "/about", "/js-rendered", "/missing", "/chain/1", "/chain/2"]),
    );
  });

  it("crawls a page linked twice (once with a #fragment) only once", async () => {
    const items = await run(task({ max_depth: 1 }));
    expect(items.filter((item) => pathOf(item) === "/about")).toHaveLength(1);
    expect(htmlRequests().filter((path) => path === "/about")).toHaveLength(1);
    expect(byPath(items, "/about")?.item_key).toBe(`page:${site.urlFor("/about")}`);
  });

  it("records a 404 as a failed item and does not follow its links", async () => {
    const items = await run(task({ max_depth: 3 }));
    const missing = byPath(items, "/missing");
    expect(missing?.ok).toBe(false);
    expect(missing?.data.status).toBe(404);
    expect(missing?.data.error).toEqual({ code: "HTTP_404", message: expect.stringContaining("404") });
    expect(missing?.data.title).toBe("Not found");
    expect(htmlRequests()).not.toContain("/never-followed");
    expect(items.filter((item) => !item.ok).map(pathOf)).toEqual(["/missing"]);
  });

  it("loads several pages of a task at once and slows down for a slow consumer", async () => {
    const slowSite = await startTestSite({
      "/a": { body: "<title>a</title>", delayMs: 600 },
      "/b": { body: "<title>b</title>", delayMs: 600 },
      "/c": { body: "<title>c</title>", delayMs: 600 },
      "/d": { body: "<title>d</title>", delayMs: 600 },
    });
    try {
      const started = Date.now();
      const items = await run(task({ crawler_type: "detail", urls: slowSite.pagePaths.map(slowSite.urlFor) }));
      expect(items).toHaveLength(4);
      expect(Date.now() - started).toBeLessThan(4 * 600);
    } finally {
      await slowSite.close();
    }

    let seenAfterPause = 0;
    await run(task({ max_depth: 20 }), {
      crawl: { pageConcurrency: 1, maxBufferedItems: 1 },
      onItem: async (_item, index) => {
        if (index !== 0) return;
        await new Promise((resolve) => setTimeout(resolve, 800));
        seenAfterPause = htmlRequests().length;
      },
    });
    // One page consumed, one buffered, one waiting to be handed over: not all ten.
    expect(seenAfterPause).toBeLessThanOrEqual(3);
  });
});

describe("crawlWeb page handling", () => {
  it("returns every field with the right type", async () => {
    const [item] = await run(task({ crawler_type: "detail" }));
    expect(item?.item_key).toBe(`page:${site.url}`);
    expect(item?.ok).toBe(true);
    expect(item?.data).toEqual({
      platform: "web",
      item_type: "page",
      url: site.url,
      final_url: site.url,
      status: 200,
      title: "Test site home",
      description: "A site for crawler tests",
      text: expect.stringContaining("Welcome About"),
      truncated: false,
      truncated_fields: [],
      // about, js-rendered, chain/1, missing, 2 products, external; not mailto:, not #team twice.
      links: 7,
      depth: 0,
      fetched_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      content_type: "text/html; charset=utf-8",
      rendered: true,
      settle_ms: expect.any(Number),
      settle_capped: false,
      error: null,
      blocked_requests: [],
    });
    expect(item?.data.text).not.toMatch(/\s{2}/);
  });

  it("reports the URL asked for and the URL a redirect ended on", async () => {
    const [item] = await run(task({ crawler_type: "detail", urls: [site.urlFor("/old-about")] }));
    expect(item?.item_key).toBe(`page:${site.urlFor("/old-about")}`);
    expect(item?.data).toMatchObject({
      url: site.urlFor("/old-about"),
      final_url: site.urlFor("/about"),
      status: 200,
      title: "About us",
    });
    expect(htmlRequests()).toEqual(["/old-about", "/about"]);
  });

  it("dismisses JavaScript dialogs instead of hanging on them", async () => {
    const dialogSite = await startTestSite({
      "/": "<title>alerting</title><script>alert('hi'); document.title = 'after alert'</script>",
    });
    try {
      const [item] = await run(task({ crawler_type: "detail", urls: [dialogSite.url], page_timeout_secs: 3 }));
      expect(item?.ok).toBe(true);
      expect(item?.data.title).toBe("after alert");
    } finally {
      await dialogSite.close();
    }
  });

  it("sees text that only exists after the page's script ran, and waits for wait_for", async () => {
    const url = site.urlFor("/js-rendered");
    const [plain] = await run(task({ crawler_type: "detail", urls: [url] }));
    expect(plain?.data.text).toContain(JS_RENDERED_TEXT);

    const [waited] = await run(task({ crawler_type: "detail", urls: [url], wait_for: "#late" }));
    expect(waited?.ok).toBe(true);
    expect(waited?.data.text).toContain(JS_LATE_TEXT);
  });

  it("fails a page whose wait_for selector never appears", async () => {
    const [item] = await run(
      task({ crawler_type: "detail", urls: [site.urlFor("/about")], wait_for: "#never", page_timeout_secs: 1 }),
    );
    expect(item?.ok).toBe(false);
    expect((item?.data.error as { code: string }).code).toBe("WAIT_FOR_TIMEOUT");
    expect(item?.data.status).toBe(200);
    expect(item?.data.title).toBe("About us");
  });

  it("times out a navigation that takes longer than page_timeout_secs", async () => {
    const [item] = await run(task({ crawler_type: "detail", urls: [site.urlFor("/slow")], page_timeout_secs: 1 }));
    expect(item?.ok).toBe(false);
    expect((item?.data.error as { code: string }).code).toBe("NAVIGATION_TIMEOUT");
    expect(item?.data.status).toBeNull();
    expect(item?.data.text).toBeNull();
  });

  it("never requests blocked images, and loads them when nothing is blocked", async () => {
    await run(task({ max_depth: 1 }));
    expect(site.requests.filter((path) => path.startsWith("/img/"))).toEqual([]);

    await run(task({ max_depth: 1, block_resources: [] }));
    expect(site.requests).toEqual(expect.arrayContaining(["/img/logo.png", "/img/team.png", "/img/p1.png"]));
  });

  it("reads selector fields as trimmed text or, with @attr, an attribute", async () => {
    const [item] = await run(
      task({
        crawler_type: "detail",
        urls: [site.urlFor("/about")],
        selectors: {
          headline: "h1.headline",
          price: ".price",
          next: "a.next@href",
          summary: 'meta[name="description"]@content',
          absent: ".nope",
        },
      }),
    );
    expect(item?.data).toMatchObject({
      headline: "About   us",
      price: "42 EUR",
      next: "/chain/1",
      summary: "Who we are",
      absent: null,
    });
  });

  it("cuts text at maxTextChars and marks it truncated", async () => {
    const [item] = await run(task({ crawler_type: "detail", urls: [site.urlFor("/about")] }), {
      crawl: { maxTextChars: 12 },
    });
    expect(item?.data.text).toBe("About us We ");
    expect(item?.data.truncated).toBe(true);
  });
});

describe("crawlWeb tabs", () => {
  /** Counts the tabs (page targets) the crawl opens in its task context (not the wipe's scratch tab after it). */
  const tabCounter = () => {
    const counter = { tabs: 0 };
    const onTarget = (target: Target) => {
      if (target.type() === "page") counter.tabs += 1;
    };
    return {
      counter,
      beforeLoop: (context: BrowserContext) => void context.on("targetcreated", onTarget),
      afterLoop: async (context: BrowserContext) => void context.off("targetcreated", onTarget),
    };
  };

  it("keeps one tab per worker from page to page", async () => {
    const { counter, ...hooks } = tabCounter();
    const items = await run(task({ max_depth: 5 }), { crawl: { pageConcurrency: 2 }, ...hooks });
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(counter.tabs).toBeGreaterThan(0);
    expect(counter.tabs).toBeLessThanOrEqual(2);
  });

  it("replaces a tab whose page timed out, and the next page loads in a fresh one", async () => {
    const { counter, ...hooks } = tabCounter();
    const items = await run(
      task({
        crawler_type: "detail",
        urls: [site.urlFor("/slow"), site.urlFor("/about"), site.urlFor("/products?id=1")],
        page_timeout_secs: 1,
      }),
      { crawl: { pageConcurrency: 1 }, ...hooks },
    );
    expect(items.map((item) => (item.data.error as { code: string } | null)?.code ?? "ok")).toEqual([
      "NAVIGATION_TIMEOUT",
      "ok",
      "ok",
    ]);
    expect(items.map((item) => item.data.title)).toEqual([null, "About us", "Product 1"]);
    // The timed-out tab is dropped; the two good pages share the next one.
    expect(counter.tabs).toBe(2);
  });

  it("blocks tracker hosts inside Chromium by default: their requests never reach the egress proxy", async () => {
    const tracker = `http://t${Date.now()}.hm.baidu.com/hm.js`;
    const trackedSite = await startTestSite({
      "/": `<title>tracked</title><script src="${tracker}"></script><script src="/own.js"></script>`,
      "/own.js": { body: "document.title += ' +own';", contentType: "text/javascript" },
    });
    try {
      const [item] = await run(task({ crawler_type: "detail", urls: [trackedSite.url] }));
      expect(item?.data.title).toBe("tracked +own");
      expect(egressProxyOf(await warm.browser())?.recordFor(tracker)).toBeUndefined();
    } finally {
      await trackedSite.close().catch(() => undefined);
    }
  });

  it("blockRequests: Chromium itself refuses matching requests (ERR_BLOCKED_BY_CLIENT), others load", async () => {
    const tracker = "http://www.google-analytics.com/analytics.js";
    const trackedSite = await startTestSite({
      "/": `<title>tracked</title><script src="${tracker}"></script><script src="/own.js"></script>`,
      "/own.js": { body: "document.title += ' +own';", contentType: "text/javascript" },
    });
    const context = await warm.newTaskContext();
    try {
      const page = await context.newPage();
      await blockRequests(page, { urlPatterns: trackerUrlPatterns() });
      const failures = new Map<string, string>();
      page.on("requestfailed", (request) => failures.set(request.url(), request.failure()?.errorText ?? ""));
      await page.goto(trackedSite.url, { waitUntil: "load" });
      expect(failures.get(tracker)).toMatch(/^net::ERR_BLOCKED_BY_CLIENT/);
      expect(trackedSite.requests).toContain("/own.js");
    } finally {
      await context.close();
      await trackedSite.close();
    }
  });

  it("keeps the HTTP cache on while blocking images: a script shared by pages is fetched once", async () => {
    const page = (title: string, next: string) =>
      `<title>${title}</title><script src="/shared.js"></script><img src="/img/x.png"><a href="${next}">next</a>`;
    const cachedSite = await startTestSite({
      "/": page("one", "/two"),
      "/two": page("two", "/three"),
      "/three": page("three", "/"),
      "/shared.js": {
        body: "document.documentElement.dataset.shared = '1';",
        contentType: "text/javascript",
        headers: { "cache-control": "max-age=600" },
      },
    });
    try {
      const items = await run(task({ urls: [cachedSite.url], max_depth: 3 }), { crawl: { pageConcurrency: 1 } });
      expect(items.map((item) => item.data.title)).toEqual(["one", "two", "three"]);
      expect(cachedSite.requests.filter((path) => path === "/shared.js")).toHaveLength(1);
      expect(cachedSite.requests.filter((path) => path.startsWith("/img/"))).toEqual([]);
    } finally {
      await cachedSite.close();
    }
  });
});

describe("crawlWeb in detail mode", () => {
  it("crawls exactly the given URLs, deduplicated, without following links", async () => {
    const items = await run(
      task({
        crawler_type: "detail",
        urls: [site.urlFor("/about"), site.urlFor("/about#team"), site.urlFor("/chain/2")],
        max_pages: 1,
      }),
    );
    expect(sorted(items.map(pathOf))).toEqual(["/about", "/chain/2"]);
    expect(sorted(htmlRequests())).toEqual(["/about", "/chain/2"]);
    expect(items.every((item) => item.data.depth === 0)).toBe(true);
  });
});

describe("crawlWeb stopping", () => {
  it("crawls nothing when the task is already cancelled", async () => {
    const items = await run(task({ max_depth: 20 }), { isCancelled: async () => true });
    expect(items).toEqual([]);
    expect(site.requests).toEqual([]);
  });

  it("stops scheduling pages once the task is cancelled", async () => {
    let cancelled = false;
    const items = await run(task({ max_depth: 20 }), {
      crawl: { pageConcurrency: 1, maxBufferedItems: 1 },
      isCancelled: async () => cancelled,
      onItem: (_item, index) => {
        if (index === 1) cancelled = true;
      },
    });
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.length).toBeLessThanOrEqual(3);
    expect(htmlRequests().length).toBeLessThanOrEqual(4);
  });

  it("abandons in-flight pages when the signal aborts", async () => {
    const abort = new AbortController();
    const started = Date.now();
    const items = await run(task({ crawler_type: "detail", urls: [site.urlFor("/slow"), site.url] }), {
      signal: abort.signal,
      onItem: () => abort.abort(),
    });
    expect(items.map(pathOf)).toEqual(["/"]);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("closes its pages when the consumer stops early", async () => {
    let openPages = -1;
    const items = await run(task({ max_depth: 20 }), {
      onItem: () => "stop",
      afterLoop: async (context) => {
        openPages = (await context.pages()).filter((page) => page.url() !== "about:blank").length;
      },
    });
    expect(items).toHaveLength(1);
    expect(openPages).toBe(0);
  });

  it("throws a retryable BROWSER_CRASHED when Chromium dies mid-crawl", async () => {
    const browser = await warm.browser();
    setTimeout(() => browser.process()?.kill("SIGKILL"), 500);
    const crawl = run(task({ crawler_type: "detail", urls: [site.urlFor("/slow")] }));
    await expect(crawl).rejects.toBeInstanceOf(RetryableCrawlError);
    await expect(crawl).rejects.toMatchObject({ code: "BROWSER_CRASHED" });

    // The warm browser relaunches for the next task.
    const [item] = await run(task({ crawler_type: "detail" }));
    expect(item?.ok).toBe(true);
    expect(warm.launchCount).toBe(2);
  });
});
