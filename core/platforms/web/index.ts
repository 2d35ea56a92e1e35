import type { PlatformCrawler } from "../types.js";
import { crawlWeb } from "./crawler.js";
import type { WebTaskParams } from "./schema.js";

/** The crawler side of the web platform: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler: PlatformCrawler<WebTaskParams> = {
  name: "web",
  crawl: (params, context) => crawlWeb(params, context),
  // render "never": plain HTTP only; "auto": Chromium once a page needs it. Tasks stored before `render` existed were rendered.
  browserUse: (params) =>
    (({ never: "never", auto: "on-demand", always: "always" }) as const)[params.render ?? "always"],
};

export { webTaskInput, type WebTaskParams, type WebTaskInput } from "./schema.js";
