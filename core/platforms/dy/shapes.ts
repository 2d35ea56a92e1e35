/**
 * The JSON the 抖音 web app (www.douyin.com) gets from its API, as far as we read it.
 * Only the fields we use are typed; every one is optional because the site leaves them
 * out freely (a deleted post, a user without an avatar) and a missing field must never
 * crash a crawl. The stand-in in tests/fixtures/dy/ answers in exactly these shapes.
 *
 * Where the shapes come from (public material, checked 2026-11):
 * - NanmiCoder/MediaCrawler (media_platform/douyin/client.py + store/douyin/__init__.py):
 *   the endpoints, their query parameters (search `keyword/offset/count/search_channel/
 *   filter_selected`, comments `aweme_id/cursor/count`, replies `item_id/comment_id/cursor/
 *   count`, posts `sec_user_id/max_cursor/count`), `data[].aweme_info` and
 *   `data[].aweme_mix_info.mix_items[0]` in search, `aweme_detail`, `comments/cursor/
 *   has_more`, `aweme_list/max_cursor/has_more`, the statistics and video/cover URL lists.
 * - Public issue threads and test fixtures of Douyin clients: `status_code: 8`
 *   "用户未登录" for a missing/expired login, `search_nil_info.search_nil_type:
 *   "verify_check"` (with `status_code: 0` and an empty `data`) when search wants a slider
 *   captcha, and an empty body (or the text "blocked") when the account is blocked.
 */

/** An image or video address as the site gives it: several CDN mirrors of one file. */
export interface DyUrlList {
  uri?: string;
  url_list?: string[];
}

/** The part of a user object we read (author of a post, author of a comment, profile). */
export interface DyUser {
  uid?: string;
  sec_uid?: string;
  nickname?: string;
  avatar_thumb?: DyUrlList;
  avatar_medium?: DyUrlList;
  avatar_larger?: DyUrlList;
}

/** A post (视频 or 图文) as search, detail and the creator's post list give it. */
export interface DyAweme {
  aweme_id?: string;
  /** 0 = video, 68 = image post (图文); other values for other formats. */
  aweme_type?: number;
  desc?: string;
  /** Unix seconds. */
  create_time?: number;
  author?: DyUser;
  statistics?: {
    digg_count?: number;
    collect_count?: number;
    comment_count?: number;
    share_count?: number;
    play_count?: number;
  };
  video?: {
    play_addr?: DyUrlList;
    play_addr_h264?: DyUrlList;
    play_addr_256?: DyUrlList;
    cover?: DyUrlList;
    origin_cover?: DyUrlList;
    raw_cover?: DyUrlList;
  };
  /** Image posts: one entry per picture. */
  images?: DyUrlList[];
  /** "IP属地" label, e.g. "上海". */
  ip_label?: string;
}

/** Every answer carries these; `status_code` 0 means success. */
export interface DyEnvelope {
  status_code?: number;
  status_msg?: string;
  /** Present on search answers the site refused to fill (verification, login). */
  search_nil_info?: { search_nil_type?: string; search_nil_item?: string; is_load_more?: string };
}

/** GET /aweme/v1/web/general/search/single/ */
export interface DySearchResponse extends DyEnvelope {
  data?: Array<{ type?: number; aweme_info?: DyAweme; aweme_mix_info?: { mix_items?: DyAweme[] } }>;
  /** 1 while more results can be loaded (scrolling sends `offset` = the next `cursor`). */
  has_more?: number;
  cursor?: number;
  extra?: { logid?: string };
}

/** GET /aweme/v1/web/aweme/detail/?aweme_id= */
export interface DyDetailResponse extends DyEnvelope {
  /** null when the post is deleted or private (then `filter_detail` says why). */
  aweme_detail?: DyAweme | null;
  filter_detail?: { aweme_id?: string; filter_reason?: string; detail_msg?: string };
}

/** A comment or a reply; a reply's `reply_id` is its top-level comment's `cid` ("0" on top-level ones). */
export interface DyComment {
  cid?: string;
  aweme_id?: string;
  text?: string;
  /** Unix seconds. */
  create_time?: number;
  digg_count?: number;
  reply_id?: string;
  /** On a reply to a reply: the cid replied to. */
  reply_to_reply_id?: string;
  reply_comment_total?: number;
  user?: DyUser;
  ip_label?: string;
  /** Pictures in the comment: `origin_url.url_list`. */
  image_list?: Array<{ origin_url?: DyUrlList }> | null;
}

/** GET /aweme/v1/web/comment/list/ and GET /aweme/v1/web/comment/list/reply/ */
export interface DyCommentListResponse extends DyEnvelope {
  comments?: DyComment[] | null;
  /** Next page's `cursor`. */
  cursor?: number;
  has_more?: number;
  total?: number;
}

/** GET /aweme/v1/web/user/profile/other/?sec_user_id= */
export interface DyProfileResponse extends DyEnvelope {
  user?: DyUser & {
    signature?: string;
    follower_count?: number;
    following_count?: number;
    total_favorited?: number;
    aweme_count?: number;
    /** e.g. "IP属地：上海". */
    ip_location?: string;
  };
}

/** GET /aweme/v1/web/aweme/post/?sec_user_id=&max_cursor= */
export interface DyPostListResponse extends DyEnvelope {
  aweme_list?: DyAweme[] | null;
  /** Next page's `max_cursor` (a millisecond timestamp). */
  max_cursor?: number;
  has_more?: number;
}

/** The endpoint paths the crawler listens for (the same on the real site and the stand-in). */
export const DY_ENDPOINTS = {
  search: "/aweme/v1/web/general/search/single/",
  detail: "/aweme/v1/web/aweme/detail/",
  comments: "/aweme/v1/web/comment/list/",
  replies: "/aweme/v1/web/comment/list/reply/",
  profile: "/aweme/v1/web/user/profile/other/",
  posts: "/aweme/v1/web/aweme/post/",
} as const;
