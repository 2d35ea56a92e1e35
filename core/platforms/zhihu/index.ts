import { mediaCrawler } from "../media/index.js";
import { zhihuPlatform } from "./crawler.js";

/** 知乎: answers, articles and videos with their comments and replies. */
export const zhihuCrawler = mediaCrawler(zhihuPlatform);

export { zhihuPlatform } from "./crawler.js";
export { zhihuSpec, zhihuTaskInput, ZHIHU_SORTS, type ZhihuTaskInput, type ZhihuTaskParams } from "./schema.js";
export { ZHIHU_COMMENT_FIELDS, ZHIHU_CONTENT_FIELDS, ZHIHU_CREATOR_FIELDS } from "./items.js";
