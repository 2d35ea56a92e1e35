import { mediaCrawler } from "../media/index.js";
import { tiebaPlatform } from "./crawler.js";

/** The crawler side of tieba: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(tiebaPlatform);

export { tiebaPlatform } from "./crawler.js";
export { tiebaTaskInput, TIEBA_SORTS, type TiebaTaskInput, type TiebaTaskParams } from "./schema.js";
export { TIEBA_COMMENT_FIELDS, TIEBA_CONTENT_FIELDS } from "./items.js";
