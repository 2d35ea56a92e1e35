import * as z from "zod";
import { mediaInputRules, mediaTaskShape } from "../media/schema.js";
import { parseWeiboCreator, parseWeiboPost } from "./ids.js";

/**
 * 微博 search tabs, the only ordering m.weibo.cn's search offers: each is a `type` inside the
 * search container id (`containerid=100103type=<n>&q=<keyword>`).
 * - `default` 综合 (type=1, the site's default)
 * - `real_time` 实时 (type=61, newest first)
 * - `popular` 热门 (type=60)
 * - `video` 视频 (type=64, posts with a video)
 */
export const WB_SORTS = ["default", "real_time", "popular", "video"] as const;
export type WbSort = (typeof WB_SORTS)[number];

/** The `type` of the search container id for each sort. */
export const WB_SEARCH_TYPE: Record<WbSort, string> = { default: "1", real_time: "61", popular: "60", video: "64" };

/**
 * A 微博 task. `specified_ids` take mids, bids or post URLs; `creator_ids` take uids or
 * profile URLs; each is checked here so a typo is a 400, not a failed crawl. `full_text`
 * (default true, as MC's ENABLE_WEIBO_FULL_TEXT, config/weibo_config.py:40) fetches the
 * whole text of posts a list shows cut.
 */
export const wbTaskInput = z
  .strictObject({
    ...mediaTaskShape("wb", WB_SORTS),
    full_text: z.boolean({ error: "must be true or false" }).default(true).meta({
      description:
        "Store the whole text of long posts, which lists show cut (one more request per long post; MediaCrawler's ENABLE_WEIBO_FULL_TEXT, on by default there too)",
    }),
  })
  .superRefine(
    mediaInputRules({
      specified_ids: {
        accepts: (value) => parseWeiboPost(value) !== undefined,
        message:
          "must be a post mid (digits), a bid (9 letters/digits) or an m.weibo.cn/detail/… or weibo.com/<uid>/<bid> URL",
      },
      creator_ids: {
        accepts: (value) => parseWeiboCreator(value) !== undefined,
        message: "must be a numeric uid or an m.weibo.cn/u/<uid> or weibo.com/u/<uid> URL",
      },
    }),
  );

export type WbTaskInput = z.output<typeof wbTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type WbTaskParams = Omit<WbTaskInput, "platform">;
