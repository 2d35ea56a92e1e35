/**
 * robots.txt and sitemaps against sites served here, over real HTTP: a disallowed page is
 * never requested and gets ROBOTS_DISALLOWED quoting the rule, our own user-agent group wins
 * over `*`, Crawl-delay raises the host's delay, an unreachable robots.txt disallows the
 * site (RFC 9309) while a missing one allows it, the file is fetched once per origin and
 * shared through the politeness table; sitemaps (from robots.txt or /sitemap.xml, indexes,
 * gzip, text) seed crawls.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BROWSER } from "../../core/browser/noBrowser.js";
import { DynamoRobotsTxtCache } from "../../core/politeness/robotsTxtCache.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import { parseSitemap } from "../../core/platforms/web/sitemaps.js";
import type {
  CrawlContext,
  HostSlotOptions,
  ResultItem,
  RobotsTxtCache,
  StoredRobotsTxt,
} from "../../core/platforms/types.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startTestSite, type TestPages, type TestSite } from "../support/site.js";

const page = (title: string, links: string[] = []) =>
  `<!doctype html><title>${title}</title><body><h1>${title}</h1>${links.map((href) => `<a href="${href}">${href}</a>`).join(" ")}</body>`;

/** The robots.txt of the main site; line numbers are quoted by the tests. */
const ROBOTS = (origin: string) =>
  [
    "User-agent: *", //                        1
    "Disallow: /private", //                   2
    "Crawl-delay: 5", //                       3
    "", //                                     4
    "User-agent: CrawlTasks", //               5
    "Disallow: /members", //                   6
    "Allow: /members/join", //                 7
    "Crawl-delay: 0.5", //                     8
    "", //                                     9
    `Sitemap: ${origin}/maps/index.xml.gz`, // 10
  ].join("\n");

const SITEMAP_PAGES = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>/from-sitemap/1</loc><lastmod>2026-11-01</lastmod>
    <image:image><image:loc>/img/not-a-page.png</image:loc></image:image></url>
  <url><loc><![CDATA[/from-sitemap/2]]></loc></url>
  <url><loc>http://elsewhere.invalid/off-site</loc></url>
</urlset>`;

let site: TestSite;
let down: TestSite;
let bare: TestSite;
let aws: TestAws;

beforeAll(async () => {
  [site, down, bare, aws] = await Promise.all([
    startTestSite(
      ({ origin }): TestPages => ({
        "/robots.txt": { body: ROBOTS(origin), contentType: "text/plain" },
        "/": page("Home", ["/private/a", "/members/list", "/members/join", "/open"]),
        "/private/a": page("Private to others"),
        "/members/list": page("Members"),
        "/members/join": page("Join"),
        "/open": page("Open"),
        "/maps/index.xml.gz": {
          contentType: "application/gzip",
          body: gzipSync(
            `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/maps/pages.xml</loc></sitemap><sitemap><loc>${origin}/maps/more.txt</loc></sitemap><sitemap><loc>${origin}/maps/missing.xml</loc></sitemap></sitemapindex>`,
          ),
        },
        "/maps/pages.xml": {
          contentType: "application/xml",
          body: SITEMAP_PAGES.replaceAll("<loc>/", `<loc>${origin}/`).replace("[CDATA[/", `[CDATA[${origin}/`),
        },
        "/maps/more.txt": { contentType: "text/plain", body: `${origin}/from-sitemap/3\n${origin}/members/secret\n` },
        "/from-sitemap/1": page("Sitemap page 1", ["/open"]),
        "/from-sitemap/2": page("Sitemap page 2"),
        "/from-sitemap/3": page("Sitemap page 3"),
      }),
    ),
    startTestSite({
      "/robots.txt": { status: 503, body: "overloaded", contentType: "text/plain" },
      "/": page("Down home", ["/a"]),
      "/a": page("A"),
    }),
    // No robots.txt (404) and no Sitemap line: /sitemap.xml is where its sitemap is.
    startTestSite(
      ({ origin }): TestPages => ({
        "/": page("Bare home"),
        "/sitemap.xml": {
          contentType: "application/xml",
          body: `<urlset><url><loc>${origin}/listed</loc></url></urlset>`,
        },
        "/listed": page("Listed"),
      }),
    ),
    startTestAws(),
  ]);
});

afterAll(async () => {
  await Promise.all([site?.close(), down?.close(), bare?.close(), aws?.close()]);
});

interface Run {
  byPath: Map<string, ResultItem>;
  slots: Array<{ path: string; options?: HostSlotOptions }>;
  logs: Array<{ message: string; fields?: Record<string, unknown> }>;
}

async function crawl(fields: Record<string, unknown>, robotsTxt?: RobotsTxtCache): Promise<Run> {
  const { platform: _platform, ...params } = webTaskInput.parse({
    platform: "web",
    crawler_type: "crawl",
    render: "never",
    ...fields,
  });
  const run: Run = { byPath: new Map(), slots: [], logs: [] };
  const context: CrawlContext = {
    taskId: "t",
    browser: NO_BROWSER,
    signal: new AbortController().signal,
    isCancelled: async () => false,
    log: (message, logFields) => run.logs.push({ message, ...(logFields ? { fields: logFields } : {}) }),
    acquireHostSlot: async (url, _signal, options) => {
      run.slots.push({ path: new URL(url).pathname, ...(options ? { options } : {}) });
      return async () => undefined;
    },
    ...(robotsTxt ? { robotsTxt } : {}),
  };
  for await (const item of crawlWeb(params, context)) run.byPath.set(new URL(item.data.url as string).pathname, item);
  return run;
}

const pathsOf = (run: Run) => [...run.byPath.keys()].sort();

describe("robots.txt", () => {
  it("keeps a crawl from the pages our group disallows, and says which rule did", async () => {
    site.requests.length = 0;
    const run = await crawl({ urls: [site.url] });
    expect(run.byPath.get("/members/list")).toMatchObject({
      ok: false,
      data: {
        status: null,
        rendered: false,
        error: {
          code: "ROBOTS_DISALLOWED",
          message: `${site.origin}/robots.txt disallows this page for CrawlTasks (line 6: Disallow: /members)`,
        },
      },
    });
    expect(site.requests).not.toContain("/members/list");
    // Allow: /members/join is the longer match; /private is only the * group's rule, which our own group replaces.
    expect(run.byPath.get("/members/join")).toMatchObject({ ok: true, data: { title: "Join" } });
    expect(run.byPath.get("/private/a")).toMatchObject({ ok: true, data: { title: "Private to others" } });
    // Fetched once for the whole task.
    expect(site.requests.filter((path) => path === "/robots.txt")).toHaveLength(1);
  });

  it("raises the host's delay to its Crawl-delay for every page fetched after reading it", async () => {
    const run = await crawl({ urls: [site.url] });
    const pages = run.slots.filter((slot) => slot.path !== "/robots.txt");
    expect(pages.length).toBeGreaterThan(3);
    for (const slot of pages) expect(slot.options, slot.path).toEqual({ minDelayMs: 500 });
  });

  it("is ignored when the task opts out", async () => {
    site.requests.length = 0;
    const run = await crawl({ urls: [site.url], respect_robots_txt: false });
    expect(run.byPath.get("/members/list")).toMatchObject({ ok: true, data: { title: "Members" } });
    expect(site.requests).not.toContain("/robots.txt");
    for (const slot of run.slots) expect(slot.options).toBeUndefined();
  });

  it("disallows the whole site while robots.txt answers 5xx (RFC 9309), and allows it when there is none", async () => {
    down.requests.length = 0;
    const run = await crawl({ urls: [down.url] });
    expect(run.byPath.get("/")).toMatchObject({
      ok: false,
      data: {
        error: {
          code: "ROBOTS_UNREACHABLE",
          message: expect.stringContaining(`${down.origin}/robots.txt could not be read (HTTP 503)`),
        },
      },
    });
    expect(down.requests).toEqual(["/robots.txt"]);
    const open = await crawl({ urls: [bare.url] });
    expect(open.byPath.get("/")).toMatchObject({ ok: true, data: { title: "Bare home" } });
  });

  it("reports a site that takes no connection as NAVIGATION_FAILED, as it would be without robots.txt", async () => {
    const closed = await startTestSite({ "/": page("Gone") });
    const origin = closed.origin;
    await closed.close();
    const run = await crawl({ urls: [`${origin}/`] });
    expect(run.byPath.get("/")).toMatchObject({
      ok: false,
      data: {
        error: {
          code: "NAVIGATION_FAILED",
          message: expect.stringMatching(new RegExp(`^${origin} could not be reached \\(.*ECONNREFUSED`)),
        },
      },
    });
  });

  it("asks again for a robots.txt that failed after 10 minutes, not a day", async () => {
    const cache = new DynamoRobotsTxtCache(aws.clients.doc, "politeness");
    down.requests.length = 0;
    await crawl({ urls: [down.url], max_pages: 1 }, cache);
    await crawl({ urls: [down.url], max_pages: 1 }, cache);
    expect(down.requests).toEqual(["/robots.txt"]);
    const stored = (await cache.get(down.origin)) as StoredRobotsTxt;
    expect(stored).toMatchObject({ status: 503, failure: "HTTP 503" });
    await cache.put(down.origin, { ...stored, fetchedAt: new Date(Date.now() - 11 * 60_000).toISOString() });
    await crawl({ urls: [down.url], max_pages: 1 }, cache);
    expect(down.requests).toEqual(["/robots.txt", "/robots.txt"]);
  });

  it("is fetched once a day for every task, through the politeness table", async () => {
    const cache = new DynamoRobotsTxtCache(aws.clients.doc, "politeness");
    site.requests.length = 0;
    await crawl({ urls: [site.url], max_pages: 2 }, cache);
    await crawl({ urls: [site.url], max_pages: 2 }, cache);
    expect(site.requests.filter((path) => path === "/robots.txt")).toHaveLength(1);
    const stored = (await cache.get(site.origin)) as StoredRobotsTxt;
    expect(stored).toMatchObject({ status: 200, body: ROBOTS(site.origin) });
    // A day later it is fetched again.
    await cache.put(site.origin, { ...stored, fetchedAt: new Date(Date.now() - 25 * 3600_000).toISOString() });
    await crawl({ urls: [site.url], max_pages: 1 }, cache);
    expect(site.requests.filter((path) => path === "/robots.txt")).toHaveLength(2);
  });
});

describe("sitemaps", () => {
  it('"only": crawls the pages the sitemaps list (robots.txt Sitemap line, a gzipped index, XML and text), nothing else', async () => {
    const run = await crawl({ urls: [site.url], sitemap: "only" });
    // Not the start page, not /open (linked from a sitemap page), not the off-site URL or the image; /members/secret is disallowed.
    expect(pathsOf(run)).toEqual(["/from-sitemap/1", "/from-sitemap/2", "/from-sitemap/3", "/members/secret"]);
    expect(run.byPath.get("/members/secret")?.data.error).toMatchObject({ code: "ROBOTS_DISALLOWED" });
    expect(run.logs.find((line) => line.message === "sitemaps read")?.fields).toEqual({
      sitemaps: 3,
      failed: 1,
      listed: 5,
      added: 4,
    });
    expect(run.logs.find((line) => line.message === "sitemap could not be read")?.fields).toMatchObject({
      sitemap: `${site.origin}/maps/missing.xml`,
      reason: "HTTP 404",
    });
  });

  it('"include": the start pages, the sitemaps\' pages and the links of both', async () => {
    const run = await crawl({ urls: [site.url], sitemap: "include", max_depth: 1 });
    expect(pathsOf(run)).toEqual([
      "/",
      "/from-sitemap/1",
      "/from-sitemap/2",
      "/from-sitemap/3",
      "/members/join",
      "/members/list",
      "/members/secret",
      "/open",
      "/private/a",
    ]);
  });

  it("looks for /sitemap.xml when robots.txt names none", async () => {
    const run = await crawl({ urls: [bare.url], sitemap: "only" });
    expect(pathsOf(run)).toEqual(["/listed"]);
  });

  it("reads only the <loc>s of pages and of sitemaps, and survives a broken tail", () => {
    expect(parseSitemap(SITEMAP_PAGES)).toEqual({
      pages: ["/from-sitemap/1", "/from-sitemap/2", "http://elsewhere.invalid/off-site"],
      sitemaps: [],
    });
    expect(
      parseSitemap(
        "<urlset><url><loc>https://a.example/1</loc></url><url><loc>https://a.example/2</loc></url><url><lo",
      ),
    ).toEqual({
      pages: ["https://a.example/1", "https://a.example/2"],
      sitemaps: [],
    });
  });
});
