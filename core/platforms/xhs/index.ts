import { mediaCrawler } from "../media/index.js";
import { xhsPlatform } from "./crawler.js";

/** The crawler side of xhs, for core/platforms/crawlers.ts. */
export const xhsCrawler = mediaCrawler(xhsPlatform);

export { xhsPlatform } from "./crawler.js";
export { xhsSpec, xhsTaskInput, XHS_SORTS, type XhsTaskInput, type XhsTaskParams } from "./schema.js";
export { classifyXhsPage, classifyXhsResponse } from "./access.js";
export { parseCreatorRef, parseNoteRef, type XhsRef } from "./ids.js";
