import type { CapturedResponse, MediaRecord, MediaSession, ResponseCollector } from "../media/types.js";
import { COMMENT_SCROLLER, clickShowMoreReplies } from "./dom.js";
import { XHS_ENDPOINTS, dataOf, matching, queryOf } from "./endpoints.js";
import { commentRecord } from "./items.js";
import type { XhsComment, XhsCommentPage } from "./shapes.js";
import type { XhsTaskParams } from "./schema.js";

/** "Show more replies" is not on the page (thread fully shown, or the layout changed). */
class NoReplyButton extends Error {}

/** Matches the comment pages of `noteId`. */
export function commentPagesOf(noteId: string) {
  return matching(XHS_ENDPOINTS.comments, (response) => queryOf(response, "note_id") === noteId);
}

/** The comment page after `cursor` ("" or absent: the first). */
const after = (cursor: string) => (response: CapturedResponse) => (queryOf(response, "cursor") ?? "") === cursor;

/**
 * The comments of the note open in the page, top-level ones in the site's order, each
 * followed by its replies when the task asks for them: first the replies shown inline,
 * then more by clicking "展开更多回复" (each click loads a comment/sub/page). Further
 * comment pages load by scrolling the comment pane (comment/page with the last cursor).
 * Stops fetching once `max_comments_count` comments and replies were yielded.
 *
 * @param pages collecting the note's comment pages since before the note opened (the
 *   app loads the first page by itself).
 */
export async function* noteComments(
  session: MediaSession,
  params: XhsTaskParams,
  noteId: string,
  pages: ResponseCollector,
): AsyncGenerator<MediaRecord, void, undefined> {
  const budget = params.max_comments_count;
  let yielded = 0;
  let page = dataOf<XhsCommentPage>(await pages.next(undefined, { test: after("") }));
  for (;;) {
    for (const comment of page.comments ?? []) {
      if (yielded >= budget) return;
      yield commentRecord(comment, noteId);
      yielded++;
      if (!params.enable_sub_comments || comment.id === undefined) continue;
      for await (const reply of replies(session, noteId, comment, budget - yielded)) {
        yield reply;
        yielded++;
      }
    }
    if (page.has_more !== true || yielded >= budget || !page.cursor) return;
    await session.pause("commentMs");
    const next = await pages.next(() => session.scroll(COMMENT_SCROLLER), { test: after(page.cursor) });
    page = dataOf<XhsCommentPage>(next);
  }
}

/** Up to `budget` replies to top-level comment `root`: inline ones, then "show more" pages. */
async function* replies(session: MediaSession, noteId: string, root: XhsComment, budget: number): AsyncGenerator<MediaRecord, void, undefined> {
  const rootId = root.id as string;
  let left = budget;
  for (const reply of root.sub_comments ?? []) {
    if (left <= 0) return;
    yield commentRecord(reply, noteId, rootId);
    left--;
  }
  let more = root.sub_comment_has_more === true;
  while (more && left > 0) {
    await session.pause("commentMs");
    let response: CapturedResponse;
    try {
      response = await session.capture(
        matching(XHS_ENDPOINTS.subComments, (r) => queryOf(r, "root_comment_id") === rootId),
        async () => {
          if (!(await clickShowMoreReplies(session.page, rootId))) throw new NoReplyButton();
        },
      );
    } catch (error) {
      if (!(error instanceof NoReplyButton)) throw error;
      session.log("no 'show more replies' button; replies left out", { note_id: noteId, comment_id: rootId });
      return;
    }
    const page = dataOf<XhsCommentPage>(response);
    for (const reply of page.comments ?? []) {
      if (left <= 0) return;
      yield commentRecord(reply, noteId, rootId);
      left--;
    }
    more = page.has_more === true;
  }
}
