import { commentsIfWanted } from "../media/caps.js";
import { postOnce, ProfileAhead, walkFeed } from "../media/scrolledFeed.js";
import { viaShortLink } from "../media/shortLinks.js";
import type {
  CapturedResponse,
  MediaCursor,
  MediaPlatform,
  MediaRecord,
  MediaSession,
  ResponseMatch,
} from "../media/types.js";
import { assertDyAnswerOk, classifyDyPage, classifyDyResponse, dyBodyOf } from "./access.js";
import { dyComments } from "./comments.js";
import { DY_SHORT_LINKS, parseDyAwemeId, parseDySecUserId } from "./ids.js";
import { awemeOfSearchResult, dyContentRecord, dyCreatorRecord } from "./items.js";
import { DY_SORT_TYPE, type DySort, type DyTaskParams } from "./schema.js";
import {
  dyDetailAnswer,
  dyPostListAnswer,
  dyProfileAnswer,
  dySearchAnswer,
  dySearchIdOf,
  type DyDetailResponse,
  type DyEnvelope,
  type DyPostListResponse,
  type DySearchResponse,
} from "./shapes.js";
import {
  DY_BASE_URLS,
  DY_ENDPOINTS,
  DY_FIRST_SEARCH_PAGE,
  DY_PAGE_REQUESTS,
  DY_POST_PAGE_SIZE,
  DY_SELECTORS,
  dyApiPath,
  dySearchPageUrl,
  dySearchParams,
  dyUserPageUrl,
  dyVideoPageUrl,
  type DySearchFilters,
} from "./site.js";

/**
 * 抖音 (www.douyin.com): the pages are opened as a person would, and the API is read
 * through them. FLOW.md has each step with its source; in short:
 *
 * - search: the search page is opened and its own first result page is read as it
 *   arrives (from search/stream/, or search/single/ on pages that do not stream); the
 *   next pages are search/single/ calls made from the page (`offset` = the last page's
 *   `cursor`, `search_id` = its `extra.logid`).
 * - detail: the post's page is opened, then aweme/detail/ is called from it.
 * - creator: the profile page is opened, then user/profile/other/ and aweme/post/ (by
 *   `max_cursor`) are called from it.
 * - comments (every mode): comment/list/ and comment/list/reply/ called from the open
 *   page, by `cursor`, to the end of each list (comments.ts).
 *
 * Calls leave through the page's XHR, which the site's security script signs (site.ts).
 * The cursor's page token is the 0-based index of the next list page.
 */
export const dyPlatform: MediaPlatform<DyTaskParams> = {
  name: "dy",
  baseUrls: { ...DY_BASE_URLS },
  cookieUrl: "www",
  // MediaCrawler's default is 2 s between requests; 抖音's verify slider comes quickly below that.
  delays: { pageMs: 3_000, scrollMs: 2_000, commentMs: 1_500 },
  classify: classifyDyResponse,
  classifyPage: (page) => classifyDyPage(page),
  pageRequests: DY_PAGE_REQUESTS,
  search: searchDy,
  detail: detailDy,
  creator: creatorDy,
};

const STEP = {
  searchFirst: "search: first result page",
  searchNext: "search: next result page",
  detail: "detail: post",
  profile: "creator: profile",
  posts: "creator: post list",
} as const;

function searchDy(
  session: MediaSession,
  params: DyTaskParams,
  keyword: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const filters: DySearchFilters = {
    sortType: DY_SORT_TYPE[(params.sort ?? "general") as DySort] ?? 0,
    publishTime: params.publish_time,
  };
  /** The `search_id` the next page carries: the last page's `extra.logid`. */
  let searchId = "";
  const remember = (page: DySearchResponse): DySearchResponse => {
    searchId = dySearchIdOf(page) ?? searchId;
    return page;
  };
  return walkFeed<DySearchResponse>({
    cursor,
    maxNotes: params.max_notes_count,
    firstPage: params.start_page - 1,
    steps: {
      open: async () => remember(await firstSearchPage(session, dySearchPageUrl(www, keyword, filters), keyword)),
      next: async (previous) => {
        const path = dyApiPath(DY_ENDPOINTS.search, dySearchParams(keyword, previous.cursor ?? 0, searchId, filters));
        const answer = await session.call({ url: path, step: STEP.searchNext });
        assertDyAnswerOk(answer, STEP.searchNext);
        return remember(session.expect(dySearchAnswer, answer, STEP.searchNext));
      },
      hasMore: (page) => page.has_more === 1 && (page.data ?? []).length > 0 && page.cursor !== undefined,
    },
    recordsOf: (page) =>
      (page.data ?? []).flatMap((result) => {
        const aweme = awemeOfSearchResult(result);
        const record =
          aweme === undefined ? undefined : dyContentRecord(aweme, { wwwBase: www, sourceKeyword: keyword });
        return record === undefined ? [] : [record];
      }),
    commentsOf: commentsIfWanted(params, (post) => dyComments(session, params, post.id)),
  });
}

/**
 * Opens the search page and reads its own first result page: streamed from search/stream/
 * (Media-Monitor search_stream.go; a DrissionPage crawler: "第一次搜索，触发的是stream，后面
 * 的搜索触发的都是single"), or from search/single/ on a page that asks that (MC
 * client.py:209). Whichever arrives first for this keyword is read; neither is SITE_CHANGED.
 */
async function firstSearchPage(session: MediaSession, url: string, keyword: string): Promise<DySearchResponse> {
  const match: ResponseMatch = {
    path: DY_FIRST_SEARCH_PAGE,
    method: "GET",
    step: STEP.searchFirst,
    test: (response) => response.url.searchParams.get("keyword") === keyword,
  };
  const answer = await session.capture(match, () => session.open(url));
  assertDyAnswerOk(answer, STEP.searchFirst);
  return answer.url.pathname === DY_ENDPOINTS.searchStream
    ? streamedPage(session, answer)
    : session.expect(dySearchAnswer, answer, STEP.searchFirst);
}

/** The search stream's frames, merged into one page and checked like a single/ page. */
function streamedPage(session: MediaSession, answer: CapturedResponse): DySearchResponse {
  const body = dyBodyOf(answer);
  return session.expectValue(dySearchAnswer, body, {
    step: STEP.searchFirst,
    source: `${answer.url.pathname} (stream frames)`,
  });
}

function detailDy(
  session: MediaSession,
  params: DyTaskParams,
  input: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  return viaShortLink(
    session,
    input,
    DY_SHORT_LINKS,
    (post) => {
      const awemeId = parseDyAwemeId(post) ?? post;
      return postOnce(
        cursor,
        () => postOf(session, awemeId),
        commentsIfWanted(params, () => dyComments(session, params, awemeId)),
      );
    },
    (link, error) => ({
      item_type: "content",
      id: link,
      fields: { aweme_url: link },
      error: { code: error.code, message: error.message },
    }),
  );
}

/** The post's page opened, then aweme/detail/ called from it; a post the site will not show is POST_UNAVAILABLE. */
async function postOf(session: MediaSession, awemeId: string): Promise<MediaRecord> {
  const www = session.baseUrls.www as string;
  await openApp(session, dyVideoPageUrl(www, awemeId), "detail: post page");
  const answer = await session.call({ url: dyApiPath(DY_ENDPOINTS.detail, { aweme_id: awemeId }), step: STEP.detail });
  assertDyAnswerOk(answer, STEP.detail);
  const detail: DyDetailResponse = session.expect(dyDetailAnswer, answer, STEP.detail);
  const record = detail.aweme_detail ? dyContentRecord(detail.aweme_detail, { wwwBase: www }) : undefined;
  return (
    record ?? {
      item_type: "content",
      id: awemeId,
      fields: { aweme_id: awemeId, aweme_url: dyVideoPageUrl(www, awemeId) },
      error: {
        code: "POST_UNAVAILABLE",
        message: detail.filter_detail?.detail_msg ?? "the post is deleted or not visible to this account",
      },
    }
  );
}

function creatorDy(
  session: MediaSession,
  params: DyTaskParams,
  input: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const secUserId = parseDySecUserId(input) ?? input;
  const profile = new ProfileAhead(cursor, () => profileOf(session, secUserId));
  const posts = async (maxCursor: number): Promise<DyPostListResponse> => {
    const path = dyApiPath(DY_ENDPOINTS.posts, {
      sec_user_id: secUserId,
      count: String(DY_POST_PAGE_SIZE),
      max_cursor: String(maxCursor),
      locate_query: "false",
      publish_video_strategy_type: "2",
    });
    const answer = await session.call({ url: path, step: STEP.posts });
    assertDyAnswerOk(answer, STEP.posts);
    return session.expect(dyPostListAnswer, answer, STEP.posts);
  };
  return walkFeed<DyPostListResponse>({
    cursor,
    maxNotes: params.max_notes_count,
    steps: {
      open: async () => {
        await openApp(session, dyUserPageUrl(www, secUserId), "creator: profile page");
        await profile.read();
        return posts(0);
      },
      next: (previous) => posts(previous.max_cursor),
      hasMore: (page) => page.has_more === 1 && (page.aweme_list ?? []).length > 0,
    },
    recordsOf: (page) =>
      profile.ahead((page.aweme_list ?? []).flatMap((aweme) => dyContentRecord(aweme, { wwwBase: www }) ?? [])),
    commentsOf: commentsIfWanted(params, (post) => dyComments(session, params, post.id)),
  });
}

/**
 * The creator's profile (MC client.py:312-319). A profile the site will not give
 * (`status_code` other than 0, not an access problem) is logged and left out: the posts
 * are what the mode is for. Access refusals and drift still fail the crawl.
 */
async function profileOf(session: MediaSession, secUserId: string): Promise<MediaRecord | undefined> {
  const path = dyApiPath(DY_ENDPOINTS.profile, {
    sec_user_id: secUserId,
    publish_video_strategy_type: "2",
    personal_center_strategy: "1",
  });
  const answer = await session.call({ url: path, step: STEP.profile });
  const code = (answer.json as DyEnvelope | undefined)?.status_code;
  if (typeof code === "number" && code !== 0) {
    session.log("no creator profile; going on with the posts", { sec_user_id: secUserId, status_code: code });
    return undefined;
  }
  return dyCreatorRecord(session.expect(dyProfileAnswer, answer, STEP.profile).user, secUserId);
}

/**
 * Opens a page and waits for the web app's container: the app, and the security script
 * that signs its requests, run before the crawl calls the API from the page. A page
 * without it is SITE_CHANGED naming the selector.
 */
async function openApp(session: MediaSession, url: string, step: string): Promise<void> {
  await session.open(url);
  await session.element(DY_SELECTORS.app, step);
}
