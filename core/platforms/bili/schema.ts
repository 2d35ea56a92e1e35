import * as z from "zod";
import { mediaInputRules, mediaTaskShape } from "../media/schema.js";
import { parseBiliCreator, parseBiliVideo } from "./ids.js";

/**
 * B站 search orders, as the search page's `order` parameter (search.bilibili.com/video?order=…)
 * and the search API's `order` take them:
 * - `totalrank` 综合排序 (the site's default)
 * - `click` 最多播放 (most played)
 * - `pubdate` 最新发布 (newest)
 * - `dm` 最多弹幕 (most danmaku)
 * - `stow` 最多收藏 (most favourited)
 */
export const BILI_SORTS = ["totalrank", "click", "pubdate", "dm", "stow"] as const;
export type BiliSort = (typeof BILI_SORTS)[number];

/**
 * A B站 task. `specified_ids` take BV ids, av ids or video URLs; `creator_ids` take
 * numeric mids or space.bilibili.com URLs; each is checked here so a typo is a 400,
 * not a failed crawl.
 */
export const biliTaskInput = z.strictObject(mediaTaskShape("bili", BILI_SORTS)).superRefine(
  mediaInputRules({
    specified_ids: {
      accepts: (value) => parseBiliVideo(value) !== undefined,
      message: "must be a BV id (BV1…), an av id (av123 or 123) or a www.bilibili.com/video/… URL",
    },
    creator_ids: {
      accepts: (value) => parseBiliCreator(value) !== undefined,
      message: "must be a numeric mid or a space.bilibili.com/<mid> URL",
    },
  }),
);

export type BiliTaskInput = z.output<typeof biliTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type BiliTaskParams = Omit<BiliTaskInput, "platform">;
