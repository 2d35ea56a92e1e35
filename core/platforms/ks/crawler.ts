import { openOnce, optionalAnswer } from "../media/openOnce.js";
import { scrollForMore } from "../media/scrollForMore.js";
import { FEED_DONE, walkFeed } from "../media/scrolledFeed.js";
import type { CapturedResponse, MediaCursor, MediaPlatform, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { classifyKsPage, classifyKsResponse, ksOperationData } from "./access.js";
import { ksBodyOf, ksComments, ksCommentsMatch } from "./comments.js";
import { parseKsPhotoId, parseKsUserId } from "./ids.js";
import { ksContentRecord, ksCreatorRecord } from "./items.js";
import type { KsTaskParams } from "./schema.js";
import {
  KS_ENDPOINTS,
  KS_NO_MORE,
  KS_OPERATIONS,
  type KsCommentListResponse,
  type KsFeedList,
  type KsGraphqlResponse,
  type KsOperation,
  type KsProfile,
  type KsVideoDetail,
} from "./shapes.js";

/**
 * 快手 (www.kuaishou.com) driven as a person would, reading the JSON its own script fetches:
 *
 * - search: `/search/video?searchKey=<keyword>` — the page POSTs GraphQL
 *   `visionSearchPhoto {keyword, pcursor: "", page: "search"}` to /graphql, and again with
 *   the answer's `pcursor` each time the list is scrolled to its end ("no_more" ends it).
 * - detail: `/short-video/<photoId>` — GraphQL `visionVideoDetail {photoId}` and the first
 *   POST /rest/v/photo/comment/list `{photoId, pcursor: ""}`; scrolling the comment pane
 *   sends the next `pcursor`; "展开N条回复" POSTs /rest/v/photo/comment/sublist
 *   `{photoId, rootCommentId, pcursor}`.
 * - creator: `/profile/<userId>` — GraphQL `visionProfile {userId}` and
 *   `visionProfilePhotoList {userId, pcursor, page: "profile"}`, paged like search.
 *
 * With comments, every video's page is opened after the video was yielded, and the list is
 * then opened again and scrolled back (see ScrolledFeed). The cursor's page token is the
 * 0-based index of the next list page. `start_page` counts list pages as search does.
 */
export const ksPlatform: MediaPlatform<KsTaskParams> = {
  name: "ks",
  baseUrls: { www: "https://www.kuaishou.com" },
  cookieUrl: "www",
  // 快手 throttles (result 2) quickly; MediaCrawler waits 1–3 s extra between comment pages.
  delays: { pageMs: 3_000, scrollMs: 2_500, commentMs: 2_000 },
  classify: classifyKsResponse,
  classifyPage: (page) => classifyKsPage(page),
  search: searchKs,
  detail: detailKs,
  creator: creatorKs,
};

/** A GraphQL operation's answers whose variables pass `test`. */
function operationMatch(operation: KsOperation, test: (variables: Record<string, unknown>) => boolean): ResponseMatch {
  return {
    path: KS_ENDPOINTS.graphql,
    method: "POST",
    test: (response) => {
      const body = ksBodyOf(response);
      const variables = typeof body.variables === "object" && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
      return body.operationName === operation && test(variables);
    },
  };
}

function hasMorePages(list: KsFeedList): boolean {
  return list.pcursor !== undefined && list.pcursor !== "" && list.pcursor !== KS_NO_MORE && (list.feeds ?? []).length > 0;
}

function searchKs(session: MediaSession, params: KsTaskParams, keyword: string, cursor: MediaCursor): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const url = `${www}/search/video?searchKey=${encodeURIComponent(keyword)}`;
  const match = operationMatch(KS_OPERATIONS.search, (variables) => variables.keyword === keyword);
  const listOf = (answer: CapturedResponse<KsGraphqlResponse>) => ksOperationData<KsFeedList>(answer.json, KS_OPERATIONS.search);
  return walkFeed<KsFeedList>({
    cursor,
    maxNotes: params.max_notes_count,
    firstPage: params.start_page - 1,
    steps: {
      open: async () => listOf(await session.capture<KsGraphqlResponse>(match, () => session.open(url))),
      next: async () => listOf(await scrollForMore<KsGraphqlResponse>(session, match)),
      hasMore: hasMorePages,
    },
    recordsOf: (list) => (list.feeds ?? []).flatMap((feed) => ksContentRecord(feed, { wwwBase: www, sourceKeyword: keyword }) ?? []),
    ...commentsOption(session, params),
  });
}

async function* detailKs(session: MediaSession, params: KsTaskParams, input: string, cursor: MediaCursor): AsyncGenerator<MediaRecord, void, undefined> {
  if (cursor.page === FEED_DONE) return;
  const www = session.baseUrls.www as string;
  const photoId = parseKsPhotoId(input) ?? input;
  const opened = openOnce(session, `${www}/short-video/${encodeURIComponent(photoId)}`);
  const comments = wantsComments(params) ? session.capture<KsCommentListResponse>(ksCommentsMatch(photoId), opened) : undefined;
  // Not awaited when the video turns out to be gone; never an unhandled rejection.
  comments?.catch(() => undefined);
  const answer = await session.capture<KsGraphqlResponse>(operationMatch(KS_OPERATIONS.detail, (variables) => variables.photoId === photoId), opened);
  const detail = answer.json?.data?.[KS_OPERATIONS.detail] as KsVideoDetail | null | undefined;
  const record = detail?.photo ? ksContentRecord(detail, { wwwBase: www }) : undefined;
  if (record === undefined) {
    // No photo in the answer: deleted, private or never existed (a failed answer was classified already).
    yield {
      item_type: "content",
      id: photoId,
      fields: { video_id: photoId, video_url: `${www}/short-video/${encodeURIComponent(photoId)}` },
      error: { code: "POST_UNAVAILABLE", message: "the video is deleted or not visible to this account" },
    };
  } else {
    yield record;
    if (comments !== undefined) yield* ksComments(session, params, photoId, await comments);
  }
  cursor.advance(FEED_DONE);
}

function creatorKs(session: MediaSession, params: KsTaskParams, input: string, cursor: MediaCursor): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const userId = parseKsUserId(input) ?? input;
  const photosMatch = operationMatch(KS_OPERATIONS.photos, (variables) => variables.userId === userId);
  const listOf = (answer: CapturedResponse<KsGraphqlResponse>) => ksOperationData<KsFeedList>(answer.json, KS_OPERATIONS.photos);
  // The profile is stored once, from the first opening of the page (not again on a resume).
  let profileWanted = cursor.page === undefined;
  /** The profile record, set when the page opened, yielded before that page's videos. */
  let pendingProfile: MediaRecord | undefined;
  return walkFeed<KsFeedList>({
    cursor,
    maxNotes: params.max_notes_count,
    steps: {
      open: async () => {
        const opened = openOnce(session, `${www}/profile/${encodeURIComponent(userId)}`);
        const profile = profileWanted
          ? optionalAnswer(session, session.capture<KsGraphqlResponse>(operationMatch(KS_OPERATIONS.profile, (variables) => variables.userId === userId), opened), "creator profile")
          : undefined;
        const list = listOf(await session.capture<KsGraphqlResponse>(photosMatch, opened));
        if (profile !== undefined) {
          profileWanted = false;
          const answer = await profile;
          if (answer !== undefined) pendingProfile = ksCreatorRecord(ksOperationData<KsProfile>(answer.json, KS_OPERATIONS.profile).userProfile, userId);
        }
        return list;
      },
      next: async () => listOf(await scrollForMore<KsGraphqlResponse>(session, photosMatch)),
      hasMore: hasMorePages,
    },
    recordsOf: (list) => {
      const records = (list.feeds ?? []).flatMap((feed) => ksContentRecord(feed, { wwwBase: www }) ?? []);
      const first = pendingProfile;
      pendingProfile = undefined;
      return first === undefined ? records : [first, ...records];
    },
    ...commentsOption(session, params),
  });
}

/** With comments: each video's page is opened and its comments read, up to max_comments_count. */
function commentsOption(session: MediaSession, params: KsTaskParams): { commentsOf?: (post: MediaRecord) => AsyncIterable<MediaRecord> } {
  if (!wantsComments(params)) return {};
  return {
    commentsOf: async function* (post) {
      const url = `${session.baseUrls.www}/short-video/${encodeURIComponent(post.id)}`;
      const first = await session.capture<KsCommentListResponse>(ksCommentsMatch(post.id), () => session.open(url));
      yield* ksComments(session, params, post.id, first);
    },
  };
}

function wantsComments(params: KsTaskParams): boolean {
  return params.enable_comments && params.max_comments_count > 0;
}
