/**
 * JSON shapes of the zhihu (知乎) web app's endpoints and page state, as far as we read
 * them. The stand-in in tests/fixtures/zhihu answers in exactly these shapes.
 *
 * Where they come from: the fields public zhihu crawlers read — MediaCrawler's
 * media_platform/zhihu (client.py, help.py: search_v3 results, comment_v5 pages, member
 * lists, js-initialData entities) — and the answers' well-known `paging` object
 * (`is_end`, `next`). API objects are snake_case; the page state (`js-initialData`) is
 * the web app's normalised store and is camelCase. Only fields we use are listed.
 */

/** Paging of every list endpoint: follow `next` (an absolute URL with the next offset) until `is_end`. */
export interface ZhihuPaging {
  is_end?: boolean;
  is_start?: boolean;
  next?: string;
  previous?: string;
  totals?: number;
}

export interface ZhihuAuthor {
  id?: string;
  url_token?: string;
  name?: string;
  avatar_url?: string;
  headline?: string;
  /** "people"; anonymous authors have id "0" and url_token "". */
  type?: string;
}

/** An answer, article or video as the API returns it (search results, member lists). */
export interface ZhihuContentObject {
  id?: string | number;
  type?: string;
  title?: string;
  /** HTML. */
  content?: string;
  /** Plain-ish text summary (may contain <em> highlights in search results). */
  excerpt?: string;
  /** zvideo: the text under the video. */
  description?: string;
  created_time?: number;
  updated_time?: number;
  /** article: `created` / `updated` instead of *_time on some endpoints. */
  created?: number;
  updated?: number;
  /** zvideo: `published_at` / `created_at` / `updated_at`. */
  published_at?: number;
  created_at?: number;
  updated_at?: number;
  voteup_count?: number;
  comment_count?: number;
  question?: { id?: string | number; title?: string; name?: string };
  author?: ZhihuAuthor;
}

/**
 * GET /api/v4/search_v3 — the search page's results, 20 per scroll.
 * Query: gk_version, t=general, q, correction=1, offset, limit=20, filter_fields,
 * lc_idx, show_all_topics=0, search_source, time_interval, sort, vertical.
 * Items of `type` "search_result" (or "zvideo") carry the post in `object`; others
 * (relevant_query, knowledge_ad, …) are not posts.
 */
export interface ZhihuSearchResponse {
  paging?: ZhihuPaging;
  data?: Array<{ type?: string; highlight?: { title?: string; description?: string }; object?: ZhihuContentObject }>;
}

/**
 * GET /api/v4/comment_v5/{answers|articles|zvideos}/{id}/root_comment
 *   (query: order_by=score, limit, offset — an opaque cursor taken from `paging.next`)
 * GET /api/v4/comment_v5/comment/{id}/child_comment (query: order_by=ts, limit, offset)
 * A post without comments may answer 404.
 */
export interface ZhihuCommentPage {
  paging?: ZhihuPaging;
  data?: ZhihuComment[];
  counts?: { total_counts?: number };
}

export interface ZhihuComment {
  id?: string | number;
  type?: string;
  /** HTML. */
  content?: string;
  /** Unix seconds. */
  created_time?: number;
  author?: ZhihuAuthor;
  like_count?: number;
  dislike_count?: number;
  child_comment_count?: number;
  /** The comment this one replies to (a root comment, or another reply). */
  reply_comment_id?: string;
  reply_root_comment_id?: string;
  /** `{type: "ip_info", text: "IP 属地广东"}` among others. */
  comment_tag?: Array<{ type?: string; text?: string }>;
  /** Root comments: the first replies, shown under the comment (all of them when child_comment_count is that small). */
  child_comments?: ZhihuComment[];
}

/**
 * GET /api/v4/members/{url_token}/answers | articles | zvideos — a creator's posts,
 * as the profile page loads them (`?page=N` in the page URL → offset (N-1)*20).
 * Query: include (long field list), offset, limit=20, sort_by=created.
 */
export interface ZhihuMemberListResponse {
  paging?: ZhihuPaging;
  data?: ZhihuContentObject[];
}

/**
 * Error answers (HTTP 401 / 403, sometimes 200): `error.code` says why — 100 / 10003
 * (login needed) or 40362 / 40352 (request looks abnormal, see /account/unhuman).
 */
export interface ZhihuErrorResponse {
  error?: { code?: number; message?: string; name?: string; need_login?: boolean; redirect?: string };
}

/** The page state: `<script id="js-initialData" type="text/json">` on every page. */
export interface ZhihuInitialData {
  initialState?: {
    entities?: {
      answers?: Record<string, ZhihuAnswerEntity>;
      articles?: Record<string, ZhihuArticleEntity>;
      zvideos?: Record<string, ZhihuZvideoEntity>;
      users?: Record<string, ZhihuUserEntity>;
      questions?: Record<string, { id?: string | number; title?: string }>;
    };
  };
}

export interface ZhihuUserEntity {
  id?: string;
  urlToken?: string;
  name?: string;
  avatarUrl?: string;
  /** 1 male, 0 female, -1 unknown. */
  gender?: number;
  /** "IP 属地广东". */
  ipInfo?: string;
  followerCount?: number;
  followingCount?: number;
  answerCount?: number;
  articlesCount?: number;
  zvideoCount?: number;
  questionCount?: number;
  columnsCount?: number;
  voteupCount?: number;
}

type EntityAuthor = { id?: string; urlToken?: string; name?: string; avatarUrl?: string };

export interface ZhihuAnswerEntity {
  id?: string | number;
  type?: string;
  content?: string;
  excerpt?: string;
  createdTime?: number;
  updatedTime?: number;
  voteupCount?: number;
  commentCount?: number;
  question?: { id?: string | number; title?: string };
  author?: EntityAuthor;
}

export interface ZhihuArticleEntity {
  id?: string | number;
  type?: string;
  title?: string;
  content?: string;
  excerpt?: string;
  created?: number;
  updated?: number;
  voteupCount?: number;
  commentCount?: number;
  author?: EntityAuthor;
}

export interface ZhihuZvideoEntity {
  id?: string | number;
  type?: string;
  title?: string;
  description?: string;
  publishedAt?: number;
  updatedAt?: number;
  voteupCount?: number;
  commentCount?: number;
  /** A key into entities.users (url_token), or the author itself. */
  author?: string | EntityAuthor;
}

/** The `offset` of a paging `next` URL ("" when there is none). */
export function nextOffset(paging: ZhihuPaging | undefined): string {
  if (!paging?.next) return "";
  try {
    return new URL(paging.next).searchParams.get("offset") ?? "";
  } catch {
    return "";
  }
}
