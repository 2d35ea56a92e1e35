import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small website on 127.0.0.1 for crawler tests: real HTTP, real links, no internet.
 *
 * The default site (see {@link DEFAULT_SITE_PAGES}) has: an index linking to several
 * pages, a link chain deep enough for max_depth, a page whose text only exists after
 * its script ran, a 404 link, a link to another origin (a second server, another
 * port), a `<meta name="description">`, images on pages (blocked images never reach
 * `requests`), a duplicate link with a #fragment, two query-string pages, and two
 * pages reachable only by their URL: `/slow` (answers after `slowPageDelayMs`) and
 * `/old-about` (301 to `/about`).
 *
 * @example
 * const site = await startTestSite();
 * try { ... crawl site.url ...; expect(site.requests).not.toContain("/img/logo.png"); }
 * finally { await site.close(); }
 */

/** A page served by the site; a plain string is an HTML page with status 200. */
export interface TestPage {
  /** A Buffer is sent as it is (a gzipped sitemap). */
  body: string | Buffer;
  /** @default 200 */
  status?: number;
  /** @default "text/html; charset=utf-8" */
  contentType?: string;
  /** Wait this long before answering. @default 0 */
  delayMs?: number;
  headers?: Record<string, string>;
}

/** Pages keyed by path (pathname + search, e.g. `/products?id=1`). */
export type TestPages = Record<string, TestPage | string>;

/** Builds pages from the origins the site got, for links that need absolute URLs. */
export type TestPagesFactory = (origins: { origin: string; externalOrigin: string }) => TestPages;

export interface TestSiteOptions {
  /** How long `/slow` takes to answer. @default 2_000 */
  slowPageDelayMs?: number;
}

export interface TestSite {
  /** The index URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Absolute URL of a path on this site. */
  urlFor(path: string): string;
  /** Paths (pathname + search) requested from this site, in arrival order, images included. */
  requests: string[];
  /** The same requests with when each arrived and when its answer was sent (epoch ms), for timing tests. */
  requestTimes: Array<{ path: string; arrivedAt: number; answeredAt?: number }>;
  /** Reachable HTML pages of the site (linked from the index, directly or not), 404 page included. */
  pagePaths: string[];
  /** The other-origin server the default site links to. */
  external: { origin: string; url: string; requests: string[] };
  close(): Promise<void>;
}

/** A 1×1 transparent PNG, so image requests get a real image. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/** The default site's pages reachable by links, with their link depth from `/`. */
export const DEFAULT_SITE_PAGES = [
  { path: "/", depth: 0, status: 200, title: "Test site home" },
  { path: "/about", depth: 1, status: 200, title: "About us" },
  { path: "/js-rendered", depth: 1, status: 200, title: "Rendered by script" },
  { path: "/missing", depth: 1, status: 404, title: "Not found" },
  { path: "/products?id=1", depth: 1, status: 200, title: "Product 1" },
  { path: "/products?id=2", depth: 1, status: 200, title: "Product 2" },
  { path: "/chain/1", depth: 1, status: 200, title: "Chain 1" },
  { path: "/chain/2", depth: 2, status: 200, title: "Chain 2" },
  { path: "/chain/3", depth: 3, status: 200, title: "Chain 3" },
  { path: "/chain/4", depth: 4, status: 200, title: "Chain 4" },
] as const;

/** Text the /js-rendered page only has after its script ran. */
export const JS_RENDERED_TEXT = "This paragraph was made by JavaScript";
/** Text that appears on /js-rendered 300 ms after load (for wait_for). */
export const JS_LATE_TEXT = "Late content arrived";

const layout = (title: string, body: string, head = ""): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

function defaultPages({ externalOrigin }: { origin: string; externalOrigin: string }): TestPages {
  const chain = (n: number): string =>
    layout(`Chain ${n}`, `<h1>Chain ${n}</h1>${n < 4 ? `<a href="/chain/${n + 1}">next</a>` : "<p>end of chain</p>"}`);
  return {
    "/": layout(
      "Test site home",
      `<h1>Welcome</h1>
       <img src="/img/logo.png" alt="logo">
       <nav>
         <a href="/about">About</a>
         <a href="/about#team">About (team section, same page)</a>
         <a href="/js-rendered">Rendered</a>
         <a href="/chain/1">Chain</a>
         <a href="/missing">Broken link</a>
         <a href="/products?id=1">Product 1</a>
         <a href="/products?id=2">Product 2</a>
         <a href="${externalOrigin}/external">Elsewhere</a>
         <a href="mailto:someone@example.com">Mail</a>
       </nav>`,
      '<meta name="description" content="A site for crawler tests">',
    ),
    "/about": layout(
      "About us",
      `<h1 class="headline">  About   us  </h1>
       <img src="/img/team.png" alt="team">
       <p id="team">We test crawlers.</p>
       <span class="price"> 42 EUR </span>
       <a class="next" href="/chain/1">Read on</a>
       <a href="/">Home</a>`,
      '<meta name="description" content="Who we are">',
    ),
    "/js-rendered": layout(
      "Rendered by script",
      `<div id="app"></div>
       <script>
         document.addEventListener("DOMContentLoaded", () => {
           const p = document.createElement("p");
           p.id = "js-made";
           p.textContent = ${JSON.stringify(JS_RENDERED_TEXT)};
           document.getElementById("app").appendChild(p);
           setTimeout(() => {
             const late = document.createElement("p");
             late.id = "late";
             late.textContent = ${JSON.stringify(JS_LATE_TEXT)};
             document.body.appendChild(late);
           }, 300);
         });
       </script>`,
    ),
    "/missing": { status: 404, body: layout("Not found", '<h1>404 Not found</h1><a href="/never-followed">x</a>') },
    "/products?id=1": layout("Product 1", `<h1>Product 1</h1><img src="/img/p1.png"><a href="/">Home</a>`),
    "/products?id=2": layout("Product 2", `<h1>Product 2</h1><a href="/">Home</a>`),
    // Not linked from anywhere: reached by URL to test redirects.
    "/old-about": { status: 301, headers: { location: "/about" }, body: "" },
    "/chain/1": chain(1),
    "/chain/2": chain(2),
    "/chain/3": chain(3),
    "/chain/4": chain(4),
  };
}

/**
 * Starts the site (and its external-origin twin) on random ports of 127.0.0.1.
 * `pages` replaces the default site; `pagePaths` then lists its keys.
 */
export async function startTestSite(
  pages?: TestPages | TestPagesFactory,
  options: TestSiteOptions = {},
): Promise<TestSite> {
  const slowPageDelayMs = options.slowPageDelayMs ?? 2_000;
  const requests: string[] = [];
  const requestTimes: TestSite["requestTimes"] = [];
  const externalRequests: string[] = [];

  const external = await listen((request, response) => {
    externalRequests.push(request.url ?? "");
    send(response, { body: layout("External", "<h1>Another origin</h1>") });
  });
  const externalOrigin = `http://127.0.0.1:${port(external)}`;

  let routes: TestPages = {};
  const main = await listen((request, response) => {
    const path = request.url ?? "/";
    requests.push(path);
    const timing: TestSite["requestTimes"][number] = { path, arrivedAt: Date.now() };
    requestTimes.push(timing);
    response.once("finish", () => (timing.answeredAt = Date.now()));
    if (path.startsWith("/img/")) return send(response, { body: "", contentType: "image/png" }, PNG);
    if (path === "/slow")
      return send(response, { body: layout("Slow page", "<p>finally</p>"), delayMs: slowPageDelayMs });
    const page = routes[path] ?? routes[new URL(path, "http://x").pathname];
    if (page === undefined) return send(response, { status: 404, body: layout("Not found", "<h1>404</h1>") });
    send(response, typeof page === "string" ? { body: page } : page);
  });
  const origin = `http://127.0.0.1:${port(main)}`;

  const origins = { origin, externalOrigin };
  routes = pages === undefined ? defaultPages(origins) : typeof pages === "function" ? pages(origins) : pages;

  return {
    url: `${origin}/`,
    origin,
    urlFor: (path) => new URL(path, origin).href,
    requests,
    requestTimes,
    pagePaths: pages === undefined ? DEFAULT_SITE_PAGES.map((page) => page.path) : Object.keys(routes),
    external: { origin: externalOrigin, url: `${externalOrigin}/external`, requests: externalRequests },
    close: async () => {
      await Promise.all([stop(main), stop(external)]);
    },
  };
}

function send(response: ServerResponse, page: TestPage, binary?: Buffer): void {
  const write = (): void => {
    if (response.destroyed) return;
    response.writeHead(page.status ?? 200, {
      "content-type": page.contentType ?? "text/html; charset=utf-8",
      "cache-control": "no-store",
      ...page.headers,
    });
    response.end(binary ?? page.body);
  };
  if (page.delayMs !== undefined && page.delayMs > 0) setTimeout(write, page.delayMs).unref();
  else write();
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return server;
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  // Chromium keeps connections alive; without this close() would wait for them.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
