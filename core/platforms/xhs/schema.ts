import * as z from "zod";
import { quotedList } from "../../validation.js";
import { mediaInputRules, mediaTaskShape, searchOnly } from "../media/schema.js";
import type { MediaTaskParams } from "../media/types.js";
import { isShortLink } from "../media/shortLinkRule.js";
import { parseCreatorRef, parseNoteRef, XHS_SHORT_LINKS } from "./ids.js";

/**
 * xhs search orders, by MediaCrawler's API values (media_platform/xhs/field.py:55-62). The
 * crawler picks them in the search page's filter panel by their labels (site.ts
 * SORT_LABELS): 综合, 最多点赞, 最新. The panel's other orders (最多评论, 最多收藏) have no
 * API value in any source: see FLOW.md.
 */
export const XHS_SORTS = ["general", "popularity_descending", "time_descending"] as const;

/**
 * Which notes a search keeps: MC's `SearchNoteType` ALL / VIDEO / IMAGE (field.py:65-72,
 * sent as note_type 0 / 1 / 2), picked in the filter panel's 笔记类型 group (site.ts
 * NOTE_TYPE_LABELS).
 */
export const XHS_NOTE_TYPES = ["all", "video", "image"] as const;
export type XhsNoteType = (typeof XHS_NOTE_TYPES)[number];

/**
 * An xhs task: the shared media fields, strict, each mode with its input, and ids that
 * xhs can open — note ids / note URLs (…/explore/<id>?xsec_token=…, either edition's host) in `specified_ids`,
 * user ids / profile URLs in `creator_ids`. xhslink.com share links in `specified_ids` are
 * resolved by the crawler (ids.ts XHS_SHORT_LINKS).
 */
export const xhsTaskInput = z
  .strictObject({
    ...mediaTaskShape("xhs", XHS_SORTS),
    note_type: z
      .enum(XHS_NOTE_TYPES, { error: `must be one of ${quotedList(XHS_NOTE_TYPES)}` })
      .optional()
      .meta({ description: 'search: only video notes or only image notes; absent or "all": both' }),
    international: z.boolean({ error: "must be true or false" }).default(false).meta({
      description:
        "Crawl the international edition, www.rednote.com (its API on webapi.rednote.com), instead of www.xiaohongshu.com; the account must be signed in there. Default false",
    }),
  })
  .superRefine(searchOnly(["note_type"]))
  .superRefine(
    mediaInputRules({
      specified_ids: {
        accepts: (value) => parseNoteRef(value) !== undefined || isShortLink(value, XHS_SHORT_LINKS),
        message:
          "must be a 24-character xhs note id, a note URL like https://www.xiaohongshu.com/explore/<id>?xsec_token=… (or www.rednote.com), or an xhslink.com share link",
      },
      creator_ids: {
        accepts: (value) => parseCreatorRef(value) !== undefined,
        message:
          "must be a 24-character xhs user id or a profile URL like https://www.xiaohongshu.com/user/profile/<id>",
      },
    }),
  );

export type XhsTaskInput = z.output<typeof xhsTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type XhsTaskParams = Omit<XhsTaskInput, "platform"> & MediaTaskParams;
