import type { PlatformCrawler } from "../types.js";
import { crawlWeb } from "./crawler.js";
import type { WebTaskParams } from "./schema.js";

export const webCrawler: PlatformCrawler<WebTaskParams> = {
  name: "web",
  crawl: (params, context) => crawlWeb(params, context),
};

export { webSpec, webTaskInput, type WebTaskParams, type WebTaskInput } from "./schema.js";
