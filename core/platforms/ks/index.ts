import { mediaCrawler } from "../media/index.js";
import { ksPlatform } from "./crawler.js";

/** The crawler side of ks: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(ksPlatform);

export { ksPlatform } from "./crawler.js";
export { ksTaskInput, KS_SORTS, type KsTaskParams, type KsTaskInput } from "./schema.js";
export { classifyKsResponse, classifyKsPage, assertKsOk } from "./access.js";
export { ksContentRecord, ksCommentRecord, ksCreatorRecord } from "./items.js";
export { parseKsPhotoId, parseKsUserId } from "./ids.js";
export { KS_ENDPOINTS, KS_OPERATIONS, KS_SELECTORS } from "./site.js";
