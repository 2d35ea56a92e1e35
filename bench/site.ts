import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The generated site every engine crawls: `pages` HTML pages on 127.0.0.1, page 0 at `/`,
 * page i at `/p/<i>`. Page i links to its parent and to its children 8i+1 … 8i+8, plus one
 * cross link, so a breadth-first crawl from `/` reaches every page within
 * `ceil(log8(pages)) + 1` levels (500 pages: depth 3).
 *
 * - Every page has an image of its own (`/img/<i>.png`, {@link IMAGE_BYTES} bytes, never cached).
 * - One page in `jsEvery` is rendered by an inline script: its text and links only exist
 *   after the script ran (still before the `load` event).
 * - One page in `slowEvery` answers after `slowDelayMs`.
 */

export interface BenchSiteOptions {
  /** Number of HTML pages. @default 500 */
  pages?: number;
  /** One page in this many is rendered by JavaScript; 0: none (a static site). @default 5 */
  jsEvery?: number;
  /** One page in this many is slow. @default 50 */
  slowEvery?: number;
  /** How long a slow page takes to answer. @default 300 */
  slowDelayMs?: number;
}

export const benchSiteDefaults = {
  pages: 500,
  jsEvery: 5,
  slowEvery: 50,
  slowDelayMs: 300,
} as const satisfies Required<BenchSiteOptions>;

export interface BenchSite {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  pages: number;
  /** Depth of the deepest page from `/`: what max_depth must be at least. */
  maxDepth: number;
  /** HTML pages and images served so far. */
  counts: { html: number; images: number };
  close(): Promise<void>;
}

/** In every page's text; on a script-rendered page only once its script ran (what render "auto" must not lose). */
export const BENCH_MARKER = "of the benchmark site";

/** Size of each page's image: a PNG header and padding, enough for blocking to matter. */
export const IMAGE_BYTES = 30_000;
const FAN_OUT = 8;

const PNG_HEADER = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const IMAGE = Buffer.concat([PNG_HEADER, Buffer.alloc(IMAGE_BYTES - PNG_HEADER.length)]);

const pathOf = (i: number): string => (i === 0 ? "/" : `/p/${i}`);

function depthOf(i: number): number {
  let depth = 0;
  for (let n = i; n > 0; n = Math.floor((n - 1) / FAN_OUT)) depth += 1;
  return depth;
}

function linksOf(i: number, pages: number): number[] {
  const children = Array.from({ length: FAN_OUT }, (_, k) => i * FAN_OUT + 1 + k).filter((c) => c < pages);
  const parent = i === 0 ? [] : [Math.floor((i - 1) / FAN_OUT)];
  return [...parent, ...children, (i * 7 + 3) % pages];
}

function pageHtml(i: number, settings: Required<BenchSiteOptions>): string {
  const links = linksOf(i, settings.pages).map((n) => ({ href: pathOf(n), text: `Page ${n}` }));
  const paragraph = `Page ${i} ${BENCH_MARKER}. `.repeat(40);
  const head = `<!doctype html><html><head><title>Bench page ${i}</title><meta name="description" content="page ${i}"></head>`;
  const image = `<img src="/img/${i}.png" width="200" height="150" alt="">`;
  if (settings.jsEvery > 0 && i % settings.jsEvery === settings.jsEvery - 1) {
    // Text and links exist only once this script ran.
    const data = JSON.stringify({ paragraph, links });
    return `${head}<body><h1>Bench page ${i}</h1>${image}<main id="app"></main><script>
const d = ${data}; const app = document.getElementById("app");
const p = document.createElement("p"); p.textContent = d.paragraph; app.appendChild(p);
for (const l of d.links) { const a = document.createElement("a"); a.href = l.href; a.textContent = l.text; app.appendChild(a); }
</script></body></html>`;
  }
  const anchors = links.map((l) => `<a href="${l.href}">${l.text}</a>`).join(" ");
  return `${head}<body><h1>Bench page ${i}</h1>${image}<p>${paragraph}</p><nav>${anchors}</nav></body></html>`;
}

/**
 * Starts the site; the caller closes it.
 *
 * @example
 * const site = await startBenchSite({ pages: 60 });
 * try { ... crawl site.url ... } finally { await site.close(); }
 */
export async function startBenchSite(options: BenchSiteOptions = {}): Promise<BenchSite> {
  const settings = { ...benchSiteDefaults, ...options };
  const counts = { html: 0, images: 0 };
  const html = Array.from({ length: settings.pages }, (_, i) => Buffer.from(pageHtml(i, settings)));

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const image = /^\/img\/(\d+)\.png$/.exec(path);
    if (image !== null) {
      counts.images += 1;
      response.writeHead(200, {
        "content-type": "image/png",
        "cache-control": "no-store",
        "content-length": IMAGE.length,
      });
      response.end(IMAGE);
      return;
    }
    const match = path === "/" ? ["", "0"] : /^\/p\/(\d+)$/.exec(path);
    const i = match === null ? -1 : Number(match[1]);
    const body = html[i];
    if (body === undefined) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    counts.html += 1;
    const send = (): void => {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-length": body.length,
      });
      response.end(body);
    };
    if (i % settings.slowEvery === settings.slowEvery - 1) setTimeout(send, settings.slowDelayMs);
    else send();
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    pages: settings.pages,
    maxDepth: depthOf(settings.pages - 1),
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
