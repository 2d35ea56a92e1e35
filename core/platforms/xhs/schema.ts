import * as z from "zod";
import { mediaTaskShape, requireModeInput } from "../media/schema.js";
import { mediaSpec } from "../media/spec.js";
import type { MediaTaskParams } from "../media/types.js";
import { parseCreatorRef, parseNoteRef } from "./refs.js";

/** xhs search orders: 综合 (default), 最热, 最新. */
export const XHS_SORTS = ["general", "popularity_descending", "time_descending"] as const;

/**
 * An xhs task: the shared media fields, strict, each mode with its input, and ids that
 * xhs can open — note ids / note URLs (…/explore/<id>?xsec_token=…) in `specified_ids`,
 * user ids / profile URLs in `creator_ids`. Short links (xhslink.com) are refused: they
 * only resolve through a redirect the crawler does not follow.
 */
export const xhsTaskInput = z
  .strictObject(mediaTaskShape("xhs", XHS_SORTS))
  .superRefine((task, ctx) => {
    requireModeInput(task, ctx);
    task.specified_ids.forEach((value, index) => {
      if (parseNoteRef(value) === undefined) {
        ctx.addIssue({ code: "custom", path: ["specified_ids", index], message: "must be a 24-character xhs note id or a note URL like https://www.xiaohongshu.com/explore/<id>?xsec_token=…" });
      }
    });
    task.creator_ids.forEach((value, index) => {
      if (parseCreatorRef(value) === undefined) {
        ctx.addIssue({ code: "custom", path: ["creator_ids", index], message: "must be a 24-character xhs user id or a profile URL like https://www.xiaohongshu.com/user/profile/<id>" });
      }
    });
  });

export type XhsTaskInput = z.output<typeof xhsTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type XhsTaskParams = Omit<XhsTaskInput, "platform"> & MediaTaskParams;

export const xhsSpec = mediaSpec("xhs", xhsTaskInput);
