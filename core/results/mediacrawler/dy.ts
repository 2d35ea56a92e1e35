import type { DyCommentFields, DyContentFields, DyCreatorFields } from "../../platforms/dy/itemSchema.js";
import { columnsOf, mcFormat, orDefault } from "./columns.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<DyContentFields>();
const comment = columnsOf<DyCommentFields>();
const creator = columnsOf<DyCreatorFields>();

/** 抖音 in MC's files. */
export const DY_MC_LAYOUT: McPlatformLayout = {
  platform: "dy",
  hashSource: ["user_id"],
  contents: {
    source: "store/douyin/__init__.py:162-181",
    columns: [
      content.same("aweme_id"),
      content.same("aweme_type", mcFormat.text),
      content.same("title"),
      content.same("desc"),
      content.same("create_time"),
      content.identity("creator_hash", "creator_hash"),
      content.identity("nickname", "masked_nickname"),
      content.same("liked_count", mcFormat.text),
      content.same("collected_count", mcFormat.text),
      content.same("comment_count", mcFormat.text),
      content.same("share_count", mcFormat.text),
      content.lastModifyTs(),
      content.same("aweme_url"),
      content.same("cover_url", orDefault("")),
      content.same("video_download_url", orDefault("")),
      content.same("music_download_url", orDefault("")),
      content.same("note_download_url", mcFormat.joined),
      content.same("source_keyword"),
    ],
  },
  comments: {
    source: "store/douyin/__init__.py:201-213",
    columns: [
      comment.same("comment_id"),
      comment.same("create_time"),
      comment.same("aweme_id"),
      comment.same("content"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("nickname", "masked_nickname"),
      comment.same("sub_comment_count", orDefault(0, mcFormat.text)),
      comment.same("like_count", mcFormat.zeroWhenNone),
      comment.lastModifyTs(),
      comment.same("parent_comment_id", orDefault("0")),
      comment.same("pictures", mcFormat.joined),
    ],
  },
  creators: {
    source: "9f4f8bf^:store/douyin/__init__.py:235-247",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.identity("nickname", "nickname"),
      creator.missing("gender", "our dy creator record has no gender"),
      creator.identity("avatar", "avatar"),
      creator.missing("desc", "our dy creator record has no signature"),
      creator.identity("ip_location", "ip_location"),
      creator.same("follows"),
      creator.same("fans"),
      creator.same("interaction"),
      creator.same("videos_count"),
      creator.lastModifyTs(),
    ],
  },
};
