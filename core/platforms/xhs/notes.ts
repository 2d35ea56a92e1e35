import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import { commentPagesOf, noteComments } from "./comments.js";
import { clickNoteCard, closeNoteModal, initialStateExpression } from "./dom.js";
import { XHS_ENDPOINTS, bodyOf, dataOf, matching } from "./endpoints.js";
import { noteRecord, noteRecordFromState, noteUrl, type NoteContext } from "./items.js";
import type { XhsFeedData, XhsNoteCard, XhsStateNote } from "./shapes.js";
import type { XhsTaskParams } from "./schema.js";

/** A note as a list (search results, a profile) shows it. */
export interface ListedNote {
  id: string;
  xsecToken?: string;
  /** The partial card of the list, used when the note cannot be opened. */
  card: XhsNoteCard;
}

/** The card to click is not on the page. */
class NoCard extends Error {}

function wantsComments(params: XhsTaskParams): boolean {
  return params.enable_comments && params.max_comments_count > 0;
}

/**
 * Opens a note from the list on the page the way a person does — clicking its card,
 * which opens the note modal and makes the app fetch the full note (feed) and its first
 * comment page — yields the note and its comments, and closes the modal again.
 */
export async function* openListedNote(
  session: MediaSession,
  params: XhsTaskParams,
  note: ListedNote,
  context: NoteContext,
): AsyncGenerator<MediaRecord, void, undefined> {
  const comments = wantsComments(params) ? session.collect(commentPagesOf(note.id)) : undefined;
  let opened = false;
  try {
    let feed: CapturedResponse;
    try {
      await session.pause("pageMs"); // opening a note is like opening a page
      feed = await session.capture(matching(XHS_ENDPOINTS.feed, (response) => bodyOf(response).source_note_id === note.id), async () => {
        if (!(await clickNoteCard(session.page, note.id))) throw new NoCard();
        opened = true;
      });
    } catch (error) {
      if (!(error instanceof NoCard)) throw error;
      // Still worth storing what the list showed; the full note needs its card.
      session.log("note card not found on the page; storing the list's partial note", { note_id: note.id });
      yield noteRecord({ ...note.card, note_id: note.id }, context);
      return;
    }
    const card = dataOf<XhsFeedData>(feed).items?.find((item) => item.note_card !== undefined)?.note_card;
    yield noteRecord({ ...note.card, ...card, note_id: note.id }, context);
    if (comments !== undefined) yield* noteComments(session, params, note.id, comments);
  } finally {
    comments?.close();
    if (opened) await closeNoteModal(session.page).catch(() => undefined);
  }
}

/**
 * Opens a note's own page (`/explore/<id>?xsec_token=…`), reads the note from the
 * embedded state (note.noteDetailMap[id].note) and yields it and its comments. A note
 * the page does not show becomes an item with `error` NOTE_UNAVAILABLE.
 */
export async function* openNotePage(
  session: MediaSession,
  params: XhsTaskParams,
  noteId: string,
  context: NoteContext,
): AsyncGenerator<MediaRecord, void, undefined> {
  const url = noteUrl(session.baseUrls.www as string, noteId, context.xsecToken ?? null, context.xsecSource);
  const comments = wantsComments(params) ? session.collect(commentPagesOf(noteId)) : undefined;
  try {
    await session.open(url);
    const state = await session.readState<XhsStateNote>(initialStateExpression(["note", "noteDetailMap", noteId, "note"]));
    if (state?.noteId === undefined && state?.title === undefined && state?.desc === undefined) {
      yield {
        item_type: "content",
        id: noteId,
        fields: { note_id: noteId, note_url: url, xsec_token: context.xsecToken ?? null },
        error: { code: "NOTE_UNAVAILABLE", message: `xhs shows no note ${noteId} (deleted, hidden, or its xsec_token was refused)` },
      };
      return;
    }
    yield noteRecordFromState({ ...state, noteId }, context);
    if (comments !== undefined) yield* noteComments(session, params, noteId, comments);
  } finally {
    comments?.close();
  }
}
