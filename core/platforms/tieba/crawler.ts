import { commentCaps, notesFull, wantsComments } from "../media/caps.js";
import { walkPages } from "../media/pagedList.js";
import type * as z from "zod";
import { RetryableCrawlError } from "../../errors.js";
import type {
  CapturedResponse,
  MediaCursor,
  MediaPlatform,
  MediaRecord,
  MediaSession,
  ResponseCollector,
  ResponseMatch,
} from "../media/types.js";
import { classifyTiebaPage, classifyTiebaResponse } from "./access.js";
import { tiebaComments } from "./comments.js";
import { forumInput, parseCreatorRef, parseForumInput, parseThreadId, type TiebaCreatorRef } from "./ids.js";
import { mapThread, noteUrl, tiebaCreatorRecord, type TiebaMapContext } from "./items.js";
import type { TiebaSort, TiebaTaskParams } from "./schema.js";
import {
  tiebaCreatorFeedShape,
  tiebaCreatorProfileShape,
  tiebaEnvelopeShape,
  tiebaForumPageShape,
  tiebaErrorCode,
  tiebaErrorMessage,
  tiebaSearchShape,
  tiebaThreadPageShape,
  type TiebaErrorEnvelope,
  type TiebaSearchResponse,
  type TiebaThreadPageResponse,
} from "./shapes.js";
import {
  creatorPageUrl,
  forumPageUrl,
  searchPageUrl,
  threadPageMatch,
  threadPageUrl,
  TIEBA_BASE_URLS,
  TIEBA_ENDPOINTS,
  TIEBA_STEPS,
} from "./site.js";

/**
 * 百度贴吧 in Chromium; FLOW.md has each mode's request flow and its sources.
 *
 * - search: opens the search page for page N = start_page, … (its script calls
 *   /mo/q/search/multsearch), then each result's thread.
 * - detail: opens each thread /p/<id> (its script calls /c/f/pb/page_pc).
 * - creator: opens the profile /home/main (its script calls /c/u/feed/myThread, and again
 *   on each scroll), then each listed thread.
 *
 * Every thread record comes from its own page's page_pc answer, whatever the mode, so the
 * fields are the same. Comments: comments.ts. The cursor's page token is the search page /
 * feed page still to do.
 */
export const tiebaPlatform: MediaPlatform<TiebaTaskParams> = {
  name: "tieba",
  baseUrls: { ...TIEBA_BASE_URLS },
  cookieUrl: "www",
  // Baidu's security check (wappass) comes quickly to fast page loads; a reader is slower.
  delays: { pageMs: 2000, scrollMs: 1000, commentMs: 1500 },
  classify: classifyTiebaResponse,
  classifyPage: classifyTiebaPage,
  // /p/comment is the one request we make: a plain same-origin fetch, as MC's page.goto is (client.py:556).
  pageRequests: { transport: "fetch" },

  // Keywords first, then each forum as its page's URL (ids.ts forumInput).
  searchInputs: (params) => [...params.keywords, ...params.tieba_names.map(forumInput)],

  search(session, params, keyword, cursor) {
    const forum = parseForumInput(keyword);
    if (forum !== undefined) return forumThreads(session, params, forum, cursor);
    const sort: TiebaSort = (params.sort as TiebaSort | undefined) ?? "time_descending";
    return walkPages({
      cursor,
      params,
      start: typeof cursor.page === "number" ? cursor.page : params.start_page,
      load: async (pn) => {
        const answer = await session.capture<TiebaSearchResponse>(TIEBA_ENDPOINTS.search, () =>
          session.open(searchPageUrl(session.baseUrls, keyword, sort, pn)),
        );
        return listBody(session, answer, tiebaSearchShape, TIEBA_STEPS.search, `search page ${pn} of "${keyword}"`);
      },
      entries: (body) =>
        body.data.card_list
          .filter((card) => card.cardInfo === "thread" || card.cardStyle === "thread")
          .map((card) => String(card.data?.tid ?? "")),
      key: (id) => (id === "" ? undefined : id),
      records: (id) => thread(session, params, id, keyword),
      next: (body, pn) => {
        const cards = body.data.card_list;
        return cards.length === 0 || !hasMore(body.data.has_more, cards.length) ? undefined : pn + 1;
      },
    });
  },

  async *detail(session, params, input, cursor) {
    const threadId = parseThreadId(input);
    if (threadId === undefined || notesFull(cursor, params)) return;
    yield* thread(session, params, threadId, null);
  },

  async *creator(session, params, input, cursor) {
    const creator = parseCreatorRef(input);
    if (creator === undefined) return;
    const pn = typeof cursor.page === "number" ? cursor.page : 1;
    // The feed is scrolled through first, then the threads are read (scrolledIds).
    // The profile also asks for its sidebar (the creator's counts) as it opens.
    const sidebar = session.collect(TIEBA_ENDPOINTS.creatorProfile);
    let pages: string[][];
    let profile: MediaRecord | undefined;
    try {
      pages = await creatorFeed(session, creator, pn, params.max_notes_count - cursor.notesDone);
      // After a resume the creator record was stored already.
      if (cursor.page === undefined) profile = await creatorProfile(session, sidebar, creator);
    } finally {
      sidebar.close();
    }
    if (profile !== undefined) yield profile;
    yield* threadsOf(session, params, pages, pn, cursor);
  },
};

/**
 * One thread: its record (or a failed record when tieba says it is gone), then with
 * enable_comments its floors and replies (comments.ts).
 */
async function* thread(
  session: MediaSession,
  params: TiebaTaskParams,
  threadId: string,
  keyword: string | null,
): AsyncGenerator<MediaRecord, void, undefined> {
  const context: TiebaMapContext = {
    baseUrl: session.baseUrls.www ?? TIEBA_BASE_URLS.www,
    keepUserInfo: params.keep_user_info,
  };
  const page = await threadPage(session, threadId, 1);
  const record = page.ok ? mapThread(page.body, keyword, context) : undefined;
  if (!page.ok || record === undefined) {
    const message = page.ok ? "tieba's thread page had no thread" : page.message;
    session.log("thread not available", { thread_id: threadId, error_message: message });
    yield {
      item_type: "content",
      id: threadId,
      fields: { note_id: threadId, note_url: noteUrl(context.baseUrl, threadId), source_keyword: keyword },
      error: { code: "THREAD_UNAVAILABLE", message },
    };
    return;
  }
  yield record;
  if (!wantsComments(params)) return;
  yield* tiebaComments(session, threadId, page.body, commentCaps(params), {
    context,
    threadPage: async (pn) => {
      const next = await threadPage(session, threadId, pn);
      if (next.ok) return next.body;
      session.log("thread page not readable; comments of this thread end here", {
        thread_id: threadId,
        pn,
        error_message: next.message,
      });
      return undefined;
    },
  });
}

type ThreadPage = { ok: true; body: TiebaThreadPageResponse } | { ok: false; message: string };

/**
 * Page `pn` of a thread, as the thread page loads it. Access problems throw (classify);
 * tieba's other error codes (a deleted thread) are the thread's; a body of another shape is
 * SITE_CHANGED.
 */
async function threadPage(session: MediaSession, threadId: string, pn: number): Promise<ThreadPage> {
  const answer = await session.capture<TiebaThreadPageResponse>(threadPageMatch(threadId, pn), () =>
    session.open(threadPageUrl(session.baseUrls, threadId, pn)),
  );
  const code = errorCodeOf(answer);
  if (code !== 0) {
    const envelope = session.expect(tiebaEnvelopeShape, answer, TIEBA_STEPS.thread);
    return {
      ok: false,
      message: `tieba answered error ${code} (${tiebaErrorMessage(envelope) || "no message"}) for thread ${threadId}`,
    };
  }
  if (answer.status >= 400)
    return { ok: false, message: `tieba answered HTTP ${answer.status} for thread ${threadId}` };
  return { ok: true, body: session.expect(tiebaThreadPageShape, answer, TIEBA_STEPS.thread) };
}

/**
 * The thread ids of a creator's feed pages `fromPage`, … as the profile loads them (MC
 * client.py:811-865 pages until `has_more` is 0); see {@link scrolledIds}.
 */
function creatorFeed(
  session: MediaSession,
  creator: TiebaCreatorRef,
  fromPage: number,
  wanted: number,
): Promise<string[][]> {
  return scrolledIds(session, {
    endpoint: TIEBA_ENDPOINTS.creatorFeed,
    url: creatorPageUrl(session.baseUrls, creator),
    fromPage,
    wanted,
    read: (answer, pn) => {
      const body = listBody(session, answer, tiebaCreatorFeedShape, TIEBA_STEPS.creatorFeed, `creator feed page ${pn}`);
      const list = body.data.list;
      const ids = list
        .map((item) => String(item.thread_info?.tid ?? item.thread_info?.id ?? ""))
        .filter((id) => id !== "");
      return { ids, more: list.length > 0 && hasMore(body.data.has_more, list.length) };
    },
  });
}

/**
 * A forum's (吧) newest threads: its page's own frs/page_pc answers, scrolled through first,
 * then each thread as in detail, up to max_notes_count (MC reads TIEBA_NAME_LIST the same way:
 * the list, then every thread's detail, core.py:210-245).
 */
async function* forumThreads(
  session: MediaSession,
  params: TiebaTaskParams,
  name: string,
  cursor: MediaCursor,
): AsyncGenerator<MediaRecord, void, undefined> {
  const pn = typeof cursor.page === "number" ? cursor.page : 1;
  const pages = await scrolledIds(session, {
    endpoint: TIEBA_ENDPOINTS.forum,
    url: forumPageUrl(session.baseUrls, name),
    fromPage: pn,
    wanted: params.max_notes_count - cursor.notesDone,
    maxPages: MAX_FORUM_PAGES,
    read: (answer, page) => {
      const body = listBody(session, answer, tiebaForumPageShape, TIEBA_STEPS.forum, `forum ${name} page ${page}`);
      // MC help.py:252-277: comma-joined thread ids in forum.tids; an empty page ends the list.
      const ids = (body.forum.tids ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter((id) => /^\d+$/.test(id));
      return { ids, more: ids.length > 0 };
    },
  });
  yield* threadsOf(session, params, pages, pn, cursor);
}

/** A forum's list is read at most this many pages deep (30 threads each, as MC asks). */
const MAX_FORUM_PAGES = 50;

/** A list the page loads page 1 of on opening, and one more page per scroll (a profile's or a forum's threads). */
interface ScrolledList {
  endpoint: ResponseMatch;
  /** The page to open. */
  url: string;
  /** The first page wanted: earlier ones (done before a resume) are scrolled past. */
  fromPage: number;
  /** Ids wanted from `fromPage` on: scrolling stops once they are in hand. */
  wanted: number;
  /** @default no limit */
  maxPages?: number;
  /** Page `pn`'s thread ids, and whether the list goes on after it. */
  read(answer: CapturedResponse, pn: number): { ids: string[]; more: boolean };
}

/**
 * The thread ids of each page of a scrolled list from `fromPage` on. Not walkFeed or walkPages
 * (media kit): each thread is read on its own page, which leaves the list's page, so the list
 * is scrolled through first and the threads are read after (FLOW.md, "Shared steps").
 */
async function scrolledIds(session: MediaSession, list: ScrolledList): Promise<string[][]> {
  const pages: string[][] = [];
  let collected = 0;
  let answer = await session.capture(list.endpoint, () => session.open(list.url));
  for (let pn = 1; pn <= (list.maxPages ?? Number.POSITIVE_INFINITY); pn++) {
    const { ids, more } = list.read(answer, pn);
    if (pn >= list.fromPage) {
      pages.push(ids);
      collected += ids.length;
    }
    if (!more || (pn >= list.fromPage && collected >= list.wanted)) return pages;
    answer = await session.capture(list.endpoint, () => session.scroll());
  }
  return pages;
}

/**
 * The threads of list pages `firstPage`, …: each once, up to max_notes_count, the cursor
 * advanced after every page so that a resume starts at the next one.
 */
async function* threadsOf(
  session: MediaSession,
  params: TiebaTaskParams,
  pages: readonly string[][],
  firstPage: number,
  cursor: MediaCursor,
): AsyncGenerator<MediaRecord, void, undefined> {
  const seen = new Set<string>();
  let pn = firstPage;
  for (const ids of pages) {
    for (const id of ids) {
      if (notesFull(cursor, params)) return;
      if (seen.has(id)) continue;
      seen.add(id);
      yield* thread(session, params, id, null);
    }
    pn += 1;
    cursor.advance(pn);
  }
}

/**
 * The creator record from the profile's own homeSidebarRight answer (MC calls the endpoint
 * itself, client.py:646-682; the page's sidebar asks for it as it loads). A profile that
 * never asks gives no record, noted for the probe, and the crawl goes on with the threads:
 * they are what creator mode is for.
 */
async function creatorProfile(
  session: MediaSession,
  sidebar: ResponseCollector,
  creator: TiebaCreatorRef,
): Promise<MediaRecord | undefined> {
  const step = TIEBA_STEPS.creatorProfile;
  let answer: CapturedResponse;
  try {
    answer = await sidebar.next(undefined, { timeoutMs: SIDEBAR_WAIT_MS });
  } catch (error) {
    if (!(error instanceof RetryableCrawlError)) throw error;
    session.note({
      step,
      kind: "response",
      detail: `${TIEBA_ENDPOINTS.creatorProfile.path}: not requested by the profile`,
    });
    session.log("profile sidebar not requested: no creator record", { creator: JSON.stringify(creator) });
    return undefined;
  }
  const body = listBody(session, answer, tiebaCreatorProfileShape, step, "creator profile");
  return tiebaCreatorRecord(body.data.user, "portrait" in creator ? creator.portrait : undefined);
}

/** How long the sidebar's answer may trail the thread list's: both are asked for as the profile loads. */
const SIDEBAR_WAIT_MS = 5_000;

/**
 * A list answer checked against its shape. A non-zero code that is not an access problem
 * (classify threw for those) is worth another try later, as MC retries (client.py:236).
 */
function listBody<T>(
  session: MediaSession,
  answer: CapturedResponse,
  shape: z.ZodType<T>,
  step: string,
  what: string,
): T {
  const code = errorCodeOf(answer);
  if (code !== 0) {
    const envelope = session.expect(tiebaEnvelopeShape, answer, step);
    throw new RetryableCrawlError(
      "TIEBA_API_ERROR",
      `tieba: ${what} answered error ${code} (${tiebaErrorMessage(envelope) || "no message"})`,
    );
  }
  return session.expect(shape, answer, step);
}

/** The answer's error code, read before its shape is checked (an error answer has no data). */
function errorCodeOf(answer: CapturedResponse): number {
  const body = answer.json;
  return body !== null && typeof body === "object" ? tiebaErrorCode(body as TiebaErrorEnvelope) : 0;
}

/** `has_more` as 1/0 or true/false; absent, a full page (20) suggests more. */
function hasMore(flag: number | boolean | undefined, count: number): boolean {
  if (flag === undefined) return count >= 20;
  return flag === true || flag === 1;
}
