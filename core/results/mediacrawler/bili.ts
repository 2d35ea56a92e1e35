import type { BiliCommentFields, BiliContentFields, BiliCreatorFields } from "../../platforms/bili/itemSchema.js";
import { columnsOf, mcFormat, orDefault, truncated } from "./columns.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<BiliContentFields>();
const comment = columnsOf<BiliCommentFields>();
const creator = columnsOf<BiliCreatorFields>();

/** MC writes the stats as `str(stat.get(key, ""))`: text, "" when none. */
const stat = orDefault("", mcFormat.text);

/** B站 in MC's files. */
export const BILI_MC_LAYOUT: McPlatformLayout = {
  platform: "bili",
  hashSource: ["user_id"],
  contents: {
    source: "store/bilibili/__init__.py:60-80",
    columns: [
      content.same("video_id"),
      content.same("video_type"),
      content.same("title", truncated(500)),
      content.same("desc", truncated(500)),
      content.same("create_time"),
      content.identity("creator_hash", "creator_hash"),
      content.identity("nickname", "masked_nickname"),
      content.same("liked_count", stat),
      content.same("disliked_count", stat),
      content.same("video_play_count", stat),
      content.same("video_favorite_count", stat),
      content.same("video_share_count", stat),
      content.same("video_coin_count", stat),
      content.same("video_danmaku", stat),
      content.same("video_comment", stat),
      content.lastModifyTs(),
      content.same("video_url"),
      content.same("video_cover_url", orDefault("")),
      content.same("source_keyword"),
    ],
  },
  comments: {
    source: "store/bilibili/__init__.py:103-114",
    columns: [
      comment.same("comment_id"),
      comment.same("parent_comment_id", orDefault("0")),
      comment.same("create_time"),
      comment.same("video_id"),
      comment.same("content"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("nickname", "masked_nickname"),
      comment.same("sub_comment_count", orDefault(0, mcFormat.text)),
      comment.same("like_count", mcFormat.zeroWhenNone),
      comment.lastModifyTs(),
    ],
  },
  creators: {
    source: "9f4f8bf^:store/bilibili/__init__.py:88-99",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.identity("nickname", "nickname"),
      creator.from("sex", "gender"),
      creator.same("sign"),
      creator.identity("avatar", "avatar"),
      creator.lastModifyTs(),
      creator.same("total_fans"),
      creator.same("total_liked"),
      creator.missing("user_rank", "we do not store the UP's level"),
      creator.missing("is_official", "we do not store the official verification"),
    ],
  },
};
