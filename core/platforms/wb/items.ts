import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { WbComment, WbMblog, WbProfileUser, WbUser } from "./shapes.js";
import { WB_ITEM_FIELDS, type WbCommentFields, type WbContentFields, type WbCreatorFields } from "./itemSchema.js";

/**
 * 微博 responses → stored records. Field names are the ones NanmiCoder/MediaCrawler stores
 * (store/weibo/__init__.py:89-158), so scripts written for its output read ours:
 *
 * content (a post): note_id (mid), content (text without HTML; emoticons as their "[名]"),
 *   create_time (unix seconds), create_date_time ("YYYY-MM-DD HH:mm:ss", China time),
 *   liked_count, comments_count, shared_count (reposts), note_url, is_long_text (the text
 *   is cut; see shapes.ts), source_keyword (null outside search); creator: user_id, nickname, avatar,
 *   ip_location ("广东" from "发布于 广东").
 * comment: comment_id, note_id, content, create_time, create_date_time,
 *   comment_like_count, sub_comment_count, parent_comment_id (null for a top-level
 *   comment, else the thread's top-level comment id; MC stores `rootid`, which is the
 *   comment's own id for a top-level one); creator: user_id, nickname, avatar,
 *   ip_location ("广东" from "来自广东").
 * creator (creator mode, once per creator): desc (bio; only with keep_user_info), gender
 *   ("m" | "f" | "n"), follows, fans, statuses_count; creator: user_id, nickname, avatar.
 *   (MC no longer stores creators at all, store/weibo/__init__.py:177-190.)
 *
 * Counts are as the API gives them: numbers, or text such as "1.2万" (MC writes strings).
 * Authors of posts and comments are stored without gender, as on the other platforms
 * (creator identity goes through the framework's privacy rules, which have no gender).
 */
export const WB_CONTENT_FIELDS = Object.keys(WB_ITEM_FIELDS.content);
export const WB_COMMENT_FIELDS = Object.keys(WB_ITEM_FIELDS.comment);
export const WB_CREATOR_FIELDS = Object.keys(WB_ITEM_FIELDS.creator);

/** The public URL of a post, whatever base URL the crawl used. */
export const wbNoteUrl = (mid: string): string => `https://m.weibo.cn/detail/${mid}`;

export function wbNoteRecord(mblog: WbMblog, sourceKeyword: string | undefined): MediaRecord {
  const created = weiboTime(mblog.created_at);
  const fields: WbContentFields = {
    note_id: mblog.id,
    content: weiboText(mblog.text),
    create_time: created.unixSecs,
    create_date_time: created.chinaDateTime,
    liked_count: mblog.attitudes_count,
    comments_count: mblog.comments_count,
    shared_count: mblog.reposts_count,
    note_url: wbNoteUrl(mblog.id),
    is_long_text: mblog.isLongText === true,
    source_keyword: sourceKeyword ?? null,
    image_list: (mblog.pics ?? []).flatMap((pic) => pic.large?.url ?? pic.url ?? []),
  };
  return {
    item_type: "content",
    id: mblog.id,
    fields,
    ...withCreator(mblog.user, location(mblog.region_name, /^发布于\s*/)),
  };
}

/** A comment from hotflow, a reply inside it, or a reply from hotFlowChild. */
export function wbCommentRecord(comment: WbComment, noteId: string): MediaRecord {
  const id = String(comment.id);
  const root = comment.rootid === undefined ? id : String(comment.rootid);
  const created = weiboTime(comment.created_at);
  const isReply = root !== id;
  const fields: WbCommentFields = {
    comment_id: id,
    note_id: noteId,
    content: weiboText(comment.text),
    create_time: created.unixSecs,
    create_date_time: created.chinaDateTime,
    comment_like_count: comment.like_count ?? 0,
    sub_comment_count: comment.total_number ?? 0,
    parent_comment_id: isReply ? root : null,
  };
  const record: MediaRecord = {
    item_type: "comment",
    id,
    fields,
    ...withCreator(comment.user, location(comment.source, /^来自\s*/)),
  };
  if (isReply) record.parentId = root;
  return record;
}

/** The profile header (getIndex 100505<uid>). The bio is free text that often names the person: kept only with keep_user_info. */
export function wbCreatorRecord(user: WbProfileUser, keepUserInfo: boolean): MediaRecord {
  const fields: WbCreatorFields = {
    desc: keepUserInfo ? (user.description ?? "") : null,
    gender: user.gender ?? null,
    follows: user.follow_count ?? null,
    fans: user.followers_count ?? null,
    statuses_count: user.statuses_count ?? null,
  };
  return { item_type: "creator", id: String(user.id), fields, ...withCreator(user, undefined) };
}

/**
 * Post and comment HTML → text: line breaks kept, emoticon images replaced by their alt
 * text ("[笑cry]"), tags dropped, the common entities decoded.
 */
export function weiboText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<img[^>]*\balt="([^"]*)"[^>]*>/gi, "$1")
    .replace(/<[^>]*>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .trim();
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEIBO_TIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;
const CHINA_OFFSET_MS = 8 * 3600_000;

/**
 * "Sat Nov 01 12:00:00 +0800 2025" → unix seconds and the China-time "2025-11-01 12:00:00".
 * Anything else (older app versions sent "11-01" or "5分钟前") gives a null time and the
 * text as the site showed it.
 */
export function weiboTime(value: string): { unixSecs: number | null; chinaDateTime: string } {
  const parts = WEIBO_TIME.exec(value.trim());
  const [, monthName = "", day, hours, minutes, seconds, sign, offsetHours, offsetMinutes, year] = parts ?? [];
  const month = MONTHS.indexOf(monthName);
  if (parts === null || month < 0) return { unixSecs: null, chinaDateTime: value };
  const offsetMs = (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const utcMs = Date.UTC(Number(year), month, Number(day), Number(hours), Number(minutes), Number(seconds)) - offsetMs;
  const china = new Date(utcMs + CHINA_OFFSET_MS).toISOString();
  return { unixSecs: Math.floor(utcMs / 1000), chinaDateTime: `${china.slice(0, 10)} ${china.slice(11, 19)}` };
}

function location(label: string | undefined, prefix: RegExp): string | undefined {
  const value = label?.replace(prefix, "").trim();
  return value ? value : undefined;
}

function withCreator(user: WbUser | null | undefined, ipLocation: string | undefined): { creator?: CreatorInfo } {
  if (user === null || user === undefined) return {};
  const creator: CreatorInfo = {
    user_id: String(user.id),
    nickname: user.screen_name,
    avatar: user.profile_image_url || user.avatar_hd,
  };
  if (ipLocation !== undefined) creator.ip_location = ipLocation;
  return { creator };
}
