import { mediaCrawler } from "../media/index.js";
import { xhsPlatform } from "./crawler.js";

/** The crawler side of xhs: the `crawler` core/platforms/crawlers.ts loads by the folder's name. */
export const crawler = mediaCrawler(xhsPlatform);

export { xhsPlatform } from "./crawler.js";
export { xhsTaskInput, XHS_SORTS, type XhsTaskInput, type XhsTaskParams } from "./schema.js";
export { classifyXhsPage, classifyXhsResponse } from "./access.js";
export { parseCreatorRef, parseNoteRef, type XhsRef } from "./ids.js";
