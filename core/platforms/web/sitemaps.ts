/**
 * Sitemaps (sitemaps.org protocol 0.9): where a crawl with `sitemap: "include" | "only"`
 * gets its start pages from. Per start origin: the `Sitemap:` lines of its robots.txt, or
 * `/sitemap.xml` when there are none. Read with sax as a stream of tags: `<urlset>` gives
 * pages (`<url><loc>`), `<sitemapindex>` more sitemaps (`<sitemap><loc>`, followed
 * breadth-first); a gzipped file (`.xml.gz`, by its magic bytes, whatever its headers say)
 * is unzipped first, and a text sitemap (one URL per line) is read as such. `<loc>`s nested
 * elsewhere (image and video extensions) are not pages. Every fetch goes through the
 * crawl's egress policy and politeness slots; a sitemap that fails is logged and skipped.
 */
import { gunzipSync } from "node:zlib";
import sax from "sax";
import { safeFetch, type SafeFetchOptions } from "../../net/safeFetch.js";

/** The protocol's own limits: 50,000 URLs and 50 MB (uncompressed) per sitemap. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;
/** Sitemaps fetched per task at most (indexes included). */
export const MAX_SITEMAPS = 50;

export interface SitemapOptions {
  fetch: Pick<SafeFetchOptions, "policy" | "resolveHost" | "signal" | "headers"> & { timeoutMs: number };
  hostSlot?: ((url: string, signal: AbortSignal) => Promise<() => Promise<void>>) | undefined;
  /** Stop once this many page URLs were found. */
  maxUrls: number;
  /** The Sitemap lines of an origin's robots.txt. */
  robotsSitemaps?: (origin: string) => Promise<string[]>;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface SitemapFindings {
  /** Page URLs, in the order the sitemaps list them, without repeats. */
  urls: string[];
  /** Sitemaps read. */
  sitemaps: string[];
  /** Sitemaps that could not be read, with why. */
  failed: Array<{ url: string; reason: string }>;
}

/** The pages the sitemaps of `origins` list. */
export async function findSitemapUrls(origins: readonly string[], options: SitemapOptions): Promise<SitemapFindings> {
  const findings: SitemapFindings = { urls: [], sitemaps: [], failed: [] };
  const seenPages = new Set<string>();
  const queue: string[] = [];
  const queued = new Set<string>();
  const enqueue = (url: string) => {
    if (!queued.has(url)) {
      queued.add(url);
      queue.push(url);
    }
  };
  for (const origin of origins) {
    const listed = (await options.robotsSitemaps?.(origin).catch(() => [])) ?? [];
    if (listed.length > 0) listed.forEach(enqueue);
    else enqueue(`${origin}/sitemap.xml`);
  }
  while (
    queue.length > 0 &&
    findings.sitemaps.length + findings.failed.length < MAX_SITEMAPS &&
    findings.urls.length < options.maxUrls
  ) {
    const url = queue.shift() as string;
    let body: Buffer;
    try {
      body = await fetchSitemap(url, options);
    } catch (error) {
      options.fetch.signal?.throwIfAborted();
      const reason = error instanceof Error ? error.message : String(error);
      findings.failed.push({ url, reason });
      options.log?.("sitemap could not be read", { sitemap: url, reason });
      continue;
    }
    findings.sitemaps.push(url);
    const parsed = parseSitemap(body);
    for (const child of parsed.sitemaps) {
      const absolute = absoluteUrl(child, url);
      if (absolute !== undefined) enqueue(absolute);
    }
    for (const page of parsed.pages) {
      const absolute = absoluteUrl(page, url);
      if (absolute === undefined || seenPages.has(absolute)) continue;
      seenPages.add(absolute);
      findings.urls.push(absolute);
      if (findings.urls.length >= options.maxUrls) break;
    }
  }
  return findings;
}

async function fetchSitemap(url: string, options: SitemapOptions): Promise<Buffer> {
  const signal = options.fetch.signal ?? new AbortController().signal;
  const release = await options.hostSlot?.(url, signal);
  try {
    const answer = await safeFetch(url, { ...options.fetch, maxBytes: MAX_SITEMAP_BYTES });
    if (answer.status >= 400) throw new Error(`HTTP ${answer.status}`);
    if (answer.truncated) throw new Error(`larger than ${MAX_SITEMAP_BYTES} bytes`);
    // A .xml.gz is served as a gzip file (not Content-Encoding), so safeFetch left it zipped.
    if (answer.body[0] === 0x1f && answer.body[1] === 0x8b)
      return gunzipSync(answer.body, { maxOutputLength: MAX_SITEMAP_BYTES });
    return answer.body;
  } finally {
    await release?.().catch(() => undefined);
  }
}

/** The `<loc>`s of one sitemap file: pages of a `<urlset>`, sitemaps of a `<sitemapindex>`. */
export function parseSitemap(body: Buffer | string): { pages: string[]; sitemaps: string[] } {
  const text = (typeof body === "string" ? body : body.toString("utf8")).replace(/^\uFEFF/, "");
  if (!text.trimStart().startsWith("<")) {
    // A text sitemap: one URL per line.
    return {
      pages: text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => /^https?:\/\//i.test(line)),
      sitemaps: [],
    };
  }
  const pages: string[] = [];
  const sitemaps: string[] = [];
  const stack: string[] = [];
  let loc: string | undefined;
  const parser = sax.parser(true, { trim: true, normalize: true, lowercase: true });
  parser.onopentag = (tag) => {
    const name = tag.name.toLowerCase();
    stack.push(name);
    if (name === "loc") loc = "";
  };
  parser.ontext = (value) => {
    if (loc !== undefined) loc += value;
  };
  parser.oncdata = (value) => {
    if (loc !== undefined) loc += value.trim();
  };
  parser.onclosetag = () => {
    const name = stack.pop();
    if (name === "loc" && loc !== undefined) {
      const parent = stack.at(-1);
      if (parent === "url") pages.push(loc);
      else if (parent === "sitemap") sitemaps.push(loc);
      loc = undefined;
    }
  };
  // A broken tail still yields the <loc>s before it.
  parser.onerror = () => {
    parser.resume();
  };
  try {
    parser.write(text).close();
  } catch {
    // as above
  }
  return { pages, sitemaps };
}

function absoluteUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
