import type { MediaExportFields } from "../media/exportColumns.js";

/** The fields of xhs records (items.ts), in the order its CSV shows them. */
export const XHS_EXPORT_FIELDS: MediaExportFields = {
  content: [
    "note_id",
    "type",
    "title",
    "desc",
    "video_url",
    "time",
    "last_update_time",
    "liked_count",
    "collected_count",
    "comment_count",
    "share_count",
    "image_list",
    "tag_list",
    "note_url",
    "source_keyword",
    "xsec_token",
  ],
  comment: [
    "comment_id",
    "create_time",
    "note_id",
    "content",
    "sub_comment_count",
    "pictures",
    "parent_comment_id",
    "like_count",
  ],
  creator: ["desc", "gender", "follows", "fans", "interaction", "tag_list"],
};
