/**
 * The JSON shapes of the zhihu (知乎) web app's endpoints and page state, as zod schemas:
 * every body the crawler reads is checked against them (session.expect / expectValue), so
 * a changed answer is SITE_CHANGED instead of an empty list, and fields we do not know are
 * counted as warnings. The stand-in (tests/fixtures/zhihu) answers in exactly these shapes.
 *
 * Sources, per group below: NanmiCoder/MediaCrawler (MC) media_platform/zhihu/client.py and
 * help.py at HEAD d6f7c5b (search_v3 results, comment_v5 pages, member lists,
 * js-initialData entities); the userscripts liuyubing233/zhihu-custom (src/index.ts reads
 * the app's comment_v5 and members answers/articles answers as they go by, and the
 * js-initialData entities) and liuyubing233/zhihu-custom-mobile (src/commons/request.ts:
 * comment_v5 URLs and `paging.next`). API objects are snake_case; the page state
 * (`js-initialData`) is the web app's normalised store and is camelCase (MC help.py:343-350
 * reads `followingCount`, `answerCount`…). Only the fields we read are listed.
 */
import * as z from "zod";
import { absentOk } from "../media/drift.js";

const id = z.union([z.string(), z.number()]);

/**
 * Paging of every list endpoint: follow `next` (an absolute URL with the next offset) until
 * `is_end` (MC client.py:309-316, help.py:277-294; zhihu-custom-mobile request.ts).
 */
export const zhihuPagingShape = z.object({
  is_end: z.boolean(),
  is_start: absentOk(z.boolean()),
  next: absentOk(z.string()),
  previous: absentOk(z.string()),
  totals: absentOk(z.number()),
});
export type ZhihuPaging = z.infer<typeof zhihuPagingShape>;

/** An author (MC help.py:187-209: id, name; anonymous authors have id "0" and url_token ""). */
export const zhihuAuthorShape = z.object({
  id: z.string().optional(),
  url_token: z.string().optional(),
  name: z.string().optional(),
  avatar_url: z.string().optional(),
  headline: absentOk(z.string()),
  type: absentOk(z.string()),
});
export type ZhihuAuthor = z.infer<typeof zhihuAuthorShape>;

/**
 * An answer, article or video as the API returns it (search results, member lists): MC
 * help.py:101-184. Each kind has its own fields, hence `maybe` for those.
 */
export const zhihuContentObjectShape = z.object({
  id: id.optional(),
  type: z.string().optional(),
  title: absentOk(z.string()),
  /** HTML. */
  content: absentOk(z.string()),
  /** Plain-ish text summary (may contain <em> highlights in search results). */
  excerpt: absentOk(z.string()),
  /** zvideo: the text under the video. */
  description: absentOk(z.string()),
  created_time: absentOk(z.number()),
  updated_time: absentOk(z.number()),
  /** article: `created` / `updated` instead of *_time on some endpoints (MC help.py:144-145). */
  created: absentOk(z.number()),
  updated: absentOk(z.number()),
  /** zvideo: `published_at` / `created_at` / `updated_at` (MC help.py:168-174). */
  published_at: absentOk(z.number()),
  created_at: absentOk(z.number()),
  updated_at: absentOk(z.number()),
  voteup_count: absentOk(z.number()),
  comment_count: absentOk(z.number()),
  question: absentOk(z.object({ id: id.optional(), title: absentOk(z.string()), name: absentOk(z.string()) })),
  author: absentOk(zhihuAuthorShape),
});
export type ZhihuContentObject = z.infer<typeof zhihuContentObjectShape>;

/**
 * GET /api/v4/search_v3 — the search page's results, 20 per scroll (MC client.py:211-229:
 * gk_version, t=general, q, correction, offset, limit, filter_fields, lc_idx,
 * show_all_topics, search_source, time_interval, sort, vertical). Items of `type`
 * "search_result" or "zvideo" carry the post in `object` (MC help.py:72-74); others
 * (relevant_query, knowledge_ad, …) are not posts.
 */
export const zhihuSearchShape = z.object({
  paging: zhihuPagingShape,
  data: z.array(
    z.object({
      type: z.string(),
      highlight: absentOk(z.object({ title: absentOk(z.string()), description: absentOk(z.string()) })),
      object: absentOk(zhihuContentObjectShape),
    }),
  ),
});
export type ZhihuSearchResponse = z.infer<typeof zhihuSearchShape>;

/** One comment_v5 comment (MC help.py:230-274). */
export interface ZhihuComment {
  id?: string | number;
  type?: string;
  content?: string;
  created_time?: number;
  author?: ZhihuAuthor;
  like_count?: number;
  dislike_count?: number;
  child_comment_count?: number;
  reply_comment_id?: string;
  reply_root_comment_id?: string;
  comment_tag?: ReadonlyArray<{ type?: string; text?: string }>;
  child_comments?: readonly ZhihuComment[];
}
export const zhihuCommentShape: z.ZodType<ZhihuComment> = z.lazy(() =>
  z.object({
    id,
    /** "comment" for comments (MC help.py:225 skips others). */
    type: z.string().optional(),
    /** HTML. */
    content: z.string().optional(),
    /** Unix seconds. */
    created_time: z.number().optional(),
    author: z.optional(zhihuAuthorShape),
    like_count: z.number().optional(),
    dislike_count: absentOk(z.number()),
    child_comment_count: z.number().optional(),
    /** The comment this one replies to (MC help.py:242). */
    reply_comment_id: absentOk(z.string()),
    reply_root_comment_id: absentOk(z.string()),
    /** `{type: "ip_info", text: "IP 属地广东"}` among others (MC help.py:257-274). */
    comment_tag: absentOk(z.array(z.object({ type: absentOk(z.string()), text: absentOk(z.string()) }))),
    /** Root comments: the first replies, shown under the comment (zhihu-custom-mobile listen-comment.ts: all of them when child_comment_count is that small). */
    child_comments: absentOk(z.array(zhihuCommentShape)),
  }),
);

/**
 * GET /api/v4/comment_v5/{answers|articles|zvideos}/{id}/root_comment (order_by=score,
 * limit=20, offset — an opaque cursor from `paging.next`) and
 * GET /api/v4/comment_v5/comment/{id}/child_comment (order_by=ts, limit=20, offset):
 * zhihu-custom-mobile request.ts:57-92; MC client.py:231-286 sends `order` and limit 10.
 * A post without comments answers 404 (MC client.py:110-111).
 */
export const zhihuCommentPageShape = z.object({
  paging: zhihuPagingShape,
  data: z.array(zhihuCommentShape),
  counts: absentOk(z.object({ total_counts: absentOk(z.number()) })),
});
export type ZhihuCommentPage = z.infer<typeof zhihuCommentPageShape>;

/**
 * GET /api/v4/members/{url_token}/answers | articles | zvideos — a creator's posts, as the
 * profile page loads them (MC client.py:399-460: include, offset, limit=20,
 * order_by=created; zhihu-custom src/index.ts reads the app's own members answers/articles).
 */
export const zhihuMemberListShape = z.object({ paging: zhihuPagingShape, data: z.array(zhihuContentObjectShape) });
export type ZhihuMemberListResponse = z.infer<typeof zhihuMemberListShape>;

/**
 * Error answers (HTTP 401 / 403, sometimes 200): `error.code` says why — 100 / 10003
 * (login needed) or 40362 / 40352 (request looks abnormal, see /account/unhuman).
 * MC only reads `error.message` (client.py:118-121). ASSUMPTION: the codes.
 */
export interface ZhihuErrorResponse {
  error?: { code?: number; message?: string; name?: string; need_login?: boolean; redirect?: string };
}

/** A post's or profile's author inside the page state (camelCase). */
const entityAuthor = z.object({
  id: z.string().optional(),
  urlToken: z.string().optional(),
  name: z.string().optional(),
  avatarUrl: z.string().optional(),
});

/** The profile owner in `entities.users` (MC help.py:332-350). */
export const zhihuUserEntityShape = z.object({
  id: z.string().optional(),
  urlToken: z.string().optional(),
  name: z.string().optional(),
  avatarUrl: z.string().optional(),
  /** 1 male, 0 female, -1 unknown (MC help.py:297-311). */
  gender: absentOk(z.number()),
  /** "IP 属地广东". ASSUMPTION: MC does not read it. */
  ipInfo: absentOk(z.string()),
  followerCount: absentOk(z.number()),
  followingCount: absentOk(z.number()),
  answerCount: absentOk(z.number()),
  articlesCount: absentOk(z.number()),
  zvideoCount: absentOk(z.number()),
  questionCount: absentOk(z.number()),
  columnsCount: absentOk(z.number()),
  voteupCount: absentOk(z.number()),
});
export type ZhihuUserEntity = z.infer<typeof zhihuUserEntityShape>;

export const zhihuAnswerEntityShape = z.object({
  id: id.optional(),
  type: absentOk(z.string()),
  content: z.string().optional(),
  excerpt: absentOk(z.string()),
  createdTime: z.number().optional(),
  updatedTime: z.number().optional(),
  voteupCount: z.number().optional(),
  commentCount: z.number().optional(),
  question: z.object({ id: id.optional(), title: absentOk(z.string()) }).optional(),
  author: absentOk(entityAuthor),
});
export type ZhihuAnswerEntity = z.infer<typeof zhihuAnswerEntityShape>;

export const zhihuArticleEntityShape = z.object({
  id: id.optional(),
  type: absentOk(z.string()),
  title: z.string().optional(),
  content: z.string().optional(),
  excerpt: absentOk(z.string()),
  created: z.number().optional(),
  updated: z.number().optional(),
  voteupCount: z.number().optional(),
  commentCount: z.number().optional(),
  author: absentOk(entityAuthor),
});
export type ZhihuArticleEntity = z.infer<typeof zhihuArticleEntityShape>;

export const zhihuZvideoEntityShape = z.object({
  id: id.optional(),
  type: absentOk(z.string()),
  title: z.string().optional(),
  description: absentOk(z.string()),
  publishedAt: z.number().optional(),
  updatedAt: absentOk(z.number()),
  voteupCount: z.number().optional(),
  commentCount: z.number().optional(),
  /** A key into entities.users (url_token), or the author itself. ASSUMPTION: the key form. */
  author: absentOk(z.union([z.string(), entityAuthor])),
});
export type ZhihuZvideoEntity = z.infer<typeof zhihuZvideoEntityShape>;

/**
 * The page state: `<script id="js-initialData" type="text/json">` on every page (MC
 * help.py:327-350, 380-420; zhihu-custom src/index.ts reads `initialState.entities`). Each
 * page fills the entities of what it shows, so every kind may be absent.
 */
export const zhihuInitialDataShape = z.object({
  initialState: z.object({
    entities: z.object({
      answers: absentOk(z.record(z.string(), zhihuAnswerEntityShape)),
      articles: absentOk(z.record(z.string(), zhihuArticleEntityShape)),
      zvideos: absentOk(z.record(z.string(), zhihuZvideoEntityShape)),
      users: absentOk(z.record(z.string(), zhihuUserEntityShape)),
      questions: absentOk(z.record(z.string(), z.object({ id: id.optional(), title: z.string().optional() }))),
    }),
  }),
});
export type ZhihuInitialData = z.infer<typeof zhihuInitialDataShape>;

/** The `offset` of a paging `next` URL ("" when there is none; MC help.py:277-294). */
export function nextOffset(paging: ZhihuPaging | undefined): string {
  if (!paging?.next) return "";
  try {
    return new URL(paging.next).searchParams.get("offset") ?? "";
  } catch {
    return "";
  }
}
