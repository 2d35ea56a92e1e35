import * as z from "zod";

/**
 * The JSON the 快手 web app (www.kuaishou.com) gets from its API, as far as the crawler reads
 * it, as zod schemas: every body is checked with `session.expect` (a mismatch is
 * SITE_CHANGED; unknown fields and missing optional ones become the task's warnings). The
 * TypeScript types are inferred from them, and the stand-in in tests/fixtures/ks answers
 * in exactly these shapes.
 *
 * Sources (public; paths in those repositories):
 * - NanmiCoder/MediaCrawler d6f7c5b, media_platform/kuaishou/:
 *   - client.py:161-189: the lists moved to signed REST, POST /rest/v/search/feed
 *     `{keyword, pcursor, page: "search", searchSessionId}` and POST /rest/v/profile/feed
 *     `{user_id, pcursor, page: "profile"}`, answering at the top level
 *     `{result, pcursor, feeds, searchSessionId}` (core.py:160-179, client.py:414-442), the
 *     items `feeds[].photo` as before; `result` 1 is success, 2 throttling (client.py:150-157),
 *     50 an unsigned request (client.py:120);
 *   - client.py:243-298 and graphql/*.graphql: GraphQL POST /graphql `{operationName,
 *     variables, query}` for `visionVideoDetail(photoId, page)`, `visionProfile(userId)`,
 *     and the lists' former operations `visionSearchPhoto`, `visionProfilePhotoList`,
 *     answering `{data: {<operation>: …}}` or `{errors: [{message}]}`;
 *   - client.py:256-387: comments over REST v2, POST /rest/v/photo/comment/list
 *     `{photoId, pcursor}` → `{result, rootCommentsV2, pcursorV2, commentCountV2}` and POST
 *     /rest/v/photo/comment/sublist `{photoId, pcursor, rootCommentId}` (a number) →
 *     `{result, subCommentsV2, pcursorV2}`; comments in snake_case (`comment_id` a number,
 *     `author_id`, `author_name`, `headurl`, `content`, `timestamp`, `commentCount`,
 *     `hasSubComments`); "no_more" ends every cursor;
 *   - store/kuaishou/__init__.py:55-110: the fields it stores.
 * - Public probes of kuaishou answers: `result: 109` login needed, `2001` "antispam need
 *   captcha" (with `captchaConfig`), GraphQL `result: 400002` when a captcha is required;
 *   a GraphQL answer without login says "No Login" in `errors`.
 */

/** The end-of-list cursor of every 快手 list. */
export const KS_NO_MORE = "no_more";

export const ksAuthor = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  headerUrl: z.string().optional(),
});
export type KsAuthor = z.infer<typeof ksAuthor>;

export const ksPhoto = z.looseObject({
  id: z.string(),
  caption: z.string().optional(),
  /** Unix milliseconds. */
  timestamp: z.number().optional(),
  /** Exact like count; `likeCount` is the rounded label ("1.2万"). */
  realLikeCount: z.number().optional(),
  likeCount: z.union([z.number(), z.string()]).optional(),
  viewCount: z.union([z.number(), z.string()]).optional(),
  commentCount: z.number().optional(),
  coverUrl: z.string().optional(),
  photoUrl: z.string().optional(),
  duration: z.number().optional(),
});
export type KsPhoto = z.infer<typeof ksPhoto>;

/** One card of a result list (search, a creator's videos): `{type, author, photo}`. */
export const ksFeed = z.looseObject({
  /** Kind of card (1 = video). */
  type: z.number().optional(),
  author: ksAuthor.optional(),
  /** Absent or null on a card that is not a video (MC reads `photo` of every feed): such a card is skipped. */
  photo: ksPhoto.nullable().optional(),
});
export type KsFeed = z.infer<typeof ksFeed>;

/** A list page, whichever API served it, as the crawler reads it. */
export interface KsFeedList {
  result: number;
  feeds: KsFeed[] | null;
  /** The next page's cursor; "no_more" (or empty) at the end. */
  pcursor: string;
  searchSessionId?: string;
}

/** POST /rest/v/search/feed (signed by the page): `{result, pcursor, feeds, searchSessionId}`. */
export const ksSearchFeedAnswer = z.looseObject({
  result: z.number(),
  pcursor: z.string(),
  feeds: z.array(ksFeed).nullable(),
  searchSessionId: z.string().optional(),
});

/** POST /rest/v/profile/feed (signed by the page): `{result, pcursor, feeds}`. */
export const ksProfileFeedAnswer = z.looseObject({
  result: z.number(),
  pcursor: z.string(),
  feeds: z.array(ksFeed).nullable(),
});

/** A GraphQL answer: `data.<operation>` holds the operation's result. */
function graphqlAnswer<Op extends string, T extends z.ZodType>(operation: Op, result: T) {
  return z.looseObject({ data: z.looseObject({ [operation]: result } as Record<Op, T>) });
}

/** The lists' former GraphQL operations, still supported (a page may be served the old app). */
export const ksSearchPhotoAnswer = graphqlAnswer("visionSearchPhoto", ksSearchFeedAnswer);
export const ksProfilePhotoListAnswer = graphqlAnswer("visionProfilePhotoList", ksProfileFeedAnswer);

/** visionVideoDetail: the video, or `photo: null` when it is deleted or hidden. */
export const ksVideoDetail = z.looseObject({
  status: z.number().optional(),
  type: z.number().optional(),
  author: ksAuthor.nullable().optional(),
  photo: ksPhoto.nullable(),
});
export type KsVideoDetail = z.infer<typeof ksVideoDetail>;
export const ksVideoDetailAnswer = graphqlAnswer("visionVideoDetail", ksVideoDetail.nullable());

/** visionProfile. */
export const ksProfile = z.looseObject({
  result: z.number(),
  userProfile: z
    .looseObject({
      ownerCount: z
        .looseObject({
          fan: z.union([z.number(), z.string()]).optional(),
          follow: z.union([z.number(), z.string()]).optional(),
          photo_public: z.union([z.number(), z.string()]).optional(),
        })
        .optional(),
      profile: z
        .looseObject({
          user_id: z.string().optional(),
          user_name: z.string().optional(),
          headurl: z.string().optional(),
        })
        .optional(),
    })
    .nullable(),
});
export type KsProfile = z.infer<typeof ksProfile>;
export const ksProfileAnswer = graphqlAnswer("visionProfile", ksProfile);

/** A comment or reply of the REST comment endpoints. */
export const ksComment = z.looseObject({
  comment_id: z.union([z.number(), z.string()]),
  author_id: z.union([z.string(), z.number()]).optional(),
  author_name: z.string().optional(),
  headurl: z.string().optional(),
  content: z.string().optional(),
  /** Unix milliseconds. */
  timestamp: z.number().optional(),
  /** Number of replies (top-level comments). */
  commentCount: z.number().optional(),
  hasSubComments: z.boolean().optional(),
  likedCount: z.number().optional(),
});
export type KsComment = z.infer<typeof ksComment>;

/** POST /rest/v/photo/comment/list */
export const ksCommentListAnswer = z.looseObject({
  result: z.number(),
  rootCommentsV2: z.array(ksComment).nullable(),
  pcursorV2: z.string(),
  commentCountV2: z.number().optional(),
});
export type KsCommentListResponse = z.infer<typeof ksCommentListAnswer>;

/** POST /rest/v/photo/comment/sublist */
export const ksSubCommentListAnswer = z.looseObject({
  result: z.number(),
  subCommentsV2: z.array(ksComment).nullable(),
  pcursorV2: z.string(),
});
export type KsSubCommentListResponse = z.infer<typeof ksSubCommentListAnswer>;

/** What every answer may carry: `result` (1 success), `error_msg`, GraphQL `errors`. */
export interface KsResult {
  result?: number;
  error_msg?: string;
}
export interface KsGraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string }>;
}
