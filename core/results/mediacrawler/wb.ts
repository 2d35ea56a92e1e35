import type { WbCommentFields, WbContentFields, WbCreatorFields } from "../../platforms/wb/itemSchema.js";
import { columnsOf, mcFormat, orDefault } from "./columns.js";
import { wbChinaDateTime, wbGender, wbRootId } from "./formats.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<WbContentFields>();
const comment = columnsOf<WbCommentFields>();
const creator = columnsOf<WbCreatorFields>();

/** MC writes counts as `str(get(key, 0))`: text, "0" when none. */
const count = orDefault(0, mcFormat.text);

/** 微博 in MC's files. */
export const WB_MC_LAYOUT: McPlatformLayout = {
  platform: "wb",
  hashSource: ["user_id"],
  contents: {
    source: "store/weibo/__init__.py:89-105",
    columns: [
      content.same("note_id"),
      content.same("content"),
      content.same("create_time"),
      content.same("create_date_time", wbChinaDateTime),
      content.same("liked_count", count),
      content.same("comments_count", count),
      content.same("shared_count", count),
      content.lastModifyTs(),
      content.same("note_url"),
      content.identity("creator_hash", "creator_hash"),
      content.identity("nickname", "masked_nickname"),
      content.same("source_keyword"),
    ],
  },
  comments: {
    source: "store/weibo/__init__.py:144-158",
    columns: [
      comment.same("comment_id"),
      comment.same("create_time"),
      comment.same("create_date_time", wbChinaDateTime),
      comment.same("note_id"),
      comment.same("content"),
      comment.same("sub_comment_count", count),
      comment.same("comment_like_count", count),
      comment.lastModifyTs(),
      comment.same("parent_comment_id", wbRootId),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("nickname", "masked_nickname"),
    ],
  },
  creators: {
    source: "9f4f8bf^:store/weibo/__init__.py:190-201",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.identity("nickname", "nickname"),
      creator.same("gender", wbGender),
      creator.identity("avatar", "avatar"),
      creator.same("desc"),
      creator.identity("ip_location", "ip_location"),
      creator.same("follows", orDefault("")),
      creator.same("fans", orDefault("")),
      creator.constant("tag_list", ""),
      creator.lastModifyTs(),
    ],
  },
};
