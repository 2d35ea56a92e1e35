import type { MediaExportFields } from "../media/exportColumns.js";

/** The fields of 抖音 records (items.ts), in the order its CSV shows them. */
export const DY_EXPORT_FIELDS: MediaExportFields = {
  content: [
    "aweme_id",
    "aweme_type",
    "title",
    "desc",
    "create_time",
    "liked_count",
    "collected_count",
    "comment_count",
    "share_count",
    "aweme_url",
    "cover_url",
    "video_download_url",
    "music_download_url",
    "note_download_url",
    "source_keyword",
  ],
  comment: [
    "comment_id",
    "aweme_id",
    "content",
    "create_time",
    "like_count",
    "sub_comment_count",
    "parent_comment_id",
    "pictures",
  ],
  creator: ["follows", "fans", "interaction", "videos_count"],
};
