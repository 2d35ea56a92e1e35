import { mediaCrawler } from "../media/index.js";
import { biliPlatform } from "./crawler.js";

/** The crawler side of bili: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(biliPlatform);

export { biliPlatform } from "./crawler.js";
export {
  biliTaskInput,
  BILI_SORTS,
  type BiliSort,
  type BiliTaskInput,
  type BiliTaskParams,
} from "./schema.js";
export { BILI_CONTENT_FIELDS, BILI_COMMENT_FIELDS, BILI_CREATOR_FIELDS } from "./items.js";
export { BILI_BASE_URLS, BILI_ENDPOINTS } from "./site.js";
