import * as z from "zod";
import { mediaInputRules, mediaTaskShape } from "../media/schema.js";
import type { MediaTaskParams } from "../media/types.js";
import { parseCreatorRef, parseNoteRef } from "./ids.js";

/**
 * xhs search orders, by MediaCrawler's API values (media_platform/xhs/field.py:55-62). The
 * crawler picks them in the search page's filter panel by their labels (site.ts
 * SORT_LABELS): 综合, 最多点赞, 最新. The panel's other orders (最多评论, 最多收藏) have no
 * API value in any source, and `note_type` (field.py:65-72) is left to issue 16: see FLOW.md.
 */
export const XHS_SORTS = ["general", "popularity_descending", "time_descending"] as const;

/**
 * An xhs task: the shared media fields, strict, each mode with its input, and ids that
 * xhs can open — note ids / note URLs (…/explore/<id>?xsec_token=…) in `specified_ids`,
 * user ids / profile URLs in `creator_ids`. Short links (xhslink.com) are refused: they
 * only resolve through a redirect the crawler does not follow.
 */
export const xhsTaskInput = z.strictObject(mediaTaskShape("xhs", XHS_SORTS)).superRefine(
  mediaInputRules({
    specified_ids: {
      accepts: (value) => parseNoteRef(value) !== undefined,
      message:
        "must be a 24-character xhs note id or a note URL like https://www.xiaohongshu.com/explore/<id>?xsec_token=…",
    },
    creator_ids: {
      accepts: (value) => parseCreatorRef(value) !== undefined,
      message: "must be a 24-character xhs user id or a profile URL like https://www.xiaohongshu.com/user/profile/<id>",
    },
  }),
);

export type XhsTaskInput = z.output<typeof xhsTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type XhsTaskParams = Omit<XhsTaskInput, "platform"> & MediaTaskParams;
