import * as z from "zod";
import { quotedList } from "../../validation.js";
import { mediaInputRules, mediaTaskShape, searchOnly } from "../media/schema.js";
import { parseContentRef, parseUrlToken } from "./ids.js";

/**
 * Search orders zhihu's search offers (`sort` of /api/v4/search_v3, MC
 * media_platform/zhihu/field.py `SearchSort`): its default ranking (sent as an empty
 * value), most upvoted, newest.
 */
export const ZHIHU_SORTS = ["default", "upvoted_count", "created_time"] as const;
export type ZhihuSort = (typeof ZHIHU_SORTS)[number];

/** `sort` of the search page / search_v3 for each sort ("" = the site's default). */
export const ZHIHU_SORT_PARAM: Record<ZhihuSort, string> = {
  default: "",
  upvoted_count: "upvoted_count",
  created_time: "created_time",
};

/**
 * search_v3's `time_interval` values (MC media_platform/zhihu/field.py `SearchTime`; its
 * empty default, no limit, is the field left out): results of the last day … year.
 */
export const ZHIHU_TIME_INTERVALS = ["a_day", "a_week", "a_month", "three_months", "half_a_year", "a_year"] as const;
export type ZhihuTimeInterval = (typeof ZHIHU_TIME_INTERVALS)[number];

/**
 * search_v3's `vertical` values (MC field.py `SearchType`: constant/zhihu.py ANSWER_NAME,
 * ARTICLE_NAME, VIDEO_NAME): answers, articles or videos only; absent, all three.
 */
export const ZHIHU_VERTICALS = ["answer", "article", "zvideo"] as const;
export type ZhihuVertical = (typeof ZHIHU_VERTICALS)[number];

/**
 * A zhihu task:
 * - `search`: `keywords` → answers, articles and videos from zhihu's search ("综合"),
 *   in `sort` order. Questions, topics and users in the results are skipped.
 * - `detail`: `specified_ids` are post URLs (answer, article or zvideo); a bare id does
 *   not say which kind of post it is, so ids alone are refused.
 * - `creator`: `creator_ids` are url_tokens, user ids or profile URLs; the creator's answers,
 *   then articles, then videos, newest first, up to max_notes_count in all.
 *
 * `start_page` is the first search result page (20 results each). `time_interval` and
 * `vertical` (search only) narrow the search as zhihu's own filters do.
 */
export const zhihuTaskInput = z
  .strictObject({
    ...mediaTaskShape("zhihu", ZHIHU_SORTS),
    time_interval: z
      .enum(ZHIHU_TIME_INTERVALS, { error: `must be one of ${quotedList(ZHIHU_TIME_INTERVALS)}` })
      .optional()
      .meta({ description: "search: only results published within this period; absent: any time" }),
    vertical: z
      .enum(ZHIHU_VERTICALS, { error: `must be one of ${quotedList(ZHIHU_VERTICALS)}` })
      .optional()
      .meta({ description: "search: only answers, articles or videos; absent: all three" }),
  })
  .superRefine(searchOnly(["time_interval", "vertical"]))
  .superRefine(
    mediaInputRules({
      specified_ids: {
        accepts: (value) => parseContentRef(value) !== undefined,
        message:
          "must be a zhihu post URL: https://www.zhihu.com/question/<id>/answer/<id>, https://zhuanlan.zhihu.com/p/<id> or https://www.zhihu.com/zvideo/<id>",
      },
      creator_ids: {
        accepts: (value) => parseUrlToken(value) !== undefined,
        message: "must be a url_token or a profile URL like https://www.zhihu.com/people/<url_token>",
      },
    }),
  );

export type ZhihuTaskInput = z.output<typeof zhihuTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type ZhihuTaskParams = Omit<ZhihuTaskInput, "platform">;
