import { mediaCrawler } from "../media/index.js";
import { wbPlatform } from "./crawler.js";

export const wbCrawler = mediaCrawler(wbPlatform);

export { wbPlatform } from "./crawler.js";
export {
  wbSpec,
  wbTaskInput,
  WB_SORTS,
  WB_SEARCH_TYPE,
  type WbSort,
  type WbTaskInput,
  type WbTaskParams,
} from "./schema.js";
export { WB_CONTENT_FIELDS, WB_COMMENT_FIELDS, WB_CREATOR_FIELDS } from "./items.js";
export { WB_BASE_URLS, WB_ENDPOINTS } from "./site.js";
