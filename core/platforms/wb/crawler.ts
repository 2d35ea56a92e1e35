import { commentCaps, notesFull, wantsComments } from "../media/caps.js";
import { walkPages } from "../media/pagedList.js";
import { isNoAnswer } from "../media/drift.js";
import type { CapturedResponse, MediaPlatform, MediaRecord, MediaSession } from "../media/types.js";
import { STALE_COOKIES, classifyWbPage, classifyWbResponse, wbBody, wbCall, wbOpen } from "./access.js";
import { wbComments } from "./comments.js";
import { parseWeiboCreator, parseWeiboPost } from "./ids.js";
import { wbCreatorRecord, wbNoteRecord } from "./items.js";
import { WB_SORTS, type WbTaskParams } from "./schema.js";
import {
  wbProfileAnswer,
  wbProfilePostsAnswer,
  wbLongTextAnswer,
  wbRenderData,
  wbSearchAnswer,
  type WbCard,
  type WbMblog,
  type WbProfilePostsData,
  type WbUser,
} from "./shapes.js";
import {
  CUT_TEXT_LINK,
  POST_GONE_TEXT,
  WB_BASE_URLS,
  WB_ENDPOINTS,
  WB_PAGE_REQUESTS,
  WB_PAGE_STATE,
  WB_STEPS,
  detailPageUrl,
  longTextCall,
  profileHeader,
  profilePageUrl,
  profilePostsCall,
  searchPageCall,
  searchPageUrl,
} from "./site.js";

/**
 * 微博 through m.weibo.cn in Chromium (the request flow of each mode, with its sources, is
 * in FLOW.md):
 *
 * - search: opens m.weibo.cn/search?containerid=100103type=<sort>&q=<keyword>, which asks
 *   for result page 1; pages 2… (or start_page directly) are getIndex calls from the page.
 * - detail: opens m.weibo.cn/detail/<id>; the post comes from its `$render_data`.
 * - creator: opens m.weibo.cn/u/<uid>, which asks for the header (getIndex type=uid) and
 *   the first posts page (107603<uid>); later pages are calls with `since_id`.
 *
 * Each post is stored from the list's own data; with comments, its detail page is opened
 * (comments.ts). The cursor's token is the next list page: a page number for search,
 * "since_id=…" (or "page=…") for a creator, so a resumed crawl calls it directly.
 */
export const wbPlatform: MediaPlatform<WbTaskParams> = {
  name: "wb",
  baseUrls: { ...WB_BASE_URLS },
  // The account's cookies (SUB, SUBP, …) live on .weibo.cn for the mobile site.
  cookieUrl: "m",
  // m.weibo.cn answers tight loops with 418 and "请求过于频繁".
  delays: { pageMs: 2000, scrollMs: 1200, commentMs: 1500 },
  classify: classifyWbResponse,
  classifyPage: classifyWbPage,
  pageRequests: WB_PAGE_REQUESTS,

  async *search(session, params, keyword, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const sort = WB_SORTS.find((value) => value === params.sort) ?? "default";
    const step = WB_STEPS.search;
    const first = await wbOpen(session, WB_ENDPOINTS.search, searchPageUrl(session.baseUrls, keyword, sort));
    yield* walkPages({
      cursor,
      params,
      start: typeof cursor.page === "number" ? cursor.page : params.start_page,
      load: async (page) => {
        const answer = page <= 1 ? first : await wbCall(session, { url: searchPageCall(first, page), step });
        const body = await wbBody(session, wbSearchAnswer, answer, step);
        // ok 0 "这里还没有内容": nothing (more) for this keyword.
        if (body.ok === 1 && body.data !== undefined) return body.data;
        session.log("search list ends", { keyword, page, ok: body.ok, msg: body.msg });
        return undefined;
      },
      entries: (data) => postsOf(data.cards),
      records: (mblog) => storePost(session, params, mblog, keyword),
      next: (data, page) => {
        const next = data.cardlistInfo.page;
        return typeof next !== "number" || next <= page || data.cards.length === 0 ? undefined : next;
      },
    });
  },

  async *detail(session, params, id, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const postId = parseWeiboPost(id);
    if (postId === undefined || notesFull(cursor, params)) return;
    const opened = await openDetail(session, postId, wantsComments(params));
    const status = await renderedPost(session);
    if (status === undefined) {
      session.log("post not available", { note: postId });
      yield {
        item_type: "content",
        id: postId,
        fields: { note_id: postId, source_keyword: null },
        error: {
          code: "POST_UNAVAILABLE",
          message: `m.weibo.cn/detail/${postId} shows no post (deleted or not visible)`,
        },
      };
      return;
    }
    yield wbNoteRecord(await withFullText(session, params, status), undefined);
    if (opened !== undefined) yield* wbComments(session, status.id, opened, commentCaps(params));
  },

  async *creator(session, params, creatorId, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const uid = parseWeiboCreator(creatorId);
    if (uid === undefined) return;
    const step = WB_STEPS.profilePosts;
    const { user, firstPosts } = await openProfile(session, uid);
    if (user !== undefined && cursor.page === undefined) yield wbCreatorRecord(user, params.keep_user_info);
    yield* walkPages({
      cursor,
      params,
      start: typeof cursor.page === "string" ? cursor.page : FIRST_POSTS,
      load: async (token) => {
        const answer =
          token === FIRST_POSTS
            ? firstPosts
            : await wbCall(session, { url: profilePostsCall(firstPosts, token), step });
        const body = await wbBody(session, wbProfilePostsAnswer, answer, step);
        if (body.ok === 1 && body.data !== undefined) return body.data;
        session.log("posts list ends", { uid, ok: body.ok, msg: body.msg });
        return undefined;
      },
      entries: (data) => postsOf(data.cards),
      records: (mblog) => storePost(session, params, mblog, undefined),
      next: (data) => (data.cards.length === 0 ? undefined : nextPostsToken(data)),
    });
  },
};

/**
 * Opens a profile and takes the two answers the page asks for on load: the header (either
 * form, site.ts) and the first posts page. A 432 on either reopens the page once.
 */
async function openProfile(
  session: MediaSession,
  uid: string,
): Promise<{ user: WbUser | undefined; firstPosts: CapturedResponse }> {
  for (let attempt = 1; ; attempt++) {
    const posts = session.collect(WB_ENDPOINTS.profilePosts);
    try {
      const header = await session.capture(profileHeader(uid), () =>
        session.open(profilePageUrl(session.baseUrls, uid)),
      );
      // Read first: an answer without JSON may mean the app already left for the login page.
      const body =
        header.status === STALE_COOKIES ? undefined : await wbBody(session, wbProfileAnswer, header, WB_STEPS.profile);
      const firstPosts = body === undefined ? header : await posts.next();
      if (firstPosts.status === STALE_COOKIES && attempt === 1) {
        session.log("HTTP 432: reloading the profile for fresh cookies", { uid });
        continue;
      }
      if (firstPosts.status === STALE_COOKIES)
        throw session.accessError(
          { ok: false, code: "THROTTLED", message: "HTTP 432 again after reloading the profile" },
          firstPosts.url.href,
        );
      return { user: body?.ok === 1 ? body.data?.userInfo : undefined, firstPosts };
    } finally {
      posts.close();
    }
  }
}

/**
 * Where the next posts page starts, as a cursor token: "since_id=…" as MC pages
 * (client.py:399), or "page=…" where an answer pages by number (gottaegbert/weiboAPI cards1).
 */
export function nextPostsToken(data: WbProfilePostsData): string | undefined {
  const { since_id: sinceId, page } = data.cardlistInfo;
  if (sinceId !== undefined && sinceId !== 0 && sinceId !== "" && sinceId !== "0") return `since_id=${sinceId}`;
  if (typeof page === "number" && page > 1) return `page=${page}`;
  return undefined;
}

/**
 * The token of the creator's first posts page, the one the profile asked for on load:
 * it has no since_id, and nextPostsToken never gives "".
 */
const FIRST_POSTS = "";

/**
 * Stores one listed post, then its comments from its detail page when asked. That leaves
 * the list's page; the next list page is a call, which works from any m.weibo.cn page.
 */
async function* storePost(
  session: MediaSession,
  params: WbTaskParams,
  mblog: WbMblog,
  keyword: string | undefined,
): AsyncGenerator<MediaRecord, void, undefined> {
  yield wbNoteRecord(await withFullText(session, params, mblog), keyword);
  if (!wantsComments(params) || Number(mblog.comments_count) === 0) return;
  const opened = await openDetail(session, mblog.id, true);
  if (opened !== undefined) yield* wbComments(session, mblog.id, opened, commentCaps(params));
}

/**
 * The post with its whole text when the list showed it cut and the task wants full text
 * (MC weibo/core.py:421-474 does the same for every `isLongText` post): a /statuses/extend
 * call from the open page. A post whose text is already whole (a detail page's, or one not
 * ending in the 全文 link) costs nothing. An answer without the text keeps the cut one, and
 * says so in the log; access errors (login, throttling, risk control) end the crawl as
 * every call's do.
 */
async function withFullText(session: MediaSession, params: WbTaskParams, mblog: WbMblog): Promise<WbMblog> {
  if (!params.full_text || mblog.isLongText !== true || !CUT_TEXT_LINK.test(mblog.text)) return mblog;
  const step = WB_STEPS.longText;
  const body = await wbBody(
    session,
    wbLongTextAnswer,
    await wbCall(session, { url: longTextCall(mblog.id), step }),
    step,
  );
  const whole = body.ok === 1 ? body.data?.longTextContent : undefined;
  if (whole === undefined || whole === "") {
    session.log("long post's full text not given; keeping the cut text", {
      note: mblog.id,
      ok: body.ok,
      msg: body.msg,
    });
    return mblog;
  }
  return { ...mblog, text: whole };
}

/**
 * Opens a post's detail page; with comments, also returns the first hotflow answer the
 * page asks for on load. A page that never asks because the post is gone gives undefined
 * after the capture timeout; one that shows the post and still never asks has changed.
 */
async function openDetail(
  session: MediaSession,
  id: string,
  withComments: boolean,
): Promise<CapturedResponse | undefined> {
  const url = detailPageUrl(session.baseUrls, id);
  if (!withComments) {
    await session.open(url);
    return undefined;
  }
  try {
    return await wbOpen(session, WB_ENDPOINTS.hotflow, url);
  } catch (error) {
    if (!isNoAnswer(error) || (await renderedPost(session)) !== undefined) throw error;
    return undefined;
  }
}

/**
 * The post of the open detail page's `$render_data`; undefined when the page says the post
 * is gone. A page that neither embeds the post nor says so is SITE_CHANGED.
 */
async function renderedPost(session: MediaSession): Promise<WbMblog | undefined> {
  const state = await session.readState<unknown>(WB_PAGE_STATE.renderData);
  const subject = { step: WB_STEPS.post, source: WB_PAGE_STATE.renderData };
  if (state === undefined) {
    const text = await session.page.evaluate(() => document.body?.innerText.slice(0, 500) ?? "").catch(() => "");
    if (POST_GONE_TEXT.test(text)) return undefined;
  }
  return session.expectValue(wbRenderData, state, subject).status;
}

/** Posts of a card list: type 9 cards, also inside type 11 groups, each once (MC help.py). */
export function postsOf(cards: WbCard[]): WbMblog[] {
  const posts = new Map<string, WbMblog>();
  const visit = (card: WbCard): void => {
    if (card.card_type === 9 && card.mblog !== undefined) posts.set(card.mblog.id, card.mblog);
    for (const inner of card.card_group ?? []) visit(inner);
  };
  cards.forEach(visit);
  return [...posts.values()];
}
