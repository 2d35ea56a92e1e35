import * as z from "zod";
import { integerIn } from "../../validation.js";
import { mediaInputRules, mediaTaskShape, searchOnly } from "../media/schema.js";
import { chinaDayStart, dayCount } from "./days.js";
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
 * not a failed crawl. `start_day` / `end_day` / `max_notes_per_day` search a date range
 * day by day (days.ts).
 */
/** The longest date range one task searches, day by day. */
export const MAX_SEARCH_DAYS = 366;

const day = (description: string) =>
  z
    .string({ error: "must be a day like 2024-01-05" })
    .refine((value) => chinaDayStart(value) !== undefined, { error: "must be a day like 2024-01-05" })
    .optional()
    .meta({ description });

/** A date range's own rules: an end or a per-day cap needs a start, the end is not before the start, and pages start at 1. */
function dateRangeRules(
  task: {
    start_day?: string | undefined;
    end_day?: string | undefined;
    max_notes_per_day?: number | undefined;
    start_page: number;
  },
  ctx: z.RefinementCtx,
): void {
  const problem = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
  if (task.start_day === undefined) {
    if (task.end_day !== undefined) problem("end_day", "needs start_day");
    if (task.max_notes_per_day !== undefined) problem("max_notes_per_day", "needs start_day");
    return;
  }
  if (
    task.end_day !== undefined &&
    chinaDayStart(task.start_day) !== undefined &&
    chinaDayStart(task.end_day) !== undefined
  ) {
    const days = dayCount(task.start_day, task.end_day);
    if (days === 0) problem("end_day", "must not be before start_day");
    else if (days > MAX_SEARCH_DAYS)
      problem("end_day", `must be at most ${MAX_SEARCH_DAYS} days from start_day, both included`);
  }
  if (task.start_page !== 1)
    problem("start_page", "must be 1 with start_day: each day is searched from its first page");
}

export const biliTaskInput = z
  .strictObject({
    ...mediaTaskShape("bili", BILI_SORTS),
    start_day: day(
      "search: search day by day from this day (China time, YYYY-MM-DD), as MediaCrawler's START_DAY; max_notes_count still caps each keyword",
    ),
    end_day: day("search: the last day searched, included; absent: start_day only"),
    max_notes_per_day: integerIn(1, 1000).optional().meta({
      description:
        "search with start_day: at most this many videos per day (MediaCrawler's MAX_NOTES_PER_DAY); absent: no cap per day",
    }),
  })
  .superRefine(searchOnly(["start_day", "end_day", "max_notes_per_day"]))
  .superRefine(dateRangeRules)
  .superRefine(
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
