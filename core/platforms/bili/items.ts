import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { BiliCard, BiliReply, BiliView } from "./shapes.js";
import {
  BILI_ITEM_FIELDS,
  type BiliCommentFields,
  type BiliContentFields,
  type BiliCreatorFields,
} from "./itemSchema.js";

/**
 * B站 responses → stored records. Field names are the ones NanmiCoder/MediaCrawler stores
 * (store/bilibili/__init__.py:60-114), so scripts written for its output read ours:
 *
 * content (a video): video_id (aid), bvid, video_type ("video"), title, desc, create_time
 *   (unix seconds), duration (seconds), liked_count, disliked_count, video_play_count,
 *   video_danmaku, video_comment, video_favorite_count, video_coin_count, video_share_count,
 *   video_url (MC's form, www.bilibili.com/video/av<aid>), video_cover_url, source_keyword
 *   (null outside search); creator: user_id (owner mid), nickname, avatar.
 * comment: comment_id (rpid), video_id (aid), content, create_time (unix seconds),
 *   sub_comment_count, parent_comment_id (null for a top-level comment, else the rpid it
 *   answers), root_comment_id (null, or the top-level comment's rpid), like_count;
 *   creator: user_id (member mid), nickname, avatar, ip_location ("广东" from "IP属地：广东").
 * creator (creator mode, once per creator): sign (bio; only with keep_user_info), gender
 *   ("男" | "女" | "保密"), total_fans, total_liked; creator: user_id, nickname, avatar.
 *
 * Counts are numbers, as the API gives them (MC writes them as strings; a CSV export
 * reads the same). Where MC stores "0" for a top-level comment's parent, we store null.
 */
export const BILI_CONTENT_FIELDS = Object.keys(BILI_ITEM_FIELDS.content);
export const BILI_COMMENT_FIELDS = Object.keys(BILI_ITEM_FIELDS.comment);
export const BILI_CREATOR_FIELDS = Object.keys(BILI_ITEM_FIELDS.creator);

/** The public URL of a video in MC's form (store/bilibili/__init__.py:77), whatever base URL the crawl used. */
export const biliVideoUrl = (aid: number | string): string => `https://www.bilibili.com/video/av${aid}`;

/** A video from the video page's /x/web-interface/view/detail answer. */
export function biliVideoRecord(view: BiliView, sourceKeyword: string | undefined): MediaRecord {
  const fields: BiliContentFields = {
    video_id: String(view.aid),
    bvid: view.bvid,
    video_type: "video",
    title: view.title,
    desc: view.desc,
    create_time: view.pubdate,
    duration: view.duration,
    liked_count: view.stat.like,
    disliked_count: view.stat.dislike ?? null,
    video_play_count: view.stat.view,
    video_danmaku: view.stat.danmaku,
    video_comment: view.stat.reply,
    video_favorite_count: view.stat.favorite,
    video_coin_count: view.stat.coin,
    video_share_count: view.stat.share,
    video_url: biliVideoUrl(view.aid),
    video_cover_url: absoluteUrl(view.pic),
    source_keyword: sourceKeyword ?? null,
  };
  return {
    item_type: "content",
    id: String(view.aid),
    fields,
    creator: { user_id: String(view.owner.mid), nickname: view.owner.name, avatar: absoluteUrl(view.owner.face) },
  };
}

/** A comment or reply from /x/v2/reply/wbi/main or /x/v2/reply/reply. */
export function biliCommentRecord(reply: BiliReply, videoId: string): MediaRecord {
  const fields: BiliCommentFields = {
    comment_id: String(reply.rpid),
    video_id: videoId,
    content: reply.content.message,
    create_time: reply.ctime,
    sub_comment_count: reply.rcount,
    parent_comment_id: reply.parent ? String(reply.parent) : null,
    root_comment_id: reply.root ? String(reply.root) : null,
    like_count: reply.like,
  };
  const creator: CreatorInfo = {
    user_id: String(reply.member.mid),
    nickname: reply.member.uname,
    avatar: absoluteUrl(reply.member.avatar),
  };
  const location = ipLocation(reply.reply_control?.location);
  if (location !== undefined) creator.ip_location = location;
  return { item_type: "comment", id: String(reply.rpid), fields, creator };
}

/**
 * The uploader, from the `Card` of the video page's view/detail answer (creator mode).
 * `sign` (the bio) is free text that often names the person, so it is kept only with
 * keep_user_info, like the other identity fields (null otherwise).
 */
export function biliCreatorRecord(card: BiliCard, likeNum: number | undefined, keepUserInfo: boolean): MediaRecord {
  const fields: BiliCreatorFields = {
    sign: keepUserInfo ? (card.sign ?? "") : null,
    gender: card.sex ?? null,
    total_fans: card.fans ?? null,
    total_liked: likeNum ?? null,
  };
  return {
    item_type: "creator",
    id: String(card.mid),
    fields,
    creator: { user_id: String(card.mid), nickname: card.name, avatar: absoluteUrl(card.face) },
  };
}

/** "IP属地：广东" → "广东"; undefined when the site shows none. */
export function ipLocation(label: string | undefined): string | undefined {
  const value = label?.replace(/^IP属地[:：]\s*/, "").trim();
  return value ? value : undefined;
}

/** The site's image URLs are often protocol-relative ("//i0.hdslb.com/…"). */
export function absoluteUrl(url: string): string {
  return url.startsWith("//") ? `https:${url}` : url;
}
