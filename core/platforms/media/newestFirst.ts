import type { MediaPlatformName, MediaTaskParams } from "./types.js";

/**
 * The search sorts whose listing is newest first (each platform's schema.ts): only there
 * does an item an earlier run stored mean that the rest of the listing is older, so only
 * there may since_last_run stop paging at it. ks has no time order.
 */
export const NEWEST_FIRST_SEARCH_SORTS: Partial<Record<MediaPlatformName, string>> = {
  xhs: "time_descending",
  dy: "latest",
  bili: "pubdate",
  wb: "real_time",
  tieba: "time_descending",
  zhihu: "created_time",
};

/**
 * How many already-stored, unchanged posts in a row end a creator's listing: a creator
 * may pin up to three older posts (xhs 置顶, dy 置顶) above the newest, so the first seen
 * post does not yet mean the new ones are all passed.
 */
export const CREATOR_SEEN_IN_A_ROW_TO_STOP = 4;

/**
 * How many unchanged posts in a row end input `inputIndex`'s listing under since_last_run;
 * undefined: the listing is not newest first, so it is walked to its cap (unchanged posts
 * are still skipped). Creator listings are newest first; a search only in a time sort
 * (tieba: also its default; tieba's forum inputs, listed by last reply, never).
 */
export function seenInARowToStop(
  platform: MediaPlatformName,
  params: MediaTaskParams,
  inputIndex: number,
): number | undefined {
  if (params.crawler_type === "creator") return CREATOR_SEEN_IN_A_ROW_TO_STOP;
  if (params.crawler_type !== "search") return undefined;
  if (inputIndex >= params.keywords.length) return undefined;
  const sort = params.sort ?? (platform === "tieba" ? "time_descending" : undefined);
  return sort !== undefined && NEWEST_FIRST_SEARCH_SORTS[platform] === sort ? 1 : undefined;
}
