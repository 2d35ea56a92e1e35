import type { CapturedResponse, MediaCursor, MediaPlatform, MediaRecord, MediaSession, ResponseCollector } from "../media/types.js";
import { classifyXhsPage, classifyXhsResponse } from "./access.js";
import { SORT_LABELS, clickByText, initialStateExpression } from "./dom.js";
import { XHS_ENDPOINTS, bodyOf, dataOf, matching, queryOf } from "./endpoints.js";
import { creatorRecord } from "./items.js";
import { openListedNote, openNotePage, type ListedNote } from "./notes.js";
import { parseCreatorRef, parseNoteRef } from "./refs.js";
import type { XhsSearchData, XhsUserPageData, XhsUserPostedData } from "./shapes.js";
import type { XhsTaskParams } from "./schema.js";

/**
 * 小红书 (xhs) in its web app, www.xiaohongshu.com (API on edith.xiaohongshu.com):
 *
 * - search: opens /search_result?keyword=…, picks the sort in the page, and reads the
 *   search/notes answers; scrolling loads the next page. Each note is opened from its
 *   card (the modal fetches the full note and its comments) and closed again.
 * - detail: opens each note's page /explore/<id>?xsec_token=… and reads the note from
 *   window.__INITIAL_STATE__; comments as in search.
 * - creator: opens /user/profile/<id>, reads user.userPageData from the page state
 *   (the creator item), then the user_posted answers while scrolling, opening each note.
 *
 * Page tokens (resume): the search / profile page number whose notes are not all stored yet.
 */
export const xhsPlatform: MediaPlatform<XhsTaskParams> = {
  name: "xhs",
  baseUrls: { www: "https://www.xiaohongshu.com", api: "https://edith.xiaohongshu.com" },
  // web_session and friends are set on .xiaohongshu.com: they reach both www and edith.
  cookieUrl: "www",
  delays: { pageMs: 2500, scrollMs: 1500, commentMs: 1200 },
  classify: classifyXhsResponse,
  classifyPage: classifyXhsPage,
  search,
  detail,
  creator,
};

async function* search(session: MediaSession, params: XhsTaskParams, keyword: string, cursor: MediaCursor): AsyncGenerator<MediaRecord> {
  const www = session.baseUrls.www as string;
  const sort = params.sort ?? "general";
  const url = `${www}/search_result?keyword=${encodeURIComponent(keyword)}&source=web_search_result_notes&type=51`;
  const pageIs = (page: number, sorted: string) => (response: CapturedResponse) => {
    const body = bodyOf(response);
    return body.page === page && (body.sort ?? "general") === sorted;
  };
  // Collected from before the page opens: the app loads page 1 by itself, and may load
  // the next page on its own when a card is scrolled into view.
  const pages = session.collect(matching(XHS_ENDPOINTS.search, (response) => bodyOf(response).keyword === keyword));
  try {
    let response = await pages.next(() => session.open(url), { test: pageIs(1, "general") });
    if (sort !== "general") {
      await session.pause("scrollMs");
      response = await pages.next(
        async () => {
          if (!(await clickByText(session.page, SORT_LABELS[sort] as string))) throw new Error(`xhs: no sort option "${SORT_LABELS[sort]}" on the search page`);
        },
        { test: pageIs(1, sort) },
      );
    }
    const firstWanted = Math.max(params.start_page, Number(cursor.page ?? 1));
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const data = dataOf<XhsSearchData>(response);
      if (page >= firstWanted) {
        for (const item of data.items ?? []) {
          if (item.model_type !== "note" || !item.id || seen.has(item.id)) continue;
          if (cursor.notesDone >= params.max_notes_count) return;
          seen.add(item.id);
          const note: ListedNote = { id: item.id, card: item.note_card ?? {}, ...(item.xsec_token ? { xsecToken: item.xsec_token } : {}) };
          yield* openListedNote(session, params, note, { wwwBase: www, xsecToken: note.xsecToken, xsecSource: "pc_search", sourceKeyword: keyword });
        }
        cursor.advance(page + 1);
      }
      if (data.has_more !== true || cursor.notesDone >= params.max_notes_count) return;
      response = await pages.next(() => session.scroll(), { test: pageIs(page + 1, sort) });
    }
  } finally {
    pages.close();
  }
}

async function* detail(session: MediaSession, params: XhsTaskParams, input: string): AsyncGenerator<MediaRecord> {
  const ref = parseNoteRef(input);
  if (ref === undefined) return; // the task schema refuses such input
  const www = session.baseUrls.www as string;
  yield* openNotePage(session, params, ref.id, { wwwBase: www, xsecToken: ref.xsecToken, xsecSource: ref.xsecSource ?? "pc_feed" });
}

async function* creator(session: MediaSession, params: XhsTaskParams, input: string, cursor: MediaCursor): AsyncGenerator<MediaRecord> {
  const ref = parseCreatorRef(input);
  if (ref === undefined) return;
  const www = session.baseUrls.www as string;
  const profile = new URL(`/user/profile/${ref.id}`, www);
  if (ref.xsecToken) {
    profile.searchParams.set("xsec_token", ref.xsecToken);
    profile.searchParams.set("xsec_source", ref.xsecSource ?? "pc_note");
  }
  const pages = session.collect(matching(XHS_ENDPOINTS.userPosted, (response) => queryOf(response, "user_id") === ref.id));
  try {
    yield* creatorPages(session, params, ref.id, profile.href, cursor, pages);
  } finally {
    pages.close();
  }
}

/** The user_posted page after cursor `posted` ("" or absent: the first). */
const after = (posted: string) => (response: CapturedResponse) => (queryOf(response, "cursor") ?? "") === posted;

/** The profile: its creator item, then its notes page by page (user_posted, cursor-paged). */
async function* creatorPages(
  session: MediaSession,
  params: XhsTaskParams,
  userId: string,
  profileUrl: string,
  cursor: MediaCursor,
  pages: ResponseCollector,
): AsyncGenerator<MediaRecord> {
  const www = session.baseUrls.www as string;
  let response = await pages.next(() => session.open(profileUrl), { test: after("") });
  const pageData = await session.readState<XhsUserPageData>(initialStateExpression(["user", "userPageData"]));
  if (pageData?.basicInfo !== undefined) yield creatorRecord(userId, pageData, params.keep_user_info);
  else session.log("profile page shows no userPageData; creator item left out", { creator: userId });

  const firstWanted = Number(cursor.page ?? 1);
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const data = dataOf<XhsUserPostedData>(response);
    if (page >= firstWanted) {
      for (const posted of data.notes ?? []) {
        if (!posted.note_id || seen.has(posted.note_id)) continue;
        if (cursor.notesDone >= params.max_notes_count) return;
        seen.add(posted.note_id);
        const note: ListedNote = {
          id: posted.note_id,
          card: { note_id: posted.note_id, display_title: posted.display_title, type: posted.type, user: posted.user, interact_info: posted.interact_info },
          ...(posted.xsec_token ? { xsecToken: posted.xsec_token } : {}),
        };
        yield* openListedNote(session, params, note, { wwwBase: www, xsecToken: note.xsecToken, xsecSource: "pc_user" });
      }
      cursor.advance(page + 1);
    }
    if (data.has_more !== true || !data.cursor || cursor.notesDone >= params.max_notes_count) return;
    response = await pages.next(() => session.scroll(), { test: after(data.cursor) });
  }
}
