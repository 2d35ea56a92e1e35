import { mediaCrawler } from "../media/index.js";
import { zhihuPlatform } from "./crawler.js";

/** The crawler side of zhihu: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(zhihuPlatform);

export { zhihuPlatform } from "./crawler.js";
export { zhihuTaskInput, ZHIHU_SORTS, type ZhihuTaskInput, type ZhihuTaskParams } from "./schema.js";
export { ZHIHU_COMMENT_FIELDS, ZHIHU_CONTENT_FIELDS, ZHIHU_CREATOR_FIELDS } from "./items.js";
