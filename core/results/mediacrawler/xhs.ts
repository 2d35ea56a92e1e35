import type { XhsCommentFields, XhsContentFields, XhsCreatorFields } from "../../platforms/xhs/itemSchema.js";
import { columnsOf, mcFormat, orDefault } from "./columns.js";
import { xhsGender, xhsTitle } from "./formats.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<XhsContentFields>();
const comment = columnsOf<XhsCommentFields>();
const creator = columnsOf<XhsCreatorFields>();

/** 小红书 in MC's files. */
export const XHS_MC_LAYOUT: McPlatformLayout = {
  platform: "xhs",
  hashSource: ["user_id"],
  contents: {
    source: "store/xhs/__init__.py:109-129",
    columns: [
      content.same("note_id"),
      content.same("type"),
      content.same("title", xhsTitle),
      content.same("desc"),
      content.same("video_url", orDefault("")),
      content.same("time"),
      content.same("last_update_time", mcFormat.zeroWhenNone),
      content.identity("creator_hash", "creator_hash"),
      content.identity("nickname", "masked_nickname"),
      content.same("liked_count"),
      content.same("collected_count"),
      content.same("comment_count"),
      content.same("share_count"),
      content.same("image_list", mcFormat.joined),
      content.same("tag_list", mcFormat.joined),
      content.lastModifyTs(),
      content.same("note_url"),
      content.same("source_keyword"),
      content.same("xsec_token"),
    ],
  },
  comments: {
    source: "store/xhs/__init__.py:164-176",
    columns: [
      comment.same("comment_id"),
      comment.same("create_time"),
      comment.same("note_id"),
      comment.same("content"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("nickname", "masked_nickname"),
      comment.same("sub_comment_count", mcFormat.zeroWhenNone),
      comment.same("pictures", mcFormat.joined),
      comment.same("parent_comment_id", orDefault("")),
      comment.lastModifyTs(),
      comment.same("like_count", mcFormat.zeroWhenNone),
    ],
  },
  creators: {
    source: "9f4f8bf^:store/xhs/__init__.py:215-228",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.identity("nickname", "nickname"),
      creator.same("gender", xhsGender),
      creator.identity("avatar", "avatar"),
      creator.same("desc"),
      creator.identity("ip_location", "ip_location"),
      creator.same("follows"),
      creator.same("fans"),
      creator.same("interaction"),
      creator.missing("tag_list", "MC wrote a JSON object {tagType: name}; we store the tag names only"),
      creator.lastModifyTs(),
    ],
  },
};
