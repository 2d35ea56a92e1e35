import { mediaCrawler } from "../media/index.js";
import { tiebaPlatform } from "./crawler.js";

/** 百度贴吧: threads (帖子) and their floors (楼层) with replies (楼中楼). */
export const tiebaCrawler = mediaCrawler(tiebaPlatform);

export { tiebaPlatform } from "./crawler.js";
export { tiebaSpec, tiebaTaskInput, TIEBA_SORTS, type TiebaTaskInput, type TiebaTaskParams } from "./schema.js";
export { TIEBA_COMMENT_FIELDS, TIEBA_CONTENT_FIELDS } from "./items.js";
