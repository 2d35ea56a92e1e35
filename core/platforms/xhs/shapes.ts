/**
 * The JSON the xhs (小红书) web app receives, as far as the crawler reads it. Every
 * field is optional: the site changes without notice, and a missing field must become
 * a null in the stored item, not a crash.
 *
 * Where the shapes come from: public captures of www.xiaohongshu.com's traffic kept in
 * open-source crawlers and their mocks (e.g. the NanmiCoder/MediaCrawler family's
 * `media_platform/xhs` client and field docs, longDan1991/MultimediaSpider `mock/xhs/*.js`,
 * MediaCrawlerPro's API notes), cross-checked with each other. API calls go to
 * edith.xiaohongshu.com and are signed by the page's own script (headers X-s, X-t,
 * x-s-common), which is why the crawler only reads them and never calls them itself.
 * Counts (liked_count, …) are strings as the site sends them ("1.2万" happens).
 */

/** Every API answer: `{code, success, msg, data}`; code 0 and success true when fine. */
export interface XhsEnvelope<T> {
  code?: number;
  success?: boolean;
  msg?: string;
  data?: T;
}

/** A user as API responses show one (note authors: `user`; commenters: `user_info` with `image`). */
export interface XhsUser {
  user_id?: string;
  nickname?: string;
  nick_name?: string;
  avatar?: string;
  image?: string;
  xsec_token?: string;
}

export interface XhsInteractInfo {
  liked?: boolean;
  liked_count?: string;
  collected_count?: string;
  comment_count?: string;
  share_count?: string;
}

export interface XhsImage {
  url_default?: string;
  url_pre?: string;
  url?: string;
  width?: number;
  height?: number;
  info_list?: Array<{ image_scene?: string; url?: string }>;
}

export interface XhsTag {
  id?: string;
  name?: string;
  /** "topic" for hashtags; also "location", "brand", … */
  type?: string;
}

export interface XhsVideo {
  consumer?: { origin_video_key?: string };
  media?: { stream?: Record<string, Array<{ master_url?: string; backup_urls?: string[] }>> };
}

/**
 * A full note: POST /api/sns/web/v1/feed → data.items[].note_card
 * (request body: {source_note_id, image_formats, extra: {need_body_topic}, xsec_source, xsec_token}).
 */
export interface XhsNoteCard {
  note_id?: string;
  type?: "normal" | "video" | string;
  title?: string;
  display_title?: string;
  desc?: string;
  time?: number;
  last_update_time?: number;
  ip_location?: string;
  user?: XhsUser;
  interact_info?: XhsInteractInfo;
  image_list?: XhsImage[];
  tag_list?: XhsTag[];
  video?: XhsVideo;
  cover?: XhsImage;
}

export interface XhsFeedData {
  items?: Array<{ id?: string; model_type?: string; note_card?: XhsNoteCard }>;
  cursor_score?: string;
  current_time?: number;
}

/**
 * POST /api/sns/web/v1/search/notes, body {keyword, page, page_size (20), search_id,
 * sort ("general" | "popularity_descending" | "time_descending"), note_type (0 all,
 * 1 video, 2 image), ext_flags, image_formats}. Items of other model types
 * ("rec_query", "hot_query") are suggestions, not notes. A search card is partial
 * (display_title, liked_count, cover); the full note comes from the feed.
 */
export interface XhsSearchData {
  items?: Array<{ id?: string; model_type?: string; xsec_token?: string; note_card?: XhsNoteCard }>;
  has_more?: boolean;
}

export interface XhsSearchRequest {
  keyword?: string;
  page?: number;
  page_size?: number;
  sort?: string;
}

/**
 * GET /api/sns/web/v2/comment/page?note_id&cursor&top_comment_id&image_formats&xsec_token
 * → data {comments, cursor, has_more}; each top-level comment carries its first replies
 * inline (`sub_comments`) and where to continue them (`sub_comment_cursor`, `sub_comment_has_more`).
 */
export interface XhsComment {
  id?: string;
  note_id?: string;
  content?: string;
  create_time?: number;
  ip_location?: string;
  like_count?: string;
  sub_comment_count?: string;
  user_info?: XhsUser;
  pictures?: XhsImage[];
  status?: number;
  /** Replies: the comment replied to (a top-level comment or another reply). */
  target_comment?: { id?: string; user_info?: XhsUser };
  sub_comments?: XhsComment[];
  sub_comment_cursor?: string;
  sub_comment_has_more?: boolean;
}

export interface XhsCommentPage {
  comments?: XhsComment[];
  cursor?: string;
  has_more?: boolean;
  time?: number;
  user_id?: string;
}

/**
 * GET /api/sns/web/v2/comment/sub/page?note_id&root_comment_id&num (10)&cursor&image_formats&top_comment_id&xsec_token
 * → the same {comments, cursor, has_more} as a comment page, comments being replies.
 */
export type XhsSubCommentPage = XhsCommentPage;

/**
 * GET /api/sns/web/v1/user_posted?num (30)&cursor&user_id&image_formats&xsec_token&xsec_source
 * → data {notes, cursor, has_more}; notes are partial cards like search cards.
 */
export interface XhsUserPostedData {
  notes?: Array<{
    note_id?: string;
    display_title?: string;
    type?: string;
    xsec_token?: string;
    user?: XhsUser;
    interact_info?: XhsInteractInfo;
    cover?: XhsImage;
  }>;
  cursor?: string;
  has_more?: boolean;
}

// ---- window.__INITIAL_STATE__ (server-rendered state; camelCase keys) ---------------------
// The page embeds it as a script; with Vue 3 some branches are refs, serialised as
// {_value} / {value}, which the mappers unwrap (items.ts unref).

/** A note as the note page (`/explore/<id>?xsec_token=…`) embeds it: note.noteDetailMap[id].note. */
export interface XhsStateNote {
  noteId?: string;
  type?: string;
  title?: string;
  desc?: string;
  time?: number;
  lastUpdateTime?: number;
  ipLocation?: string;
  xsecToken?: string;
  user?: { userId?: string; nickname?: string; avatar?: string };
  interactInfo?: { likedCount?: string; collectedCount?: string; commentCount?: string; shareCount?: string };
  imageList?: Array<{ urlDefault?: string; urlPre?: string; url?: string; width?: number; height?: number }>;
  tagList?: XhsTag[];
  video?: { consumer?: { originVideoKey?: string }; media?: { stream?: Record<string, Array<{ masterUrl?: string }>> } };
}

export interface XhsNoteState {
  note?: { noteDetailMap?: Record<string, { note?: XhsStateNote } | undefined>; firstNoteId?: string };
}

/**
 * A creator's profile (`/user/profile/<id>`): user.userPageData. `interactions` lists
 * the counters by type: "follows" (关注), "fans" (粉丝), "interaction" (获赞与收藏).
 */
export interface XhsUserPageData {
  basicInfo?: { nickname?: string; images?: string; imageb?: string; redId?: string; gender?: number; ipLocation?: string; desc?: string };
  interactions?: Array<{ type?: string; name?: string; count?: string }>;
  tags?: Array<{ tagType?: string; name?: string }>;
}

export interface XhsUserState {
  user?: { userPageData?: XhsUserPageData };
}
