/**
 * `render` and the output formats, in real Chromium and over real HTTP against pages served
 * here: "never" reads over plain HTTP with no browser at all, "auto" renders only what
 * rendering changes (and renders again what it read too early), "always" renders every
 * page; `formats` and `only_main_content` give markdown, cleaned HTML, links and the main
 * content the same way whichever way a page was read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WarmBrowser } from "../../core/browser/index.js";
import { NO_BROWSER } from "../../core/browser/noBrowser.js";
import { resolveEgressPolicy } from "../../core/net/addressPolicy.js";
import { systemResolveHost } from "../../core/net/resolveTarget.js";
import { crawlWeb, type WebCrawlOptions } from "../../core/platforms/web/crawler.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import { startTestSite, type TestPages, type TestSite } from "../support/site.js";
import { expectItemsMatchSchemas } from "../support/itemSchemas.js";

const TITLED = `<!doctype html><html><head><title>Luna moth</title><meta property="og:title" content="Luna moth"></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><h1>Luna moth</h1><p>The luna moth is a pale green moth of North America. Its wingspan reaches eleven centimetres, and its hind wings end in long tails.</p></main>
<footer>© Moth society</footer></body></html>`;

let warm: WarmBrowser;
let site: TestSite;
/** Answers 403 to clients that do not send the fetch metadata a browser sends (a common bot wall). */
let guarded: { server: Server; url: string };

const ARTICLE = `<!doctype html><html><head><title>  Field guide
  to moths </title><meta name="description" content="All about moths"><style>.x{color:red}</style></head>
<body>
<header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><article>
<h1>Moths of the night</h1>
<p>Moths are insects related to butterflies. Most moths fly at night and rest during the day, hidden in bark and leaves. There are many more kinds of moth than of butterfly, and they are found on every continent except Antarctica.</p>
<h2>Where they live</h2>
<p>Moths live in forests, meadows and gardens. Some kinds live in houses, where their larvae eat wool. Read the <a href="/species?id=7">species list</a> for details about each kind and where it is found.</p>
<ul><li>Forests</li><li>Meadows</li></ul>
<table><thead><tr><th>Name</th><th>Wingspan</th></tr></thead><tbody><tr><td>Luna moth</td><td>11 cm</td></tr></tbody></table>
<pre><code>count = moths.filter(m =&gt; m.night).length</code></pre>
</article></main>
<aside>Related: <a href="/butterflies">Butterflies</a></aside>
<footer>© Moth society · <a href="/contact">Contact</a></footer>
<p hidden>never shown</p>
</body></html>`;

/** A page whose content only its script writes: over plain HTTP it says "loading". */
const shell = (title: string, marker: string) =>
  `<!doctype html><html><head><title>loading</title><script src="/app.js"></script></head><body><main id="app" data-title="${title}" data-marker="${marker}">loading</main></body></html>`;
const APP_JS = `addEventListener("DOMContentLoaded", () => { const app = document.getElementById("app"); document.title = app.dataset.title; app.textContent = app.dataset.marker; });`;

/** A blog post whose only script is analytics that changes nothing a reader sees. */
const post = (n: number) =>
  `<!doctype html><html><head><title>Post ${n}</title><script src="/analytics.js"></script></head><body><h1>Post ${n}</h1><p>Body of post ${n}.</p><a href="/blog/${n + 1}">next</a></body></html>`;
const ANALYTICS_JS = `window.dataLayer = [{ event: "view" }]; document.head.appendChild(document.createElement("meta")).name = "tracked";`;

/** News pages share one script, which adds comments only where the page has a comments box. */
const news = (n: number, comments: boolean) =>
  `<!doctype html><html><head><title>News ${n}</title><script src="/news.js" defer></script></head><body><h1>News ${n}</h1>${comments ? `<section id="comments"></section>` : ""}</body></html>`;
const NEWS_JS = `const box = document.getElementById("comments"); if (box) box.textContent = "comment marker " + document.title;`;

const PAGES: TestPages = {
  "/article": ARTICLE,
  "/titled": TITLED,
  "/app.js": { body: APP_JS, contentType: "text/javascript" },
  "/analytics.js": { body: ANALYTICS_JS, contentType: "text/javascript" },
  "/news.js": { body: NEWS_JS, contentType: "text/javascript" },
  "/notes.txt": { body: "plain\n  text file", contentType: "text/plain; charset=utf-8" },
  "/gone": { status: 404, body: "<!doctype html><title>Gone</title><p>not here</p>" },
  ...Object.fromEntries([1, 2, 3, 4].map((n) => [`/app/${n}`, shell(`App page ${n}`, `script marker ${n}`)])),
  ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`/blog/${i + 1}`, post(i + 1)])),
  // Pages 1–11 have no comments box; 12 has one, and so does 7 (read before anyone knew).
  ...Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`/news/${i + 1}`, news(i + 1, i + 1 === 7 || i + 1 === 12)]),
  ),
};

beforeAll(async () => {
  [warm, site] = [new WarmBrowser(), await startTestSite(PAGES)];
  const server = createServer((request, response) => {
    const browserLike = request.headers["sec-fetch-mode"] === "navigate";
    response.writeHead(browserLike ? 200 : 403, { "content-type": "text/html" });
    response.end(
      browserLike
        ? "<!doctype html><title>Welcome</title><p>past the wall</p>"
        : "<!doctype html><title>Forbidden</title><p>bots go away</p>",
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  guarded = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  await warm.browser();
});

afterAll(async () => {
  await warm?.close();
  await site?.close();
  await new Promise((resolve) => guarded?.server.close(resolve));
});

interface Run {
  items: ResultItem[];
  /** The last item per URL path (a page rendered again replaces its first item). */
  byPath: Map<string, ResultItem>;
  logs: Array<{ message: string; fields?: Record<string, unknown> }>;
  hostSlots: string[];
}

async function crawl(fields: Record<string, unknown>, options: WebCrawlOptions = {}, withBrowser = true): Promise<Run> {
  const { platform: _platform, ...params } = webTaskInput.parse({ platform: "web", crawler_type: "detail", ...fields });
  const browser = withBrowser ? await warm.newTaskContext() : NO_BROWSER;
  const run: Run = { items: [], byPath: new Map(), logs: [], hostSlots: [] };
  const context: CrawlContext = {
    taskId: "t",
    browser,
    signal: new AbortController().signal,
    isCancelled: async () => false,
    log: (message, logFields) => run.logs.push({ message, ...(logFields ? { fields: logFields } : {}) }),
    acquireHostSlot: async (url) => {
      run.hostSlots.push(new URL(url).pathname);
      return async () => undefined;
    },
  };
  try {
    for await (const item of crawlWeb(params, context, options)) {
      run.items.push(item);
      run.byPath.set(new URL(item.data.url as string).pathname, item);
    }
  } finally {
    await browser.close();
  }
  expectItemsMatchSchemas(run.items, params);
  return run;
}

const urls = (...paths: string[]) => paths.map((path) => site.urlFor(path));

describe('render "never"', () => {
  it("reads a page over plain HTTP without any browser, with the fields a rendered page has", async () => {
    const run = await crawl(
      { urls: urls("/article"), render: "never", selectors: { heading: "h1", species: "a[href*=species]@href" } },
      {},
      false,
    );
    const item = run.byPath.get("/article")!;
    expect(item.ok).toBe(true);
    expect(item.data).toMatchObject({
      status: 200,
      title: "Field guide to moths",
      description: "All about moths",
      rendered: false,
      settle_ms: null,
      error: null,
      heading: "Moths of the night",
      species: "/species?id=7",
      truncated: false,
      truncated_fields: [],
    });
    const text = item.data.text as string;
    expect(text).toContain("Moths of the night Moths are insects");
    expect(text).toContain("Luna moth 11 cm");
    expect(text).not.toContain("never shown");
    expect(text).not.toContain("color:red");
    expect(item.data.links).toBe(5);
    // The politeness slot is taken for the page, as a browser page takes it (and for robots.txt before it).
    expect(run.hostSlots).toEqual(["/robots.txt", "/article"]);
  });

  it("reads a script-rendered page as its HTML says (scripts never run without a browser)", async () => {
    const item = (await crawl({ urls: urls("/app/1"), render: "never" }, {}, false)).byPath.get("/app/1")!;
    expect(item.data).toMatchObject({ title: "loading", text: "loading", rendered: false });
  });

  it("gives HTTP errors, text files and refused targets the codes a rendered page gets", async () => {
    const run = await crawl({ urls: urls("/gone", "/notes.txt"), render: "never" }, {}, false);
    expect(run.byPath.get("/gone")).toMatchObject({
      ok: false,
      data: { status: 404, title: "Gone", text: "not here", error: { code: "HTTP_404" } },
    });
    expect(run.byPath.get("/notes.txt")).toMatchObject({
      ok: true,
      data: { text: "plain text file", content_type: "text/plain; charset=utf-8" },
    });

    // The egress policy of the task's browser: the test site's port only. Another loopback port is refused before connecting.
    const other = createServer((_request, response) => response.end("secret"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    let reached = 0;
    other.on("request", () => (reached += 1));
    try {
      const port = (other.address() as AddressInfo).port;
      const policy = resolveEgressPolicy({
        allowPrivate: false,
        allowTargets: [`127.0.0.1:${new URL(site.origin).port}`],
      });
      const refused = await crawl(
        { urls: [`http://127.0.0.1:${port}/`, site.urlFor("/article")], render: "never" },
        { egress: { policy, resolveHost: systemResolveHost } },
        false,
      );
      expect(refused.items.find((item) => item.data.url === `http://127.0.0.1:${port}/`)).toMatchObject({
        ok: false,
        data: { status: null, error: { code: "BLOCKED_TARGET" } },
      });
      expect(refused.byPath.get("/article")?.ok).toBe(true);
      expect(reached).toBe(0);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("refuses wait_for, which needs a browser", () => {
    const parsed = webTaskInput.safeParse({
      platform: "web",
      crawler_type: "detail",
      urls: [site.url],
      render: "never",
      wait_for: "#app",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["wait_for"] });
  });
});

describe("formats and only_main_content", () => {
  const formats = ["text", "markdown", "html", "links"];

  it("gives markdown with headings, lists, links, tables and code; cleaned HTML; absolute links with their text", async () => {
    const item = (await crawl({ urls: urls("/article"), render: "never", formats })).byPath.get("/article")!;
    const markdown = item.data.markdown as string;
    expect(markdown).toContain("# Moths of the night");
    expect(markdown).toContain("## Where they live");
    expect(markdown).toContain("- Forests");
    expect(markdown).toContain(`[species list](${site.urlFor("/species?id=7")})`);
    expect(markdown).toMatch(/\| Name \| Wingspan \|\n\| --- \| --- \|\n\| Luna moth \| 11 cm \|/);
    expect(markdown).toContain("```\ncount = moths.filter(m => m.night).length\n```");
    const html = item.data.html as string;
    expect(html).toContain("<h1>Moths of the night</h1>");
    expect(html).not.toMatch(/<script|<style|never shown/);
    expect(item.data.link_list).toEqual([
      { url: site.urlFor("/"), text: "Home" },
      { url: site.urlFor("/about"), text: "About" },
      { url: site.urlFor("/species?id=7"), text: "species list" },
      { url: site.urlFor("/butterflies"), text: "Butterflies" },
      { url: site.urlFor("/contact"), text: "Contact" },
    ]);
  });

  it("gives the same formats from a rendered page", async () => {
    const never = (await crawl({ urls: urls("/article"), render: "never", formats })).byPath.get("/article")!;
    const always = (await crawl({ urls: urls("/article"), render: "always", formats })).byPath.get("/article")!;
    expect(always.data.rendered).toBe(true);
    expect(always.data.markdown).toBe(never.data.markdown);
    expect(always.data.link_list).toEqual(never.data.link_list);
    expect(always.data.title).toBe(never.data.title);
  });

  it("with only_main_content, drops navigation, banners, sidebars and footers from every format", async () => {
    for (const render of ["never", "always"]) {
      const item = (await crawl({ urls: urls("/article"), render, formats, only_main_content: true })).byPath.get(
        "/article",
      )!;
      const text = item.data.text as string;
      expect(text, render).toContain("Moths are insects related to butterflies");
      for (const chrome of ["We use cookies", "Moth society", "Related:"]) {
        expect(text, render).not.toContain(chrome);
        expect(item.data.markdown as string, render).not.toContain(chrome);
      }
      expect(
        (item.data.link_list as Array<{ text: string }>).map((link) => link.text),
        render,
      ).toEqual(["species list"]);
      // The page's own heading, as a person sees it (Readability alone would drop or demote it).
      expect(item.data.markdown as string, render).toMatch(/^# Moths of the night\n/);
      expect(item.data.markdown as string, render).toContain("\n## Where they live\n");
    }
  });

  it("with only_main_content, keeps a heading that repeats the page's title", async () => {
    const item = (
      await crawl({ urls: urls("/titled"), render: "never", formats: ["markdown"], only_main_content: true })
    ).byPath.get("/titled")!;
    expect(item.data.markdown).toBe(
      "# Luna moth\n\nThe luna moth is a pale green moth of North America. Its wingspan reaches eleven centimetres, and its hind wings end in long tails.",
    );
  });

  it("cuts each format at the size limit and names what was cut", async () => {
    const item = (await crawl({ urls: urls("/article"), render: "never", formats }, { maxTextChars: 150 })).byPath.get(
      "/article",
    )!;
    expect(item.data.truncated).toBe(true);
    expect(item.data.truncated_fields).toEqual(["text", "markdown", "html", "link_list"]);
    expect((item.data.markdown as string).length).toBeLessThanOrEqual(150);
  });

  it("leaves text out when the formats do not ask for it", async () => {
    const item = (await crawl({ urls: urls("/article"), render: "never", formats: ["markdown"] })).byPath.get(
      "/article",
    )!;
    expect(item.data.text).toBeNull();
    expect(item.data).not.toHaveProperty("html");
    expect(item.data.markdown).toContain("# Moths of the night");
  });
});

describe('render "auto"', () => {
  // One page at a time, so the order pages are decided in (and what the test expects) is fixed.
  const oneAtATime: WebCrawlOptions = { httpConcurrency: 1, pageConcurrency: 1 };

  it("reads pages without scripts over HTTP, renders script-rendered pages, and learns that analytics changes nothing", async () => {
    const blog = Array.from({ length: 14 }, (_, i) => `/blog/${i + 1}`);
    const run = await crawl({ urls: urls("/article", "/app/1", "/app/2", "/app/3", "/app/4", ...blog) }, oneAtATime);
    expect(run.byPath.get("/article")?.data.rendered).toBe(false);
    for (const n of [1, 2, 3, 4]) {
      expect(run.byPath.get(`/app/${n}`)?.data, `/app/${n}`).toMatchObject({
        rendered: true,
        title: `App page ${n}`,
        text: `script marker ${n}`,
      });
    }
    // Blog posts: the first two rendered and compared, then over HTTP, the 10th after those compared again.
    const rendered = blog.filter((path) => run.byPath.get(path)?.data.rendered === true);
    expect(rendered).toEqual(["/blog/1", "/blog/2", "/blog/12"]);
    for (const path of blog)
      expect(run.byPath.get(path)?.data.text, path).toMatch(/^Post \d+ Body of post \d+\. next$/);
    // Compared: /app/1 (rendering changes it) and blog posts 1, 2 and 12 (it does not).
    expect(run.logs.find((line) => line.message === "render auto: how pages were read")?.fields).toMatchObject({
      compared: 4,
      disagreed: 1,
      rerendered: 0,
    });
  });

  it("renders again, when a re-check finds rendering changes a kind of page, the pages of that kind it read over HTTP", async () => {
    const paths = Array.from({ length: 12 }, (_, i) => `/news/${i + 1}`);
    const run = await crawl({ urls: urls(...paths) }, oneAtATime);
    // 1 and 2 agree: trusted. 3–11 over HTTP. 12 is the re-check: its comments differ, so 3–11 are rendered again.
    expect(run.byPath.get("/news/12")?.data).toMatchObject({ rendered: true, text: "News 12 comment marker News 12" });
    expect(run.byPath.get("/news/7")?.data).toMatchObject({ rendered: true, text: "News 7 comment marker News 7" });
    const replaced = run.items
      .filter((item) => item.replaces === true)
      .map((item) => new URL(item.data.url as string).pathname);
    expect(replaced).toEqual(paths.slice(2, 11));
    // One item per page counts; the replacements are stored over them.
    expect(run.items.filter((item) => item.replaces !== true)).toHaveLength(12);
  });

  it("renders a page that plain HTTP is refused (a bot wall) and a browser is let through", async () => {
    const run = await crawl({ urls: [guarded.url] });
    expect(run.items[0]?.data).toMatchObject({ status: 200, title: "Welcome", rendered: true, error: null });
  });
});
