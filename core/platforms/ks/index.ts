import { mediaCrawler } from "../media/index.js";
import { ksPlatform } from "./crawler.js";

export const ksCrawler = mediaCrawler(ksPlatform);

export { ksPlatform } from "./crawler.js";
export { ksSpec, ksTaskInput, KS_SORTS, type KsTaskParams, type KsTaskInput } from "./schema.js";
export { classifyKsResponse, classifyKsPage, assertKsOk } from "./access.js";
export { ksContentRecord, ksCommentRecord, ksCreatorRecord } from "./items.js";
export { parseKsPhotoId, parseKsUserId } from "./ids.js";
export { KS_ENDPOINTS, KS_OPERATIONS, KS_SELECTORS } from "./site.js";
