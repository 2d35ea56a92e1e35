import { commentCaps, notesFull, wantsComments } from "../media/caps.js";
import type * as z from "zod";
import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, MediaPlatform, MediaRecord, MediaSession } from "../media/types.js";
import { classifyZhihuPage, classifyZhihuResponse } from "./access.js";
import { zhihuComments } from "./comments.js";
import { parseContentRef, parseUrlToken, type ZhihuContentRef } from "./ids.js";
import {
  contentFromState,
  contentTypeOf,
  mapContent,
  mapCreator,
  userFromState,
  type ZhihuMapContext,
} from "./items.js";
import type { ZhihuSort, ZhihuTaskParams } from "./schema.js";
import {
  zhihuInitialDataShape,
  zhihuMemberListShape,
  zhihuSearchShape,
  type ZhihuContentObject,
  type ZhihuInitialData,
  type ZhihuMemberListResponse,
  type ZhihuSearchResponse,
} from "./shapes.js";
import {
  contentPageUrl,
  INITIAL_DATA_EXPRESSION,
  INITIAL_DATA_SOURCE,
  memberListMatch,
  PROFILE_TABS,
  profilePageUrl,
  searchPageUrl,
  type ZhihuSearchFilters,
  ZHIHU_BASE_URLS,
  ZHIHU_ENDPOINTS,
  ZHIHU_STEPS,
} from "./site.js";

/**
 * 知乎 in Chromium; FLOW.md has each mode's request flow and its sources. The page makes
 * every API request (site.ts says why), we read the answers.
 *
 * - search: opens the search page (it calls /api/v4/search_v3) and scrolls for the next
 *   20 results; posts come from the results. Comments are read on each post's own page
 *   (so the search page's endless scrolling cannot fire under a comment pane); the next
 *   results page is then reached by reopening the search and scrolling down to it.
 * - detail: opens each post's page; the post comes from its `js-initialData`.
 * - creator: opens /people/<token>/answers, then /posts, then /zvideos, page by page
 *   (?page=N; they call /api/v4/members/<token>/answers | articles | zvideos); the
 *   creator record comes from the first profile page's `js-initialData`.
 *
 * Comments: comments.ts. The cursor's page token is the search page (1-based) or the
 * profile "tab:page" still to do.
 */
export const zhihuPlatform: MediaPlatform<ZhihuTaskParams> = {
  name: "zhihu",
  baseUrls: { ...ZHIHU_BASE_URLS },
  cookieUrl: "www",
  // zhihu's "unhuman" check reacts to bursts of API calls more than to page loads.
  delays: { pageMs: 2000, scrollMs: 1200, commentMs: 1500 },
  classify: classifyZhihuResponse,
  classifyPage: classifyZhihuPage,

  async *search(session, params, keyword, cursor) {
    const filters: ZhihuSearchFilters = {
      sort: (params.sort as ZhihuSort | undefined) ?? "default",
      time_interval: params.time_interval,
      vertical: params.vertical,
    };
    // Not walkPages (media kit): the next page is reached by reopening the search when a
    // post's comments took the tab away, else by scrolling on, and it is loaded before the
    // cap is checked again (FLOW.md, "Shared steps").
    const seen = new Set<string>();
    let page = typeof cursor.page === "number" ? cursor.page : params.start_page;
    let body = await searchPage(session, keyword, filters, page);
    while (body !== undefined && !notesFull(cursor, params)) {
      let leftPage = false;
      for (const object of postsOf(body)) {
        if (notesFull(cursor, params)) return;
        const record = mapContent(object, keyword, mapContext(session, params));
        if (record === undefined || seen.has(record.id)) continue;
        seen.add(record.id);
        yield record;
        if (wantsCommentsOf(params, object)) {
          leftPage = true;
          yield* commentsOnOwnPage(session, params, object);
        }
      }
      if (body.paging.is_end || body.data.length === 0) return;
      page += 1;
      cursor.advance(page);
      body = leftPage
        ? await searchPage(session, keyword, filters, page)
        : listBody(
            session,
            await session.capture(ZHIHU_ENDPOINTS.search, () => session.scroll()),
            zhihuSearchShape,
            ZHIHU_STEPS.search,
            `search page ${page} of "${keyword}"`,
          );
    }
  },

  async *detail(session, params, input, cursor) {
    const ref = parseContentRef(input);
    if (ref === undefined || notesFull(cursor, params)) return;
    await session.open(contentPageUrl(session.baseUrls, ref));
    const object = contentFromState(await pageState(session, ZHIHU_STEPS.pageState), ref);
    const record = object === undefined ? undefined : mapContent(object, null, mapContext(session, params));
    if (object === undefined || record === undefined) {
      session.log("post not available", { content_id: ref.id, content_type: ref.type });
      const url = contentPageUrl(session.baseUrls, ref);
      yield {
        item_type: "content",
        id: ref.id,
        fields: { content_id: ref.id, content_type: ref.type, content_url: url, source_keyword: null },
        error: { code: "CONTENT_UNAVAILABLE", message: `zhihu's page of ${ref.type} ${ref.id} had no such post` },
      };
      return;
    }
    yield record;
    if (wantsCommentsOf(params, object))
      yield* zhihuComments(session, ref, commentCaps(params), mapContext(session, params));
  },

  async *creator(session, params, input, cursor) {
    const token = parseUrlToken(input);
    if (token === undefined) return;
    // Three lists in a row under one "tab:page" token, which walkPages (one list) does not page.
    const [startTab, startPage] = parseProfileToken(cursor.page);
    for (let tabIndex = startTab; tabIndex < PROFILE_TABS.length; tabIndex++) {
      const profile = PROFILE_TABS[tabIndex] as (typeof PROFILE_TABS)[number];
      for (let page = tabIndex === startTab ? startPage : 1; ; page++) {
        if (notesFull(cursor, params)) return;
        const answer = await session.capture<ZhihuMemberListResponse>(memberListMatch(profile.list), () =>
          session.open(profilePageUrl(session.baseUrls, token, profile.tab, page)),
        );
        // The creator record, once: from the first profile page of a fresh start.
        if (cursor.page === undefined && tabIndex === 0 && page === 1) {
          const user = userFromState(await pageState(session, ZHIHU_STEPS.profileState), token);
          const record = user === undefined ? undefined : mapCreator(user, mapContext(session, params));
          if (record !== undefined) yield record;
          else session.log("profile page had no creator in its state", { url_token: token });
        }
        const body = listBody(
          session,
          answer,
          zhihuMemberListShape,
          ZHIHU_STEPS.memberList,
          `${profile.list} page ${page} of ${token}`,
        );
        for (const object of body.data) {
          if (notesFull(cursor, params)) return;
          const record = mapContent(object, null, mapContext(session, params));
          if (record === undefined) continue;
          yield record;
          if (wantsCommentsOf(params, object)) yield* commentsOnOwnPage(session, params, object);
        }
        const last = body.paging.is_end || body.data.length === 0;
        cursor.advance(last ? `${tabIndex + 1}:1` : `${tabIndex}:${page + 1}`);
        if (last) break;
      }
    }
  },
};

/**
 * The search results of page `page`: the search opened, then scrolled down once per
 * earlier page. Undefined when the results end before it.
 */
async function searchPage(
  session: MediaSession,
  keyword: string,
  filters: ZhihuSearchFilters,
  page: number,
): Promise<ZhihuSearchResponse | undefined> {
  let body = listBody(
    session,
    await session.capture(ZHIHU_ENDPOINTS.search, () =>
      session.open(searchPageUrl(session.baseUrls, keyword, filters)),
    ),
    zhihuSearchShape,
    ZHIHU_STEPS.search,
    `search page 1 of "${keyword}"`,
  );
  for (let shown = 1; shown < page; shown++) {
    if (body.paging.is_end) return undefined;
    body = listBody(
      session,
      await session.capture(ZHIHU_ENDPOINTS.search, () => session.scroll()),
      zhihuSearchShape,
      ZHIHU_STEPS.search,
      `search page ${shown + 1} of "${keyword}"`,
    );
  }
  return body;
}

/** The page's `js-initialData`, checked against its shape: a page without it is SITE_CHANGED. */
async function pageState(session: MediaSession, step: string): Promise<ZhihuInitialData> {
  return session.expectValue(zhihuInitialDataShape, await session.readState<unknown>(INITIAL_DATA_EXPRESSION), {
    step,
    source: INITIAL_DATA_SOURCE,
  });
}

/** Opens a listed post's own page and reads its comments there. */
async function* commentsOnOwnPage(
  session: MediaSession,
  params: ZhihuTaskParams,
  object: ZhihuContentObject,
): AsyncGenerator<MediaRecord, void, undefined> {
  const ref = refOf(object);
  if (ref === undefined) return;
  await session.open(contentPageUrl(session.baseUrls, ref));
  yield* zhihuComments(session, ref, commentCaps(params), mapContext(session, params));
}

/** Comments asked for, and the post has some: a post without shows no "N 条评论" to click (and its comment list answers 404, MC client.py:110). */
function wantsCommentsOf(params: ZhihuTaskParams, object: ZhihuContentObject): boolean {
  return wantsComments(params) && object.comment_count !== 0;
}

function refOf(object: ZhihuContentObject): ZhihuContentRef | undefined {
  const type = contentTypeOf(object.type);
  if (type === undefined || object.id === undefined) return undefined;
  const id = String(object.id);
  if (type !== "answer") return { type, id };
  // An answer's page is under its question; without the question there is no page to open.
  const questionId = object.question?.id;
  return questionId === undefined ? undefined : { type, id, questionId: String(questionId) };
}

/** Posts among search results: answers, articles and videos ("search_result" / "zvideo" items, MC help.py:72-74). */
function postsOf(body: ZhihuSearchResponse): ZhihuContentObject[] {
  return body.data
    .filter((item) => item.type === "search_result" || item.type === "zvideo")
    .map((item) => item.object)
    .filter((object): object is ZhihuContentObject => object !== undefined && contentTypeOf(object.type) !== undefined);
}

/**
 * A list answer checked against its shape. A server error that is not an access problem
 * (classify threw for those) is worth another try later; any other answer must have the
 * list's shape, or the site changed.
 */
function listBody<T>(
  session: MediaSession,
  answer: CapturedResponse,
  shape: z.ZodType<T>,
  step: string,
  what: string,
): T {
  if (answer.status >= 500)
    throw new RetryableCrawlError("ZHIHU_BAD_ANSWER", `zhihu: ${what} answered HTTP ${answer.status}`);
  return session.expect(shape, answer, step);
}

/** "tab:page" → [tab, page]; the start is the answers tab, page 1. */
function parseProfileToken(token: string | number | undefined): [number, number] {
  const match = typeof token === "string" ? token.match(/^(\d+):(\d+)$/) : null;
  return match ? [Number(match[1]), Math.max(1, Number(match[2]))] : [0, 1];
}

function mapContext(session: MediaSession, params: ZhihuTaskParams): ZhihuMapContext {
  return { baseUrls: session.baseUrls, keepUserInfo: params.keep_user_info };
}
