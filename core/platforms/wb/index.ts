import { mediaCrawler } from "../media/index.js";
import { wbPlatform } from "./crawler.js";

/** The crawler side of wb: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(wbPlatform);

export { wbPlatform } from "./crawler.js";
export {
  wbTaskInput,
  WB_SORTS,
  WB_SEARCH_TYPE,
  type WbSort,
  type WbTaskInput,
  type WbTaskParams,
} from "./schema.js";
export { WB_CONTENT_FIELDS, WB_COMMENT_FIELDS, WB_CREATOR_FIELDS } from "./items.js";
export { WB_BASE_URLS, WB_ENDPOINTS } from "./site.js";
