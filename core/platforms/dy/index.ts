import { mediaCrawler } from "../media/index.js";
import { dyPlatform } from "./crawler.js";

/** The crawler side of dy: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(dyPlatform);

export { dyPlatform } from "./crawler.js";
export {
  dyTaskInput,
  DY_SORTS,
  DY_SORT_TYPE,
  DY_PUBLISH_TIMES,
  type DyTaskParams,
  type DyTaskInput,
} from "./schema.js";
export { classifyDyResponse, classifyDyPage, dyBodyOf } from "./access.js";
export { dyContentRecord, dyCommentRecord, dyCreatorRecord } from "./items.js";
export { parseDyAwemeId, parseDySecUserId } from "./ids.js";
export { dyStreamDocs, dyStreamPage } from "./shapes.js";
export { DY_ENDPOINTS, DY_SELECTORS, DY_COMMON_PARAMS } from "./site.js";
