import * as z from "zod";

/**
 * The JSON the 抖音 web app (www.douyin.com) gets from its API, as far as the crawler reads
 * it, as zod schemas: every body is checked with `session.expect` (a mismatch is
 * SITE_CHANGED; unknown fields and missing optional ones become the task's warnings). The
 * TypeScript types are inferred from them, and the stand-in in tests/fixtures/dy answers
 * in exactly these shapes.
 *
 * Sources (public; paths in those repositories):
 * - NanmiCoder/MediaCrawler d6f7c5b: media_platform/douyin/client.py (endpoints and their
 *   parameters: search 169-209, detail 211-221, comments 223-233, replies 235-251, profile
 *   312-319, posts 321-330; the paging fields `cursor`/`has_more` 273-302 and
 *   `max_cursor`/`has_more` 332-345; an empty or "blocked" body is a blocked account
 *   130-132), media_platform/douyin/core.py (search cards `aweme_info` or
 *   `aweme_mix_info.mix_items[0]`, `extra.logid` as the next page's `search_id`, 152-172),
 *   store/douyin/__init__.py (the fields it stores: statistics, cover and play URL lists,
 *   `images`, `music.play_url` 102-216);
 * - Cloudbird-Software/Media-Monitor internal/collect/search_stream.go: the search page's
 *   first page comes from /aweme/v1/web/general/search/stream/ as bare hex frame-size
 *   lines wrapping concatenated JSON documents; their `data` arrays make the page, and
 *   `has_more`/`cursor`/`extra` come from the last one, whose `extra.log_pb.logid` (or
 *   `extra.logid`) is the `search_id` of the single/ pages that follow;
 * - public issue threads of Douyin clients: `status_code: 8` "用户未登录" for a missing or
 *   expired login, `search_nil_info.search_nil_type: "verify_check"` (with `status_code: 0`
 *   and an empty `data`) when search wants a slider captcha.
 */

/** An image or video address as the site gives it: several CDN mirrors of one file. */
export const dyUrlList = z.looseObject({
  uri: z.string().optional(),
  url_list: z.array(z.string()).optional(),
});
export type DyUrlList = z.infer<typeof dyUrlList>;

/**
 * A user as posts, comments and profiles carry it. `sec_uid` is what profile URLs and the
 * creator endpoints take; `uid` is the numeric id (MC hashes it, store/douyin 168).
 */
export const dyUser = z.looseObject({
  uid: z.string().optional(),
  sec_uid: z.string().optional(),
  nickname: z.string().optional(),
  avatar_thumb: dyUrlList.optional(),
});
export type DyUser = z.infer<typeof dyUser> & { avatar_medium?: DyUrlList; avatar_larger?: DyUrlList };

/** A post (视频 or 图文) as search, detail and the creator's post list give it. */
export const dyAweme = z.looseObject({
  aweme_id: z.string(),
  /** 0 = video, 68 = image post (图文); other values for other formats. */
  aweme_type: z.number().optional(),
  desc: z.string().optional(),
  /** Unix seconds. */
  create_time: z.number().optional(),
  author: dyUser.optional(),
  statistics: z
    .looseObject({
      digg_count: z.number().optional(),
      collect_count: z.number().optional(),
      comment_count: z.number().optional(),
      share_count: z.number().optional(),
    })
    .optional(),
  /** play_addr_h264 / play_addr_256 / raw_cover are read when present (MC store/douyin 114-139). */
  video: z
    .looseObject({
      play_addr: dyUrlList.optional(),
      cover: dyUrlList.optional(),
      origin_cover: dyUrlList.optional(),
    })
    .optional(),
  /** Image posts: one entry per picture; null on videos. */
  images: z.array(dyUrlList).nullable().optional(),
  /** The soundtrack: `play_url.uri` is what MC stores as music_download_url (store/douyin 142-155). */
  music: z.looseObject({ play_url: dyUrlList.optional() }).nullable().optional(),
  /** "IP属地" label, e.g. "上海". */
  ip_label: z.string().optional(),
});
export type DyAweme = z.infer<typeof dyAweme> & {
  video?: { play_addr_h264?: DyUrlList; play_addr_256?: DyUrlList; raw_cover?: DyUrlList };
};

/** Present on search answers the site refused to fill (verification, login). */
export const dySearchNilInfo = z.looseObject({
  search_nil_type: z.string().optional(),
  search_nil_item: z.string().optional(),
  is_load_more: z.string().optional(),
});

/** Every answer carries `status_code` (0: success) and sometimes `status_msg`. */
export interface DyEnvelope {
  status_code?: number;
  status_msg?: string | null;
  search_nil_info?: z.infer<typeof dySearchNilInfo> | null;
}

/** `extra` of a search page: its `logid` is the next page's `search_id`. */
const dySearchExtra = z.looseObject({
  logid: z.string().optional(),
  log_pb: z.looseObject({ logid: z.string().optional() }).optional(),
});

/**
 * One result card: a post (`aweme_info`), a collection (`aweme_mix_info.mix_items`, whose
 * first post MC takes, core.py:167), or another kind of card (a user, a topic), skipped.
 * A union, so that a post card does not report the collection field as missing.
 */
export const dySearchCard = z.union([
  z.looseObject({ type: z.number().optional(), aweme_info: dyAweme }),
  z.looseObject({
    type: z.number().optional(),
    aweme_mix_info: z.looseObject({ mix_items: z.array(dyAweme).nullable() }),
  }),
  z.looseObject({ type: z.number().optional() }),
]);
export type DySearchCard = { type?: number; aweme_info?: DyAweme; aweme_mix_info?: { mix_items?: DyAweme[] | null } };

/**
 * GET /aweme/v1/web/general/search/single/, and the search stream's frames merged into
 * one page (see {@link dyStreamPage}).
 */
const dySearchAnswerShape = z.looseObject({
  status_code: z.number(),
  /** Always there (null or [] when nothing matched): MC core.py:160-162 takes an answer without it for a refused account. */
  data: z.array(dySearchCard).nullable(),
  /** 1 while more results can be loaded (the next call's `offset` is `cursor`). */
  has_more: z.number(),
  cursor: z.number().optional(),
  extra: dySearchExtra.optional(),
});
export interface DySearchResponse {
  status_code: number;
  data: DySearchCard[] | null;
  has_more: number;
  cursor?: number;
  extra?: { logid?: string; log_pb?: { logid?: string } };
}
/** The schema above, typed as what the crawler reads of it (zod infers the card union loosely). */
export const dySearchAnswer = dySearchAnswerShape as unknown as z.ZodType<DySearchResponse>;

/**
 * GET /aweme/v1/web/aweme/detail/?aweme_id=: the post, or `aweme_detail: null` with
 * `filter_detail` saying why (deleted, private). A union, so that neither form reports the
 * other's field as missing.
 */
const dyDetailAnswerShape = z.union([
  z.looseObject({ status_code: z.number(), aweme_detail: dyAweme }),
  z.looseObject({
    status_code: z.number(),
    aweme_detail: z.null(),
    filter_detail: z
      .looseObject({
        aweme_id: z.string().optional(),
        filter_reason: z.string().optional(),
        detail_msg: z.string().optional(),
      })
      .optional(),
  }),
]);
export interface DyDetailResponse {
  status_code: number;
  aweme_detail: DyAweme | null;
  filter_detail?: { aweme_id?: string; filter_reason?: string; detail_msg?: string };
}
/** The schema above, typed as what the crawler reads of it. */
export const dyDetailAnswer = dyDetailAnswerShape as unknown as z.ZodType<DyDetailResponse>;

/** A comment or a reply; a reply's `reply_id` is its top-level comment's `cid` ("0" on top-level ones). */
export const dyComment = z.looseObject({
  cid: z.string(),
  aweme_id: z.string().optional(),
  text: z.string().optional(),
  /** Unix seconds. */
  create_time: z.number().optional(),
  digg_count: z.number().optional(),
  reply_id: z.string().optional(),
  reply_comment_total: z.number().optional(),
  user: dyUser.optional(),
  ip_label: z.string().optional(),
  /** Pictures in the comment: `origin_url.url_list`. */
  image_list: z
    .array(z.looseObject({ origin_url: dyUrlList.optional() }))
    .nullable()
    .optional(),
});
export type DyComment = z.infer<typeof dyComment>;

/** GET /aweme/v1/web/comment/list/ and GET /aweme/v1/web/comment/list/reply/ */
export const dyCommentListAnswer = z.looseObject({
  status_code: z.number(),
  comments: z.array(dyComment).nullable(),
  /** The next page's `cursor`. */
  cursor: z.number(),
  has_more: z.number(),
  total: z.number().optional(),
});
export type DyCommentListResponse = z.infer<typeof dyCommentListAnswer>;

/** GET /aweme/v1/web/user/profile/other/?sec_user_id= */
export const dyProfileAnswer = z.looseObject({
  status_code: z.number(),
  user: dyUser
    .extend({
      follower_count: z.number().optional(),
      following_count: z.number().optional(),
      total_favorited: z.number().optional(),
      aweme_count: z.number().optional(),
      /** e.g. "IP属地：上海". */
      ip_location: z.string().optional(),
    })
    .nullable()
    .optional(),
});
export type DyProfileResponse = z.infer<typeof dyProfileAnswer>;

/** GET /aweme/v1/web/aweme/post/?sec_user_id=&max_cursor= */
export const dyPostListAnswer = z.looseObject({
  status_code: z.number(),
  aweme_list: z.array(dyAweme).nullable(),
  /** The next page's `max_cursor` (a millisecond timestamp). */
  max_cursor: z.number(),
  has_more: z.number(),
});
export type DyPostListResponse = z.infer<typeof dyPostListAnswer>;

/** A line that is only a chunk size in hex ("a88b4"): framing, not data (search_stream.go isHexFrameSize). */
const FRAME_SIZE = /^[0-9a-fA-F]{1,8}$/;

/**
 * The JSON documents of a search-stream body: frame-size lines and blank lines dropped
 * (a frame may split a document, so the rest is joined first), then the top-level JSON
 * objects read one after another. Nothing readable gives [].
 *
 * @example dyStreamDocs('1a\r\n{"status_code":0,"data":[]}\r\n0\r\n') // [{ status_code: 0, data: [] }]
 */
export function dyStreamDocs(text: string): unknown[] {
  const joined = text
    .split("\n")
    .map((line) => line.replace(/\r$/, ""))
    .filter((line) => line.trim() !== "" && !FRAME_SIZE.test(line.trim()))
    .join("");
  const docs: unknown[] = [];
  for (const piece of topLevelObjects(joined)) {
    try {
      docs.push(JSON.parse(piece));
    } catch {
      // A cut document: the rest of the stream is still read.
    }
  }
  return docs;
}

/** The `{…}` spans at depth 0 of `text`, strings (and their escapes) respected. */
function topLevelObjects(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (char === "}" && depth > 0) {
      depth--;
      if (depth === 0) pieces.push(text.slice(start, i + 1));
    }
  }
  return pieces;
}

/**
 * The stream's documents as one search page, as search_stream.go merges them: every
 * document's `data` in order (absent when no document has it); `has_more`, `cursor` and
 * `extra` from the last document that has them; the first non-zero `status_code` (a
 * refusal in any frame is the answer), and any `search_nil_info`. Undefined when there is
 * no document.
 */
export function dyStreamPage(docs: readonly unknown[]): Record<string, unknown> | undefined {
  const objects = docs.filter(
    (doc): doc is Record<string, unknown> => typeof doc === "object" && doc !== null && !Array.isArray(doc),
  );
  if (objects.length === 0) return undefined;
  // `data` only when a document has it: a stream whose cards moved elsewhere must fail its shape, not read as empty.
  const page: Record<string, unknown> = { status_code: 0 };
  for (const doc of objects) {
    if (Array.isArray(doc.data)) page.data = [...((page.data as unknown[] | undefined) ?? []), ...doc.data];
    if (typeof doc.status_code === "number" && doc.status_code !== 0 && page.status_code === 0) {
      page.status_code = doc.status_code;
      if (doc.status_msg !== undefined) page.status_msg = doc.status_msg;
    }
    for (const key of ["has_more", "cursor", "extra", "search_nil_info"])
      if (doc[key] !== undefined) page[key] = doc[key];
  }
  return page;
}

/** The `search_id` a search page hands to the next (`extra.logid`, or `extra.log_pb.logid`). */
export function dySearchIdOf(page: DySearchResponse): string | undefined {
  return page.extra?.logid || page.extra?.log_pb?.logid || undefined;
}
