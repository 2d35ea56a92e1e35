import type { ZhihuCommentFields, ZhihuContentFields, ZhihuCreatorFields } from "../../platforms/zhihu/itemSchema.js";
import { columnsOf, mcFormat } from "./columns.js";
import { zhihuGender } from "./formats.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<ZhihuContentFields>();
const comment = columnsOf<ZhihuCommentFields>();
const creator = columnsOf<ZhihuCreatorFields>();
const text = mcFormat.textOrEmpty;
const int = mcFormat.int;

/** 知乎 in MC's files: pydantic models dumped in field order, `last_modify_ts` appended. */
export const ZHIHU_MC_LAYOUT: McPlatformLayout = {
  platform: "zhihu",
  // MC hashes the author's id (media_platform/zhihu/help.py:202).
  hashSource: ["user_id"],
  contents: {
    source: "model/m_zhihu.py:25-42; store/zhihu/__init__.py:82-83",
    columns: [
      content.same("content_id"),
      content.same("content_type", text),
      content.same("content_text", text),
      content.same("content_url", text),
      content.same("question_id", text),
      content.same("title", text),
      content.same("desc", text),
      content.same("created_time", int),
      content.same("updated_time", int),
      content.same("voteup_count", int),
      content.same("comment_count", int),
      content.same("source_keyword", text),
      content.identity("creator_hash", "creator_hash"),
      content.identity("user_nickname", "masked_nickname"),
      content.lastModifyTs(),
    ],
  },
  comments: {
    source: "model/m_zhihu.py:45-60; store/zhihu/__init__.py:114-115",
    columns: [
      comment.same("comment_id"),
      comment.same("parent_comment_id", text),
      comment.same("content"),
      comment.same("publish_time", int),
      comment.same("sub_comment_count", int),
      comment.same("like_count", int),
      comment.same("dislike_count", int),
      comment.same("content_id"),
      comment.same("content_type"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("user_nickname", "masked_nickname"),
      comment.lastModifyTs(),
    ],
  },
  creators: {
    source: "9f4f8bf^:model/m_zhihu.py:73-91; 9f4f8bf^:store/zhihu/__init__.py:131-133",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.same("user_link", text),
      creator.identity("user_nickname", "nickname"),
      creator.identity("user_avatar", "avatar"),
      creator.from("url_token", "user_url_token", text),
      creator.same("gender", zhihuGender),
      creator.identity("ip_location", "ip_location"),
      creator.same("follows", int),
      creator.same("fans", int),
      // MC's spelling (model/m_zhihu.py:71).
      creator.from("anwser_count", "answer_count", int),
      creator.same("video_count", int),
      creator.same("question_count", int),
      creator.same("article_count", int),
      creator.same("column_count", int),
      creator.same("get_voteup_count", int),
      creator.lastModifyTs(),
    ],
  },
};
