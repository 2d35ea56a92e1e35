/**
 * The JSON the 快手 web app (www.kuaishou.com) gets from its API, as far as we read it.
 * Only the fields we use are typed, all optional: the site leaves fields out freely and a
 * missing one must never crash a crawl. The stand-in in tests/fixtures/ks/ answers in
 * exactly these shapes.
 *
 * Where the shapes come from (public material, checked 2026-11):
 * - NanmiCoder/MediaCrawler, media_platform/kuaishou/graphql/*.graphql and client.py: the
 *   GraphQL endpoint POST /graphql with `{operationName, variables, query}`; operations
 *   `visionSearchPhoto(keyword, pcursor, searchSessionId, page: "search")`,
 *   `visionVideoDetail(photoId, page)`, `visionProfile(userId)`,
 *   `visionProfilePhotoList(userId, pcursor, page: "profile")`; answers
 *   `{data: {<operation>: {result, feeds[{type, author{id,name,headerUrl}, photo{id,
 *   caption, timestamp, realLikeCount, likeCount, viewCount, coverUrl, photoUrl}}],
 *   pcursor, searchSessionId}}}`, pcursor "no_more" at the end.
 * - The same project's comment client (after the site's switch to REST): POST
 *   /rest/v/photo/comment/list `{photoId, pcursor}` → `{result: 1, rootCommentsV2,
 *   pcursorV2, commentCountV2}` and POST /rest/v/photo/comment/sublist `{photoId, pcursor,
 *   rootCommentId}` → `{result: 1, subCommentsV2, pcursorV2}`; comments in snake_case
 *   (`comment_id` as a number, `author_id`, `author_name`, `headurl`, `content`,
 *   `timestamp`, `commentCount`, `hasSubComments`).
 * - Public probes of kuaishou answers: `result: 1` success, `109` login needed, `2001`
 *   "antispam need captcha" (with `captchaConfig`), `2` rate-limited/antispam; GraphQL
 *   operations answer `result: 400002` when a captcha is required, and GraphQL-level
 *   failures come as `{errors: [{message}]}`.
 */

/** GraphQL answers: `data[operationName]` holds the operation's result, or `errors` says why not. */
export interface KsGraphqlResponse<Op extends string = string, T = unknown> {
  data?: { [K in Op]?: T | null } | null;
  errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
}

export interface KsAuthor {
  id?: string;
  name?: string;
  headerUrl?: string;
}

export interface KsPhoto {
  id?: string;
  caption?: string;
  /** Unix milliseconds. */
  timestamp?: number;
  /** Exact like count; `likeCount` is the rounded label ("1.2万"). */
  realLikeCount?: number;
  likeCount?: number | string;
  viewCount?: number | string;
  commentCount?: number;
  coverUrl?: string;
  photoUrl?: string;
  duration?: number;
}

/** One card of a result list (search, a creator's videos). */
export interface KsFeed {
  /** Kind of card (1 = video). */
  type?: number;
  author?: KsAuthor;
  photo?: KsPhoto;
}

/** Every operation answers with `result` (1 = success); see the header for the others. */
export interface KsResult {
  result?: number;
}

/** visionSearchPhoto and visionProfilePhotoList. */
export interface KsFeedList extends KsResult {
  feeds?: KsFeed[] | null;
  /** The next page's cursor; "no_more" (or empty) at the end. */
  pcursor?: string;
  searchSessionId?: string;
}

/** visionVideoDetail. */
export interface KsVideoDetail extends KsResult {
  status?: number;
  type?: number;
  author?: KsAuthor;
  photo?: KsPhoto | null;
}

/** visionProfile. */
export interface KsProfile extends KsResult {
  userProfile?: {
    ownerCount?: { fan?: number | string; follow?: number | string; photo_public?: number | string };
    profile?: { user_id?: string; user_name?: string; headurl?: string; gender?: string; user_text?: string };
  } | null;
}

/** A comment or reply of the REST comment endpoints. */
export interface KsComment {
  comment_id?: number | string;
  author_id?: string | number;
  author_name?: string;
  headurl?: string;
  content?: string;
  /** Unix milliseconds. */
  timestamp?: number;
  /** Number of replies (top-level comments). */
  commentCount?: number;
  hasSubComments?: boolean;
  likedCount?: number;
}

/** Answers of the REST endpoints: `result` as above, plus `error_msg` on failure. */
export interface KsRestEnvelope extends KsResult {
  error_msg?: string;
}

/** POST /rest/v/photo/comment/list */
export interface KsCommentListResponse extends KsRestEnvelope {
  rootCommentsV2?: KsComment[] | null;
  pcursorV2?: string;
  commentCountV2?: number;
}

/** POST /rest/v/photo/comment/sublist */
export interface KsSubCommentListResponse extends KsRestEnvelope {
  subCommentsV2?: KsComment[] | null;
  pcursorV2?: string;
}

/** The end-of-list cursor of every 快手 list. */
export const KS_NO_MORE = "no_more";

export const KS_ENDPOINTS = {
  graphql: "/graphql",
  comments: "/rest/v/photo/comment/list",
  replies: "/rest/v/photo/comment/sublist",
} as const;

export const KS_OPERATIONS = {
  search: "visionSearchPhoto",
  detail: "visionVideoDetail",
  profile: "visionProfile",
  photos: "visionProfilePhotoList",
} as const;
export type KsOperation = (typeof KS_OPERATIONS)[keyof typeof KS_OPERATIONS];
