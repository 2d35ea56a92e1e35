import type { TiebaCommentFields, TiebaContentFields, TiebaCreatorFields } from "../../platforms/tieba/itemSchema.js";
import { columnsOf, mcFormat } from "./columns.js";
import { tiebaTimeText } from "./formats.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<TiebaContentFields>();
const comment = columnsOf<TiebaCommentFields>();
const creator = columnsOf<TiebaCreatorFields>();
const text = mcFormat.textOrEmpty;

/** 百度贴吧 in MC's files: pydantic models dumped in field order, `last_modify_ts` appended. */
export const TIEBA_MC_LAYOUT: McPlatformLayout = {
  platform: "tieba",
  // MC hashes the author's profile link where it has it (media_platform/tieba/help.py:180,211), else the id (:147).
  hashSource: ["user_link", "user_id"],
  contents: {
    source: "model/m_baidu_tieba.py:27-42; store/tieba/__init__.py:76-77",
    columns: [
      content.same("note_id"),
      content.same("title", text),
      content.same("desc", text),
      content.same("note_url"),
      content.same("publish_time", tiebaTimeText),
      content.identity("creator_hash", "creator_hash"),
      content.identity("user_nickname", "masked_nickname"),
      content.same("tieba_name", text),
      content.same("tieba_link", text),
      content.same("total_replay_num", mcFormat.int),
      content.same("total_replay_page", mcFormat.int),
      content.same("source_keyword", text),
      content.lastModifyTs(),
    ],
  },
  comments: {
    source: "model/m_baidu_tieba.py:45-61; store/tieba/__init__.py:109-110",
    columns: [
      comment.same("comment_id"),
      comment.same("parent_comment_id", text),
      comment.same("content"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("user_nickname", "masked_nickname"),
      comment.same("publish_time", tiebaTimeText),
      comment.same("sub_comment_count", mcFormat.int),
      comment.same("note_id"),
      comment.same("note_url"),
      comment.same("tieba_id", text),
      comment.same("tieba_name", text),
      comment.same("tieba_link", text),
      comment.lastModifyTs(),
    ],
  },
  creators: {
    source: "9f4f8bf^:model/m_baidu_tieba.py:68-80; 9f4f8bf^:store/tieba/__init__.py:124-125",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.missing("user_name", "we store the shown name (nickname) only"),
      creator.identity("nickname", "nickname"),
      creator.missing("gender", "our tieba creator record has no gender"),
      creator.identity("avatar", "avatar"),
      creator.identity("ip_location", "ip_location"),
      creator.same("follows", mcFormat.int),
      creator.same("fans", mcFormat.int),
      creator.same("registration_duration", text),
      creator.lastModifyTs(),
    ],
  },
};
