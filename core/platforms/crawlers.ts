import { NonRetryableCrawlError } from "../errors.js";
import type { PlatformCrawler, PlatformName } from "./types.js";
import { webCrawler } from "./web/index.js";

/** The crawler side of each platform; only the crawler function imports this. */
const crawlers = new Map<PlatformName, PlatformCrawler>([["web", webCrawler as unknown as PlatformCrawler]]);

export function getCrawler(name: PlatformName): PlatformCrawler {
  const crawler = crawlers.get(name);
  if (crawler === undefined) throw new NonRetryableCrawlError("PLATFORM_UNAVAILABLE", `no crawler for platform "${name}"`);
  return crawler;
}
