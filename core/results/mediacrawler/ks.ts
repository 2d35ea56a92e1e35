import type { KsCommentFields, KsContentFields, KsCreatorFields } from "../../platforms/ks/itemSchema.js";
import { columnsOf, mcFormat, orDefault, truncated } from "./columns.js";
import type { McPlatformLayout } from "./layout.js";

const content = columnsOf<KsContentFields>();
const comment = columnsOf<KsCommentFields>();
const creator = columnsOf<KsCreatorFields>();

/** 快手 in MC's files. */
export const KS_MC_LAYOUT: McPlatformLayout = {
  platform: "ks",
  hashSource: ["user_id"],
  contents: {
    source: "store/kuaishou/__init__.py:61-76",
    columns: [
      content.same("video_id"),
      content.same("video_type", mcFormat.text),
      content.same("title", truncated(500)),
      content.same("desc", truncated(500)),
      content.same("create_time"),
      content.identity("creator_hash", "creator_hash"),
      content.identity("nickname", "masked_nickname"),
      content.same("liked_count", mcFormat.text),
      content.same("viewd_count", mcFormat.text),
      content.lastModifyTs(),
      content.same("video_url"),
      content.same("video_cover_url", orDefault("")),
      content.same("video_play_url", orDefault("")),
      content.same("source_keyword"),
    ],
  },
  comments: {
    source: "store/kuaishou/__init__.py:95-107",
    columns: [
      comment.same("comment_id", mcFormat.text),
      comment.same("create_time"),
      comment.same("video_id"),
      comment.same("content"),
      comment.identity("creator_hash", "creator_hash"),
      comment.identity("nickname", "masked_nickname"),
      comment.same("sub_comment_count", orDefault(0, mcFormat.text)),
      comment.lastModifyTs(),
    ],
  },
  creators: {
    source: "9f4f8bf^:store/kuaishou/__init__.py:117-128",
    columns: [
      creator.identity("user_id", "user_id"),
      creator.identity("nickname", "nickname"),
      creator.missing("gender", "our ks creator record has no gender"),
      creator.identity("avatar", "avatar"),
      creator.missing("desc", "our ks creator record has no bio"),
      creator.constant("ip_location", ""),
      creator.same("follows"),
      creator.same("fans"),
      // MC's `interaction` is ownerCount.photo_public, what we store as videos_count.
      creator.from("interaction", "videos_count"),
      creator.lastModifyTs(),
    ],
  },
};
