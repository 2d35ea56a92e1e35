import { notesFull, wantsComments } from "../media/caps.js";
import { viaShortLink } from "../media/shortLinks.js";
import { walkPages } from "../media/pagedList.js";
import { SiteChangedError } from "../media/drift.js";
import type { CapturedResponse, MediaCursor, MediaPlatform, MediaRecord, MediaSession } from "../media/types.js";
import { apiData, classifyXhsPage, classifyXhsResponse, noteRefusal } from "./access.js";
import { noteComments } from "./comments.js";
import { parseCreatorRef, parseNoteRef, XHS_SHORT_LINKS } from "./ids.js";
import {
  creatorRecord,
  listedNoteFromState,
  noteRecord,
  noteRecordFromState,
  type NoteContext,
  type NoteInput,
} from "./items.js";
import {
  feedData,
  noteDetailEntry,
  profileNotes,
  searchData,
  userPageData,
  userPostedData,
  type XhsSearchData,
} from "./shapes.js";
import {
  ENDPOINTS,
  FILTER,
  IMAGE_FORMATS,
  PAGE_REQUESTS,
  NOTE_TYPE_LABELS,
  SORT_LABELS,
  STATE,
  XHS_BASE_URLS,
  XHS_INTERNATIONAL_BASE_URLS,
  apiGet,
  apiPost,
  bodyOf,
  filterOption,
  noteErrorText,
  noteUrl,
  profileUrl,
  readState,
  searchPageUrl,
  stateSource,
} from "./site.js";
import type { XhsNoteType, XhsTaskParams } from "./schema.js";

/**
 * 小红书 (xhs) through its web app, www.xiaohongshu.com (API on edith.xiaohongshu.com).
 * FLOW.md has each mode's request flow with its sources; in short:
 *
 * - search: opens /search_result?keyword=…, reads the first result page the page loads
 *   itself (picking another sort in its filter panel makes it load page 1 again), then
 *   calls search/notes for the next pages with the page's own request body;
 * - detail: opens each note's page /explore/<id>?xsec_token=… and reads the note from
 *   window.__INITIAL_STATE__;
 * - creator: opens /user/profile/<id>, reads the creator (user.userPageData) and the first
 *   notes (user.notes) from the page state, then calls user_posted for the rest;
 * - each note of a list: a feed call (the note's page when the feed gives nothing);
 *   comments and replies: comment/page and comment/sub/page calls.
 *
 * Every call is made from inside the page and signed by the page's own function
 * (site.ts PAGE_REQUESTS). Page tokens (resume): search, the next page number; creator,
 * the next user_posted cursor.
 */
export const xhsPlatform: MediaPlatform<XhsTaskParams> = {
  name: "xhs",
  baseUrls: XHS_BASE_URLS,
  editionOf: (params) =>
    params.international ? { name: "international", baseUrls: XHS_INTERNATIONAL_BASE_URLS } : undefined,
  // web_session and friends are set on .xiaohongshu.com (.rednote.com): they reach both www and the API host.
  cookieUrl: "www",
  delays: { pageMs: 2500, scrollMs: 1500, commentMs: 1200 },
  classify: classifyXhsResponse,
  classifyPage: classifyXhsPage,
  pageRequests: PAGE_REQUESTS,
  search,
  detail,
  creator,
};

const STEP = {
  firstPage: "search: first page",
  sort: "search: sort",
  noteType: "search: note_type",
  nextPage: "search: next page",
  feed: "note: feed",
  notePage: "note: page state",
  profile: "creator: profile",
  firstNotes: "creator: first notes",
  moreNotes: "creator: more notes",
} as const;

/** Notes per user_posted call, as the page and MC ask (MC client.py:610). */
const POSTED_PER_PAGE = "30";

// ---- search ----------------------------------------------------------------------------------

async function* search(
  session: MediaSession,
  params: XhsTaskParams,
  keyword: string,
  cursor: MediaCursor,
): AsyncGenerator<MediaRecord> {
  const first = await firstResultPage(session, keyword, params.sort ?? "general", params.note_type ?? "all");
  // Later pages are asked for with the page's own body (its search_id, sort, note_type, …).
  const template = bodyOf(first);
  const firstData = apiData(session, searchData, first, STEP.firstPage);
  const start = Math.max(params.start_page, Number(cursor.page ?? 1));
  if (start > 1 && !firstData.has_more) return;
  yield* walkPages({
    cursor,
    params,
    start,
    load: async (page) => (page === 1 ? firstData : resultPage(session, template, page)),
    // rec_query / hot_query blocks are suggestions, not notes (MC core.py:173).
    entries: (data) => data.items.filter((item) => item.model_type === "note"),
    key: (item) => item.id,
    records: (item) => {
      const card = item.note_card;
      const partial: NoteInput = {
        note_id: item.id,
        type: card?.type,
        display_title: card?.display_title,
        user: card?.user,
        interact_info: card?.interact_info,
      };
      return listedNote(
        session,
        params,
        { id: item.id, xsecToken: item.xsec_token, card: partial, source: "pc_search" },
        keyword,
      );
    },
    next: (data, page) => (data.has_more ? page + 1 : undefined),
  });
}

/**
 * The first result page as the search page loads it by itself (xhs-mcp search.go:107-154),
 * re-sorted, then narrowed to one note type, in the page's filter panel when the task asks
 * (search.go:113-140). Each pick makes the page search page 1 again; later pages copy the
 * body of the last one, so they carry both.
 */
async function firstResultPage(
  session: MediaSession,
  keyword: string,
  sort: string,
  noteType: XhsNoteType,
): Promise<CapturedResponse> {
  // The page searches only the keyword it was opened with (which it may normalise): page 1 is enough.
  const pageOne = (response: CapturedResponse) => bodyOf(response).page === 1;
  const url = searchPageUrl(session.baseUrls.www as string, keyword);
  let first = await session.capture({ ...ENDPOINTS.search, step: STEP.firstPage, test: pageOne }, () =>
    session.open(url),
  );
  const picks: Array<[group: string, label: string, step: string]> = [];
  if (sort !== "general") picks.push([FILTER.sortGroup, SORT_LABELS[sort] as string, STEP.sort]);
  if (noteType !== "all") picks.push([FILTER.noteTypeGroup, NOTE_TYPE_LABELS[noteType] as string, STEP.noteType]);
  for (const [group, label, step] of picks) {
    const option = await filterOption(session, group, label, step);
    first = await session.capture({ ...ENDPOINTS.search, step, test: pageOne }, () => option.click());
  }
  return first;
}

/** Result page `page`, called with the body the page itself sent for page 1 (MC client.py:343-352). */
async function resultPage(
  session: MediaSession,
  template: Record<string, unknown>,
  page: number,
): Promise<XhsSearchData> {
  const response = await session.call(apiPost(ENDPOINTS.search.path, { ...template, page }, STEP.nextPage));
  return apiData(session, searchData, response, STEP.nextPage);
}

// ---- a note ----------------------------------------------------------------------------------

/** A note as a list (search results, a profile) shows it. */
interface ListedNote {
  id: string;
  xsecToken?: string;
  /** What the list showed, stored when the note itself cannot be read. */
  card: NoteInput;
  /** xsec_source of the list: pc_search, pc_user. */
  source: string;
}

/**
 * A note of a list, read the way its modal reads it: a feed call (MC client.py:354-389);
 * the note's own page when the feed gives nothing (MC core.py:308-318). A note xhs says is
 * gone or hidden becomes an item with error NOTE_UNAVAILABLE. Then its comments.
 */
async function* listedNote(
  session: MediaSession,
  params: XhsTaskParams,
  note: ListedNote,
  keyword?: string,
): AsyncGenerator<MediaRecord> {
  const context: NoteContext = {
    wwwBase: session.baseUrls.www as string,
    xsecToken: note.xsecToken,
    xsecSource: note.source,
    ...(keyword === undefined ? {} : { sourceKeyword: keyword }),
  };
  const body = {
    source_note_id: note.id,
    image_formats: IMAGE_FORMATS.split(","),
    extra: { need_body_topic: 1 },
    xsec_source: note.source,
    xsec_token: note.xsecToken ?? "",
  };
  const response = await session.call(apiPost(ENDPOINTS.feed.path, body, STEP.feed));
  const refusal = noteRefusal(response);
  if (refusal !== undefined) {
    yield unavailable(noteRecord(note.card, context), `xhs answered ${refusal.code} ${refusal.msg}`.trim());
    return;
  }
  const card = apiData(session, feedData, response, STEP.feed).items.find(
    (item) => item.note_card.note_id === note.id,
  )?.note_card;
  if (card === undefined) {
    session.log("the feed gave no note; reading its page", { note_id: note.id });
    yield* notePage(session, params, note.id, context);
    return;
  }
  yield noteRecord({ ...note.card, ...card }, context);
  if (wantsComments(params)) yield* noteComments(session, params, note.id, note.xsecToken ?? "");
}

/**
 * A note's own page: the note from window.__INITIAL_STATE__.note.noteDetailMap[id].note
 * (MC client.py:719-752, extractor.py:31-50; xhs-mcp feed_detail.go:944-1000), then its
 * comments. A page without the note becomes an item with error NOTE_UNAVAILABLE, with
 * the reason the page shows (xhs-mcp feed_detail.go:893-940).
 */
async function* notePage(
  session: MediaSession,
  params: XhsTaskParams,
  noteId: string,
  context: NoteContext,
): AsyncGenerator<MediaRecord> {
  const url = noteUrl(context.wwwBase, noteId, context.xsecToken ?? null, context.xsecSource);
  await session.open(url);
  const source = stateSource(STATE.noteDetailMap);
  // No map at all is the site changing; a map without this note is this note being hidden.
  const map = await readState<Record<string, unknown>>(session, STATE.noteDetailMap);
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    session.note({ step: STEP.notePage, kind: "state", detail: `${source}: missing` });
    throw new SiteChangedError(
      { platform: "xhs", step: STEP.notePage, endpoint: source },
      "the note page should keep its notes in its state",
      `no ${source} on ${session.page.url()}`,
    );
  }
  const entry = map[noteId] as { note?: { noteId?: unknown } } | undefined;
  if (typeof entry?.note?.noteId !== "string") {
    const shown = await noteErrorText(session);
    const record: MediaRecord = {
      item_type: "content",
      id: noteId,
      fields: { note_id: noteId, note_url: url, xsec_token: context.xsecToken ?? null },
    };
    yield unavailable(
      record,
      `xhs shows no note ${noteId}${shown ? `: ${shown}` : " (deleted, hidden, or its xsec_token was refused)"}`,
    );
    return;
  }
  const { note } = session.expectValue(noteDetailEntry, entry, { step: STEP.notePage, source: `${source}[id]` });
  yield noteRecordFromState(note, context);
  if (wantsComments(params)) yield* noteComments(session, params, noteId, context.xsecToken ?? note.xsecToken ?? "");
}

function unavailable(record: MediaRecord, message: string): MediaRecord {
  return { ...record, error: { code: "NOTE_UNAVAILABLE", message } };
}

// ---- detail ----------------------------------------------------------------------------------

function detail(session: MediaSession, params: XhsTaskParams, input: string): AsyncGenerator<MediaRecord> {
  return viaShortLink(
    session,
    input,
    XHS_SHORT_LINKS,
    async function* (post) {
      const ref = parseNoteRef(post);
      if (ref === undefined) return; // the task schema refuses such input
      yield* notePage(session, params, ref.id, {
        wwwBase: session.baseUrls.www as string,
        xsecToken: ref.xsecToken,
        xsecSource: ref.xsecSource ?? "pc_feed",
      });
    },
    (link, error) => ({
      item_type: "content",
      id: link,
      fields: { note_url: link },
      error: { code: error.code, message: error.message },
    }),
  );
}

// ---- creator ---------------------------------------------------------------------------------

/**
 * The profile page: the creator item from user.userPageData, the first notes from
 * user.notes (xhs-mcp user_profile.go:52-138: the page renders them; user_posted fires only
 * on scroll), then user_posted calls from the last note's id on (MC client.py:606-697).
 */
async function* creator(
  session: MediaSession,
  params: XhsTaskParams,
  input: string,
  cursor: MediaCursor,
): AsyncGenerator<MediaRecord> {
  const ref = parseCreatorRef(input);
  if (ref === undefined) return;
  const url = profileUrl(session.baseUrls.www as string, ref.id, ref.xsecToken, ref.xsecSource);
  await session.open(url);
  const pageData = session.expectValue(userPageData, await readState(session, STATE.userPageData), {
    step: STEP.profile,
    source: stateSource(STATE.userPageData),
  });
  yield creatorRecord(ref.id, pageData, params.keep_user_info);

  const tokenOf = new URL(url).searchParams;
  const posted = {
    user_id: ref.id,
    xsec_token: tokenOf.get("xsec_token") ?? "",
    xsec_source: tokenOf.get("xsec_source") ?? "",
  };
  // A resumed crawl goes on from the saved user_posted cursor.
  let next: string;
  if (typeof cursor.page === "string") next = cursor.page;
  else {
    const first = await firstProfileNotes(session);
    for (const listed of first) {
      if (notesFull(cursor, params)) return;
      const note = listedNoteFromState(listed);
      yield* listedNote(session, params, {
        id: note.note_id as string,
        xsecToken: listed.xsecToken,
        card: note,
        source: "pc_user",
      });
    }
    // ASSUMPTION: the page state carries no cursor; the API's is the last note's id (MC client.py:618).
    next = first.length > 0 ? (listedNoteFromState(first.at(-1)!).note_id as string) : "";
    cursor.advance(next);
  }
  yield* walkPages({
    cursor,
    params,
    start: next,
    load: async (token) => {
      const response: CapturedResponse = await session.call(
        apiGet(
          ENDPOINTS.userPosted.path,
          {
            num: POSTED_PER_PAGE,
            cursor: token,
            user_id: posted.user_id,
            image_formats: IMAGE_FORMATS,
            xsec_token: posted.xsec_token,
            xsec_source: posted.xsec_source,
          },
          STEP.moreNotes,
        ),
      );
      return apiData(session, userPostedData, response, STEP.moreNotes);
    },
    entries: (data) => data.notes,
    records: (note) => {
      const card: NoteInput = {
        note_id: note.note_id,
        type: note.type,
        display_title: note.display_title,
        user: note.user,
        interact_info: note.interact_info,
      };
      return listedNote(session, params, { id: note.note_id, xsecToken: note.xsec_token, card, source: "pc_user" });
    },
    next: (data, token) => {
      const following: string = data.cursor || data.notes.at(-1)?.note_id || "";
      // A page that says "more" but does not move on would be asked for again and again.
      return !data.has_more || following === "" || following === token ? undefined : following;
    },
  });
}

/** The notes of the profile's shown tab (笔记 unless the URL asks for another) from the page state. */
async function firstProfileNotes(session: MediaSession) {
  const value = { notes: await readState(session, STATE.notes), activeTab: await readState(session, STATE.activeTab) };
  const state = session.expectValue(profileNotes, value, { step: STEP.firstNotes, source: stateSource(STATE.notes) });
  return state.notes[state.activeTab?.index ?? 0] ?? [];
}
