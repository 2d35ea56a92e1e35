import { commentsIfWanted } from "../media/caps.js";
import { PlatformThrottledError } from "../media/errors.js";
import { scrollForMore } from "../media/scrollForMore.js";
import { postOnce, ProfileAhead, walkFeed } from "../media/scrolledFeed.js";
import type {
  CapturedResponse,
  MediaCursor,
  MediaPlatform,
  MediaRecord,
  MediaSession,
  ResponseMatch,
} from "../media/types.js";
import type * as z from "zod";
import { assertKsAnswerOk, assertKsOk, classifyKsPage, classifyKsResponse } from "./access.js";
import { ksComments } from "./comments.js";
import { parseKsPhotoId, parseKsUserId } from "./ids.js";
import { ksContentRecord, ksCreatorRecord } from "./items.js";
import type { KsTaskParams } from "./schema.js";
import {
  ksProfileAnswer,
  ksProfileFeedAnswer,
  ksProfilePhotoListAnswer,
  ksSearchFeedAnswer,
  ksSearchPhotoAnswer,
  ksVideoDetailAnswer,
  type KsFeedList,
} from "./shapes.js";
import {
  KS_BASE_URLS,
  KS_ENDPOINTS,
  KS_JSON_HEADERS,
  KS_OPERATIONS,
  KS_PAGE_REQUESTS,
  KS_PROFILE_LIST,
  KS_QUERIES,
  KS_SEARCH_LIST,
  KS_SELECTORS,
  ksHasMore,
  ksProfilePageUrl,
  ksSearchPageUrl,
  ksVideoPageUrl,
} from "./site.js";

/**
 * 快手 (www.kuaishou.com): the pages are opened as a person would, and the API is read
 * through them. FLOW.md has each step with its source; in short:
 *
 * - search: the search page's own requests to /rest/v/search/feed are read as they go by:
 *   the first when it opens, the next each time its list is scrolled to the end. The
 *   page signs them (`__NS_hxfalcon`) with code it keeps to itself, so they cannot be
 *   called (site.ts). A page still on the former GraphQL `visionSearchPhoto` is read the
 *   same way.
 * - detail: the video's page is opened, then GraphQL `visionVideoDetail` is called from it.
 * - creator: the profile page's own /rest/v/profile/feed requests are read the same way
 *   (or `visionProfilePhotoList`); GraphQL `visionProfile` is called from the page.
 * - comments (every mode): the REST v2 comment endpoints called from the open page, by
 *   `pcursor`, to the end of each list (comments.ts).
 *
 * `result: 2` on a list page is throttling: the crawl pauses and scrolls (or, for the
 * first page, opens) again, a few times, before giving up with RATE_LIMITED. The cursor's
 * page token is the 0-based index of the next list page.
 */
export const ksPlatform: MediaPlatform<KsTaskParams> = {
  name: "ks",
  baseUrls: { ...KS_BASE_URLS },
  cookieUrl: "www",
  // 快手 throttles (result 2) quickly; MediaCrawler waits 1–3 s extra between requests (core.py:189-191).
  delays: { pageMs: 3_000, scrollMs: 2_500, commentMs: 2_000 },
  classify: classifyKsResponse,
  classifyPage: (page) => classifyKsPage(page),
  pageRequests: KS_PAGE_REQUESTS,
  search: searchKs,
  detail: detailKs,
  creator: creatorKs,
};

const STEP = {
  searchFirst: "search: first result page",
  searchNext: "search: next result page",
  detail: "detail: video",
  profile: "creator: profile",
  listFirst: "creator: first video page",
  listNext: "creator: next video page",
} as const;

/** Tries of a list page the site answers with `result: 2` (MC client.py:126: 3). */
const LIST_THROTTLE_TRIES = 3;

/** How one list (search results, a creator's videos) is recognised and read, on either API. */
interface ListKind {
  path: RegExp;
  rest: z.ZodType<KsFeedList>;
  operation: string;
  graphql: z.ZodType<{ data: Record<string, KsFeedList> }>;
  /** Whether a REST request body is this list's (its keyword, its user). */
  restBody(body: Record<string, unknown>): boolean;
  /** Whether GraphQL variables are this list's. */
  variables(variables: Record<string, unknown>): boolean;
}

function searchList(keyword: string): ListKind {
  return {
    path: KS_SEARCH_LIST,
    rest: ksSearchFeedAnswer as z.ZodType<KsFeedList>,
    operation: KS_OPERATIONS.search,
    graphql: ksSearchPhotoAnswer as unknown as ListKind["graphql"],
    restBody: (body) => body.keyword === keyword,
    variables: (variables) => variables.keyword === keyword,
  };
}

function profileList(userId: string): ListKind {
  return {
    path: KS_PROFILE_LIST,
    rest: ksProfileFeedAnswer as z.ZodType<KsFeedList>,
    operation: KS_OPERATIONS.photos,
    graphql: ksProfilePhotoListAnswer as unknown as ListKind["graphql"],
    restBody: (body) => body.user_id === userId,
    variables: (variables) => variables.userId === userId,
  };
}

function listMatch(kind: ListKind, step: string): ResponseMatch {
  return {
    path: kind.path,
    method: "POST",
    step,
    test: (response) => {
      const body = ksBodyOf(response);
      if (response.url.pathname !== KS_ENDPOINTS.graphql) return kind.restBody(body);
      const variables =
        typeof body.variables === "object" && body.variables !== null
          ? (body.variables as Record<string, unknown>)
          : {};
      return body.operationName === kind.operation && kind.variables(variables);
    },
  };
}

/** A list page, checked against its shape (REST or GraphQL) and its `result`. */
function listOf(session: MediaSession, kind: ListKind, answer: CapturedResponse, step: string): KsFeedList {
  if (answer.url.pathname === KS_ENDPOINTS.graphql) {
    const endpoint = `${KS_ENDPOINTS.graphql} ${kind.operation}`;
    assertKsAnswerOk(answer, step, endpoint, kind.operation);
    const list = session.expect(kind.graphql, answer, step).data[kind.operation] as KsFeedList;
    assertKsOk(list, step, endpoint);
    return list;
  }
  assertKsAnswerOk(answer, step, answer.url.pathname);
  const list = session.expect(kind.rest, answer, step);
  assertKsOk(list, step, answer.url.pathname);
  return list;
}

/** The list's first page, read while its page opens. */
function firstListPage(session: MediaSession, kind: ListKind, url: string, step: string): Promise<KsFeedList> {
  return patiently(
    session,
    async () => listOf(session, kind, await session.capture(listMatch(kind, step), () => session.open(url)), step),
    "open",
  );
}

/**
 * The list's next page: the list must show video links (else SITE_CHANGED naming the
 * selector), then it is scrolled to its end and the page's own request read.
 */
function nextListPage(session: MediaSession, kind: ListKind, step: string): Promise<KsFeedList> {
  return patiently(
    session,
    async () => {
      await session.element(KS_SELECTORS.card, step);
      return listOf(session, kind, await scrollForMore(session, listMatch(kind, step)), step);
    },
    "scroll",
  );
}

/**
 * Runs `read` again after a pause when the site throttled the page's request (`result: 2`,
 * a PlatformThrottledError), as MC does for these lists (client.py:150-157: 5 s, 10 s,
 * 20 s): here the platform's page pause, doubled each time. ASSUMPTION: the app asks for
 * the same page again when its list is scrolled (or the page opened) again after a
 * refused load; no source shows what the app does then.
 */
async function patiently<T>(session: MediaSession, read: () => Promise<T>, retry: "open" | "scroll"): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof PlatformThrottledError) || attempt >= LIST_THROTTLE_TRIES) throw error;
      session.log("the site throttled a list page; trying again after a pause", { attempt, retry });
      for (let i = 0; i < 2 ** attempt; i++) await session.pause("pageMs");
      // A list scrolled to its end reacts only to a scroll that moves: step back first.
      if (retry === "scroll") await session.page.evaluate(() => window.scrollBy(0, -400));
    }
  }
}

function hasMorePages(list: KsFeedList): boolean {
  return ksHasMore(list.pcursor) && (list.feeds ?? []).length > 0;
}

function searchKs(
  session: MediaSession,
  params: KsTaskParams,
  keyword: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const kind = searchList(keyword);
  return walkFeed<KsFeedList>({
    cursor,
    maxNotes: params.max_notes_count,
    firstPage: params.start_page - 1,
    steps: {
      open: () => firstListPage(session, kind, ksSearchPageUrl(www, keyword), STEP.searchFirst),
      next: () => nextListPage(session, kind, STEP.searchNext),
      hasMore: hasMorePages,
    },
    recordsOf: (list) =>
      (list.feeds ?? []).flatMap((feed) => ksContentRecord(feed, { wwwBase: www, sourceKeyword: keyword }) ?? []),
    commentsOf: commentsIfWanted(params, (post) => ksComments(session, params, post.id)),
  });
}

function detailKs(
  session: MediaSession,
  params: KsTaskParams,
  input: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  const photoId = parseKsPhotoId(input) ?? input;
  return postOnce(
    cursor,
    () => videoOf(session, photoId),
    commentsIfWanted(params, () => ksComments(session, params, photoId)),
  );
}

/** The video's page opened, then GraphQL `visionVideoDetail` called from it. */
async function videoOf(session: MediaSession, photoId: string): Promise<MediaRecord> {
  const www = session.baseUrls.www as string;
  await session.open(ksVideoPageUrl(www, photoId));
  // MC client.py:249-254 asks it with page "search".
  const answer = await graphql(session, KS_OPERATIONS.detail, { photoId, page: "search" }, STEP.detail);
  const detail = session.expect(ksVideoDetailAnswer, answer, STEP.detail).data.visionVideoDetail;
  const record = detail?.photo ? ksContentRecord(detail, { wwwBase: www }) : undefined;
  // No photo in the answer: deleted, private or never existed (a refusal was classified already).
  return (
    record ?? {
      item_type: "content",
      id: photoId,
      fields: { video_id: photoId, video_url: ksVideoPageUrl(www, photoId) },
      error: { code: "POST_UNAVAILABLE", message: "the video is deleted or not visible to this account" },
    }
  );
}

function creatorKs(
  session: MediaSession,
  params: KsTaskParams,
  input: string,
  cursor: MediaCursor,
): AsyncIterable<MediaRecord> {
  const www = session.baseUrls.www as string;
  const userId = parseKsUserId(input) ?? input;
  const kind = profileList(userId);
  const profile = new ProfileAhead(cursor, () => profileOf(session, userId));
  return walkFeed<KsFeedList>({
    cursor,
    maxNotes: params.max_notes_count,
    steps: {
      open: async () => {
        const list = await firstListPage(session, kind, ksProfilePageUrl(www, userId), STEP.listFirst);
        await profile.read();
        return list;
      },
      next: () => nextListPage(session, kind, STEP.listNext),
      hasMore: hasMorePages,
    },
    recordsOf: (list) =>
      profile.ahead((list.feeds ?? []).flatMap((feed) => ksContentRecord(feed, { wwwBase: www }) ?? [])),
    commentsOf: commentsIfWanted(params, (post) => ksComments(session, params, post.id)),
  });
}

/**
 * The creator's profile, GraphQL `visionProfile` (MC client.py:284-290, 389-396). A
 * profile the site will not give (`result` other than 1, not an access problem) is logged
 * and left out: the videos are what the mode is for. Refusals and drift still fail.
 */
async function profileOf(session: MediaSession, userId: string): Promise<MediaRecord | undefined> {
  const answer = await graphql(session, KS_OPERATIONS.profile, { userId }, STEP.profile);
  const profile = session.expect(ksProfileAnswer, answer, STEP.profile).data.visionProfile;
  if (profile.result !== 1) {
    session.log("no creator profile; going on with the videos", { user_id: userId, result: profile.result });
    return undefined;
  }
  return ksCreatorRecord(profile.userProfile, userId);
}

/** A GraphQL operation called from the page (unsigned: MC client.py:88-92 posts them as they are). */
function graphql(
  session: MediaSession,
  operation: keyof typeof KS_QUERIES,
  variables: Record<string, unknown>,
  step: string,
): Promise<CapturedResponse> {
  return session.call({
    url: KS_ENDPOINTS.graphql,
    method: "POST",
    body: JSON.stringify({ operationName: operation, variables, query: KS_QUERIES[operation] }),
    headers: { ...KS_JSON_HEADERS },
    step,
  });
}

/** The JSON body of a captured POST, or {} when it has none. */
export function ksBodyOf(response: CapturedResponse): Record<string, unknown> {
  try {
    const body = JSON.parse(response.requestBody ?? "{}") as unknown;
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
