import * as z from "zod";
import { mediaInputRules, mediaTaskShape } from "../media/schema.js";
import { isShortLink } from "../media/shortLinkRule.js";
import { DY_SHORT_LINKS, parseDyAwemeId, parseDySecUserId } from "./ids.js";

/**
 * 抖音 search orders, as the search page's filter panel sets them. The page puts
 * `sort_type` in its URL (`/search/<kw>?type=general&sort_type=1`) and sends
 * `filter_selected={"sort_type":"1","publish_time":"0"}` with `is_filter_search=1` to
 * /aweme/v1/web/general/search/single/ whenever a filter differs from the default.
 * - `general` 综合排序, sort_type 0 (the site's default)
 * - `most_liked` 最多点赞, sort_type 1
 * - `latest` 最新发布, sort_type 2
 */
export const DY_SORTS = ["general", "most_liked", "latest"] as const;
export type DySort = (typeof DY_SORTS)[number];
export const DY_SORT_TYPE = { general: 0, most_liked: 1, latest: 2 } as const satisfies Record<DySort, number>;

/**
 * The search filter's 发布时间, in days, as the web API's `publish_time` takes it:
 * 0 unlimited (default), 1 one day, 7 one week, 180 six months.
 */
export const DY_PUBLISH_TIMES = [0, 1, 7, 180] as const;

/**
 * A 抖音 task: the shared media fields plus `publish_time` (search only). `specified_ids`
 * take aweme ids or post URLs, `creator_ids` take sec_user_ids or profile URLs (see ids.ts);
 * each is checked here so a typo is a 400, not a failed crawl.
 */
export const dyTaskInput = z
  .strictObject({
    ...mediaTaskShape("dy", DY_SORTS),
    publish_time: z
      .union(
        DY_PUBLISH_TIMES.map((days) => z.literal(days)),
        { error: "must be 0 (any time), 1, 7 or 180 (days)" },
      )
      .default(0),
  })
  .superRefine(
    mediaInputRules({
      specified_ids: {
        accepts: (value) => parseDyAwemeId(value) !== undefined || isShortLink(value, DY_SHORT_LINKS),
        message: "must be an aweme id (digits), a www.douyin.com/video/… or /note/… URL, or a v.douyin.com share link",
      },
      creator_ids: {
        accepts: (value) => parseDySecUserId(value) !== undefined,
        message: "must be a sec_user_id (MS4wLjABAAAA…) or a www.douyin.com/user/<sec_user_id> URL",
      },
    }),
  );

export type DyTaskInput = z.output<typeof dyTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type DyTaskParams = Omit<DyTaskInput, "platform">;
