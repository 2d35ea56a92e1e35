import { openOnce, optionalAnswer } from "../media/openOnce.js";
import { scrollForMore } from "../media/scrollForMore.js";
import { FEED_DONE, walkFeed } from "../media/scrolledFeed.js";
import type { CapturedResponse, MediaCursor, MediaPlatform, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { assertDyOk, classifyDyPage, classifyDyResponse } from "./access.js";
import { dyComments, dyCommentsMatch } from "./comments.js";
import { parseDyAwemeId, parseDySecUserId } from "./ids.js";
import { awemeOfSearchResult, dyContentRecord, dyCreatorRecord } from "./items.js";
import { DY_SORT_TYPE, type DySort, type DyTaskParams } from "./schema.js";
import { DY_ENDPOINTS, type DyCommentListResponse, type DyDetailResponse, type DyPostListResponse, type DyProfileResponse, type DySearchResponse } from "./shapes.js";

/**
 * 抖音 (www.douyin.com) driven as a person would, reading the JSON its own script fetches
 * (it signs each request with a_bogus; we never do):
 *
 * - search: `/search/<keyword>?type=general&sort_type=…&publish_time=…` — the page asks
 *   /aweme/v1/web/general/search/single/ for 15 results (`offset` 0), and again with the
 *   next `offset` each time the result list is scrolled to its end (`has_more`).
 * - detail: `/video/<aweme_id>` — the page asks /aweme/v1/web/aweme/detail/ and the first
 *   /aweme/v1/web/comment/list/ page; scrolling the comment pane loads the next `cursor`,
 *   clicking "展开N条回复" asks /aweme/v1/web/comment/list/reply/ for that comment.
 * - creator: `/user/<sec_user_id>` — the page asks /aweme/v1/web/user/profile/other/ and
 *   /aweme/v1/web/aweme/post/ (18 posts, then the next `max_cursor` on each scroll).
 *
 * With comments, every post's page is opened after the post was yielded; the result list
 * is then opened again and scrolled back to where it was (see ScrolledFeed). The page
 * token in the cursor is the 0-based index of the next result page to read.
 */
export const dyPlatform: MediaPlatform<DyTaskParams> = {
  name: "dy",
  baseUrls: { www: "https://www.douyin.com" },
  cookieUrl: "www",
  // MediaCrawler's default is 2 s between requests; 抖音's verify slider comes quickly below that.
  delays: { pageMs: 3_000, scrollMs: 2_000, commentMs: 1_500 },
  classify: classifyDyResponse,
  classifyPage: (page) => classifyDyPage(page),
  search: searchDy,
  detail: detailDy,
  creator: creatorDy,
};

function searchDy(session: MediaSession, params: DyTaskParams, keyword: string, cursor: MediaCursor): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const url = new URL(`${www}/search/${encodeURIComponent(keyword)}`);
  url.searchParams.set("type", "general");
  url.searchParams.set("sort_type", String(DY_SORT_TYPE[(params.sort ?? "general") as DySort] ?? 0));
  url.searchParams.set("publish_time", String(params.publish_time));
  const match: ResponseMatch = { path: DY_ENDPOINTS.search, method: "GET", test: (response) => response.url.searchParams.get("keyword") === keyword };
  return walkFeed<DySearchResponse>({
    cursor,
    maxNotes: params.max_notes_count,
    firstPage: params.start_page - 1,
    steps: {
      open: async () => checked(await session.capture<DySearchResponse>(match, () => session.open(url.href)), "search"),
      next: async () => checked(await scrollForMore<DySearchResponse>(session, match), "search"),
      hasMore: (page) => page.has_more === 1 && (page.data ?? []).length > 0,
    },
    recordsOf: (page) =>
      (page.data ?? []).flatMap((result) => {
        const aweme = awemeOfSearchResult(result);
        const record = aweme === undefined ? undefined : dyContentRecord(aweme, { wwwBase: www, sourceKeyword: keyword });
        return record === undefined ? [] : [record];
      }),
    ...commentsOption(session, params),
  });
}

async function* detailDy(session: MediaSession, params: DyTaskParams, input: string, cursor: MediaCursor): AsyncGenerator<MediaRecord, void, undefined> {
  if (cursor.page === FEED_DONE) return;
  const www = session.baseUrls.www as string;
  const awemeId = parseDyAwemeId(input) ?? input;
  const opened = openOnce(session, `${www}/video/${encodeURIComponent(awemeId)}`);
  const detailMatch: ResponseMatch = { path: DY_ENDPOINTS.detail, method: "GET", test: (response) => response.url.searchParams.get("aweme_id") === awemeId };
  const comments = wantsComments(params) ? session.capture<DyCommentListResponse>(dyCommentsMatch(awemeId), opened) : undefined;
  // Not awaited when the post turns out to be gone; never an unhandled rejection.
  comments?.catch(() => undefined);
  const detail = checked(await session.capture<DyDetailResponse>(detailMatch, opened), "post detail");
  const aweme = detail.aweme_detail;
  const record = aweme ? dyContentRecord(aweme, { wwwBase: www }) : undefined;
  if (record === undefined) {
    yield {
      item_type: "content",
      id: awemeId,
      fields: { aweme_id: awemeId, aweme_url: `${www}/video/${encodeURIComponent(awemeId)}` },
      error: { code: "POST_UNAVAILABLE", message: detail.filter_detail?.detail_msg ?? "the post is deleted or not visible to this account" },
    };
  } else {
    yield record;
    if (comments !== undefined) yield* dyComments(session, params, awemeId, await comments);
  }
  cursor.advance(FEED_DONE);
}

function creatorDy(session: MediaSession, params: DyTaskParams, input: string, cursor: MediaCursor): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const secUserId = parseDySecUserId(input) ?? input;
  const ofCreator = (path: string): ResponseMatch => ({ path, method: "GET", test: (response) => response.url.searchParams.get("sec_user_id") === secUserId });
  // The profile is stored once, from the first opening of the page (not again on a resume).
  let profileWanted = cursor.page === undefined;
  /** The profile record, set when the page opened, yielded before that page's posts. */
  let pendingProfile: MediaRecord | undefined;
  return walkFeed<DyPostListResponse>({
    cursor,
    maxNotes: params.max_notes_count,
    steps: {
      open: async () => {
        const opened = openOnce(session, `${www}/user/${encodeURIComponent(secUserId)}`);
        const profile = profileWanted ? optionalAnswer(session, session.capture<DyProfileResponse>(ofCreator(DY_ENDPOINTS.profile), opened), "creator profile") : undefined;
        const posts = checked(await session.capture<DyPostListResponse>(ofCreator(DY_ENDPOINTS.posts), opened), "post list");
        if (profile !== undefined) {
          profileWanted = false;
          const answer = await profile;
          if (answer !== undefined) pendingProfile = dyCreatorRecord(checked(answer, "creator profile").user, secUserId);
        }
        return posts;
      },
      next: async () => checked(await scrollForMore<DyPostListResponse>(session, ofCreator(DY_ENDPOINTS.posts)), "post list"),
      hasMore: (page) => page.has_more === 1 && (page.aweme_list ?? []).length > 0,
    },
    recordsOf: (page) => {
      const records = (page.aweme_list ?? []).flatMap((aweme) => dyContentRecord(aweme, { wwwBase: www }) ?? []);
      const first = pendingProfile;
      pendingProfile = undefined;
      return first === undefined ? records : [first, ...records];
    },
    ...commentsOption(session, params),
  });
}

/** With comments: each post's page is opened and its comments read, up to max_comments_count. */
function commentsOption(session: MediaSession, params: DyTaskParams): { commentsOf?: (post: MediaRecord) => AsyncIterable<MediaRecord> } {
  if (!wantsComments(params)) return {};
  return {
    commentsOf: async function* (post) {
      const first = await session.capture<DyCommentListResponse>(dyCommentsMatch(post.id), () => session.open(`${session.baseUrls.www}/video/${encodeURIComponent(post.id)}`));
      yield* dyComments(session, params, post.id, first);
    },
  };
}

function wantsComments(params: DyTaskParams): boolean {
  return params.enable_comments && params.max_comments_count > 0;
}

function checked<T extends { status_code?: number; status_msg?: string }>(answer: CapturedResponse<T>, what: string): T {
  assertDyOk(answer.json, what);
  return answer.json ?? ({} as T);
}
