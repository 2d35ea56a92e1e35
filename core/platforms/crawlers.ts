import { NonRetryableCrawlError } from "../errors.js";
import type { PlatformCrawler, PlatformName } from "./types.js";
import { biliCrawler } from "./bili/index.js";
import { dyCrawler } from "./dy/index.js";
import { ksCrawler } from "./ks/index.js";
import { tiebaCrawler } from "./tieba/index.js";
import { webCrawler } from "./web/index.js";
import { wbCrawler } from "./wb/index.js";
import { xhsCrawler } from "./xhs/index.js";
import { zhihuCrawler } from "./zhihu/index.js";

/**
 * The crawler side of each platform; only the crawler function imports this. A Record, so
 * a platform added to PLATFORM_NAMES without its crawler does not compile.
 */
const crawlers: Record<PlatformName, PlatformCrawler> = {
  web: webCrawler as unknown as PlatformCrawler,
  xhs: xhsCrawler as unknown as PlatformCrawler,
  dy: dyCrawler as unknown as PlatformCrawler,
  ks: ksCrawler as unknown as PlatformCrawler,
  bili: biliCrawler as unknown as PlatformCrawler,
  wb: wbCrawler as unknown as PlatformCrawler,
  tieba: tiebaCrawler as unknown as PlatformCrawler,
  zhihu: zhihuCrawler as unknown as PlatformCrawler,
};

export function getCrawler(name: PlatformName): PlatformCrawler {
  // A stored task is read back untyped: its platform may be one this build does not know.
  const crawler = Object.hasOwn(crawlers, name) ? crawlers[name] : undefined;
  if (crawler === undefined)
    throw new NonRetryableCrawlError("PLATFORM_UNAVAILABLE", `no crawler for platform "${name}"`);
  return crawler;
}
