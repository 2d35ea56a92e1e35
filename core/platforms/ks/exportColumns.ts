import type { MediaExportFields } from "../media/exportColumns.js";

/** The fields of 快手 records (items.ts), in the order its CSV shows them. */
export const KS_EXPORT_FIELDS: MediaExportFields = {
  content: [
    "video_id",
    "video_type",
    "title",
    "desc",
    "create_time",
    "liked_count",
    "viewd_count",
    "comment_count",
    "video_url",
    "video_cover_url",
    "video_play_url",
    "source_keyword",
  ],
  comment: ["comment_id", "video_id", "content", "create_time", "sub_comment_count", "parent_comment_id"],
  creator: ["follows", "fans", "videos_count"],
};
