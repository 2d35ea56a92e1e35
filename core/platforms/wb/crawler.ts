import { isNoAnswer } from "../media/drift.js";
import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, MediaCursor, MediaPlatform, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { classifyWbPage, classifyWbResponse, wbJson } from "./classify.js";
import { wbComments } from "./comments.js";
import { parseWeiboCreator, parseWeiboPost } from "./ids.js";
import { wbCreatorRecord, wbNoteRecord } from "./items.js";
import { WB_SORTS, type WbTaskParams } from "./schema.js";
import type { WbCard, WbEnvelope, WbHotflowData, WbMblog, WbProfileData, WbProfilePostsData, WbRenderData, WbSearchData } from "./shapes.js";
import { WB_BASE_URLS, WB_ENDPOINTS, detailPageUrl, profilePageUrl, searchPageUrl } from "./site.js";

/**
 * 微博 through m.weibo.cn in Chromium, the way a person browses it:
 *
 * - search: opens m.weibo.cn/search?containerid=100103type=<sort>&q=<keyword> (getIndex
 *   page 1) and scrolls for more pages; pages before `start_page` are scrolled past.
 * - detail: opens m.weibo.cn/detail/<id>; the post comes from its `$render_data`.
 * - creator: opens m.weibo.cn/u/<uid> (getIndex 100505<uid>: the creator record; then
 *   107603<uid>: the posts) and scrolls for more (`since_id`).
 *
 * Lists are scrolled first, up to the posts still wanted, then each post is stored from
 * the list's own data; with comments, its detail page is opened (comments: comments.ts).
 * Lists have no page parameter, so the cursor's token is the number of the next list page
 * to store: a resumed crawl scrolls past the pages before it again without storing them.
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

  async *search(session, params, keyword, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const sort = WB_SORTS.find((value) => value === params.sort) ?? "default";
    const url = searchPageUrl(session.baseUrls, keyword, sort);
    const from = typeof cursor.page === "number" ? cursor.page : params.start_page;
    const pages = scrollList<WbSearchData>(session, WB_ENDPOINTS.search, () => session.open(url), (data) => Boolean(data.cardlistInfo.page));
    yield* storePosts(session, params, await collect(pages, from, params.max_notes_count - cursor.notesDone), keyword, cursor);
  },

  async *detail(session, params, id, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const postId = parseWeiboPost(id);
    if (postId === undefined || cursor.notesDone >= params.max_notes_count) return;
    const opened = await openDetail(session, postId, params.enable_comments);
    const status = (await session.readState<WbRenderData>("$render_data"))?.status;
    if (status === undefined) {
      session.log("post not available", { note: postId });
      yield { item_type: "content", id: postId, fields: { note_id: postId, source_keyword: null }, error: { code: "POST_UNAVAILABLE", message: `m.weibo.cn/detail/${postId} shows no post (deleted or not visible)` } };
      return;
    }
    yield wbNoteRecord(status, undefined);
    if (opened !== undefined) yield* wbComments(session, status.id, opened, commentOptions(params));
  },

  async *creator(session, params, creatorId, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const uid = parseWeiboCreator(creatorId);
    if (uid === undefined) return;
    const url = profilePageUrl(session.baseUrls, uid);
    let profile: CapturedResponse<WbEnvelope<WbProfileData>> | undefined;
    // The page asks for the header (100505) and then the posts (107603) on load: wait for both around one navigation.
    const open = async (): Promise<void> => {
      profile = await session.capture<WbEnvelope<WbProfileData>>(WB_ENDPOINTS.profile, () => session.open(url));
      await wbJson(session, profile);
    };
    const pages = scrollList<WbProfilePostsData>(session, WB_ENDPOINTS.profilePosts, open, (data) => Boolean(data.cardlistInfo.since_id));
    const from = typeof cursor.page === "number" ? cursor.page : 1;
    const collected = await collect(pages, from, params.max_notes_count - cursor.notesDone);
    const user = profile?.json?.ok === 1 ? profile.json.data?.userInfo : undefined;
    if (user !== undefined && cursor.page === undefined) yield wbCreatorRecord(user, params.keep_user_info);
    yield* storePosts(session, params, collected, undefined, cursor);
  },
};

/** One list page's posts, numbered in scroll order from 1. */
interface ListPage {
  page: number;
  posts: WbMblog[];
}

/**
 * The pages of a scrolled list: the first from `open`, each next one from a scroll to
 * the bottom while `hasMore` says the answer promised one. Ends on an answer that is not
 * `ok: 1` (logged) or holds no cards.
 */
async function* scrollList<T extends { cards: WbCard[] }>(
  session: MediaSession,
  match: ResponseMatch,
  open: () => Promise<void>,
  hasMore: (data: T) => boolean,
): AsyncGenerator<ListPage, void, undefined> {
  let answer = await session.capture<WbEnvelope<T>>(match, open);
  for (let page = 1; ; page++) {
    const body = await wbJson(session, answer);
    if (body.ok !== 1 || body.data === undefined) {
      return session.log("list page not readable; this input ends here", { page, ok: body.ok, msg: body.msg });
    }
    const posts = postsOf(body.data.cards ?? []);
    if (posts.length === 0 && (body.data.cards ?? []).length === 0) return;
    yield { page, posts };
    if (!hasMore(body.data)) return;
    answer = await session.capture<WbEnvelope<T>>(match, () => session.scroll());
  }
}

/**
 * Scrolls until `wanted` posts from page `from` on are in hand (or the list ends); pages
 * before `from` are passed over. A post a later page repeats (lists shift while one
 * scrolls) is kept once.
 */
async function collect(pages: AsyncGenerator<ListPage, void, undefined>, from: number, wanted: number): Promise<ListPage[]> {
  const kept: ListPage[] = [];
  const seen = new Set<string>();
  let count = 0;
  if (wanted <= 0) return kept;
  for await (const page of pages) {
    const fresh = page.posts.filter((post) => !seen.has(post.id));
    for (const post of fresh) seen.add(post.id);
    if (page.page < from) continue;
    kept.push({ page: page.page, posts: fresh });
    count += fresh.length;
    if (count >= wanted) break;
  }
  return kept;
}

/** Stores the collected posts page by page (with their comments when asked), advancing the cursor after each page. */
async function* storePosts(session: MediaSession, params: WbTaskParams, pages: ListPage[], keyword: string | undefined, cursor: MediaCursor): AsyncGenerator<MediaRecord, void, undefined> {
  for (const { page, posts } of pages) {
    for (const mblog of posts) {
      if (cursor.notesDone >= params.max_notes_count) return;
      yield wbNoteRecord(mblog, keyword);
      if (!params.enable_comments || mblog.comments_count === 0) continue;
      const opened = await openDetail(session, mblog.id, true);
      if (opened !== undefined) yield* wbComments(session, mblog.id, opened, commentOptions(params));
    }
    cursor.advance(page + 1);
  }
}

/**
 * Opens a post's detail page; with comments, also returns the first hotflow answer the
 * page asks for on load. A page that never asks (the post is gone) gives undefined after
 * the capture timeout, when `$render_data` confirms there is no post.
 */
async function openDetail(session: MediaSession, id: string, withComments: boolean): Promise<CapturedResponse<WbEnvelope<WbHotflowData>> | undefined> {
  const url = detailPageUrl(session.baseUrls, id);
  if (!withComments) {
    await session.open(url);
    return undefined;
  }
  try {
    return await session.capture<WbEnvelope<WbHotflowData>>(WB_ENDPOINTS.hotflow, () => session.open(url));
  } catch (error) {
    if (!isNoAnswer(error)) throw error;
    if ((await session.readState<WbRenderData>("$render_data"))?.status !== undefined) throw error;
    return undefined;
  }
}

/** Posts of a card list: type 9 cards, also inside type 11 groups, each once. */
export function postsOf(cards: WbCard[]): WbMblog[] {
  const posts = new Map<string, WbMblog>();
  const visit = (card: WbCard): void => {
    if (card.card_type === 9 && card.mblog !== undefined) posts.set(card.mblog.id, card.mblog);
    for (const inner of card.card_group ?? []) visit(inner);
  };
  cards.forEach(visit);
  return [...posts.values()];
}

function commentOptions(params: WbTaskParams): { maxComments: number; withReplies: boolean } {
  return { maxComments: params.max_comments_count, withReplies: params.enable_sub_comments };
}
