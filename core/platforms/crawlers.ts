import { NonRetryableCrawlError } from "../errors.js";
import { isPlatformName, type PlatformName } from "./registry.js";
import type { PlatformCrawler } from "./types.js";

/**
 * The crawler side of a platform: the `crawler` its folder's index.ts exports. Only the
 * crawler function calls this. The folder is found by the platform's name, so registering a
 * platform is one line in registry.ts and nothing here: esbuild bundles every
 * `core/platforms/<folder>/index.ts` this import pattern matches into the crawler's artifact
 * (its glob-style dynamic imports, https://esbuild.github.io/api/#glob), and tsx / vitest
 * import the file. The API's bundle never imports this module, so it carries no crawling code.
 */
export async function loadCrawler(name: string): Promise<PlatformCrawler> {
  // A stored task is read back untyped: its platform may be one this build does not know.
  if (!isPlatformName(name)) throw unavailable(name, "this build does not know it");
  const entry: Record<string, unknown> = await import(`./${name}/index.ts`);
  const crawler = entry.crawler;
  if (!isCrawlerOf(name, crawler)) throw unavailable(name, `${name}/index.ts exports no crawler named "${name}"`);
  return crawler;
}

function isCrawlerOf(name: PlatformName, value: unknown): value is PlatformCrawler {
  return (
    typeof value === "object" &&
    value !== null &&
    "name" in value &&
    value.name === name &&
    "crawl" in value &&
    typeof value.crawl === "function"
  );
}

function unavailable(name: string, why: string): NonRetryableCrawlError {
  return new NonRetryableCrawlError("PLATFORM_UNAVAILABLE", `no crawler for platform "${name}": ${why}`);
}
