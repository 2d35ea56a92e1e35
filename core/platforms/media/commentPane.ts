import { clickTextIn } from "./clickText.js";
import { scrollForMore } from "./scrollForMore.js";
import type { CapturedResponse, MediaRecord, MediaSession, ResponseMatch } from "./types.js";

/**
 * What a platform whose post page shows comments in a scrolling pane tells
 * {@link paneComments}: where the pane is, which answers carry comments and replies, and
 * how to read them. The reading loop itself (caps, de-duplication, "expand replies"
 * clicks) is the same for every such site.
 */
export interface CommentPane<ListPage, ReplyPage, Comment> {
  ui: { list: string; item: string; expandReplies: RegExp };
  /** The post's comment pages. */
  listMatch: ResponseMatch;
  /** The reply pages of one top-level comment. */
  replyMatch(commentId: string): ResponseMatch;
  /** Throws when an answer is a refusal or an error (`what` names the list for the message). */
  check(page: ListPage | ReplyPage | undefined, what: string): void;
  topLevel(page: ListPage | undefined): readonly Comment[];
  moreTopLevel(page: ListPage | undefined): boolean;
  replies(page: ReplyPage | undefined): readonly Comment[];
  moreReplies(page: ReplyPage | undefined): boolean;
  hasReplies(comment: Comment): boolean;
  /** The stored record; `parentId` for replies. Undefined for a comment that cannot be read. */
  record(comment: Comment, parentId?: string): MediaRecord | undefined;
  /** Fields naming the post in log lines, e.g. `{ aweme_id }`. */
  logFields: Record<string, unknown>;
}

/** Thrown inside a capture's action when there is nothing to click, so no response is waited for. */
class NoControl extends Error {}

/**
 * A post's comments, and their replies when `withReplies`, read from its open page:
 * `first` is the first comment page, captured while the page opened. Stops at `budget`
 * (top-level comments and replies together), so no page is loaded whose comments would
 * be dropped anyway.
 */
export async function* paneComments<ListPage, ReplyPage, Comment>(
  session: MediaSession,
  pane: CommentPane<ListPage, ReplyPage, Comment>,
  first: CapturedResponse<ListPage>,
  options: { budget: number; withReplies: boolean },
): AsyncGenerator<MediaRecord, void, undefined> {
  const { budget } = options;
  const seen = new Set<string>();
  let taken = 0;
  /** Top-level comments the pane shows so far: the DOM position of the next one. */
  let shown = 0;
  let page = first.json;
  for (;;) {
    pane.check(page, "the comment list");
    const comments = pane.topLevel(page);
    for (const comment of comments) {
      const position = shown++;
      if (taken >= budget) return;
      const record = pane.record(comment);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      taken++;
      if (!options.withReplies || !pane.hasReplies(comment) || taken >= budget) continue;
      for await (const reply of paneReplies(session, pane, record.id, position, budget - taken)) {
        yield reply;
        taken++;
      }
    }
    // A page without comments that claims more would make the pane load forever.
    if (taken >= budget || !pane.moreTopLevel(page) || comments.length === 0) return;
    const next = await scrollForMore<ListPage>(session, pane.listMatch, { selector: pane.ui.list });
    page = next.json;
  }
}

/** Replies to the comment `commentId` (shown at `position`), by clicking its expand control until done. */
async function* paneReplies<ListPage, ReplyPage, Comment>(
  session: MediaSession,
  pane: CommentPane<ListPage, ReplyPage, Comment>,
  commentId: string,
  position: number,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  const match = pane.replyMatch(commentId);
  let taken = 0;
  for (;;) {
    await session.pause("commentMs");
    let answer: CapturedResponse<ReplyPage>;
    try {
      answer = await session.capture<ReplyPage>(match, async () => {
        const clicked = await clickTextIn(session.page, { itemSelector: pane.ui.item, index: position, text: pane.ui.expandReplies });
        if (!clicked) throw new NoControl();
      });
    } catch (error) {
      if (!(error instanceof NoControl)) throw error;
      session.log("no expand-replies control on a comment with replies", { ...pane.logFields, comment_id: commentId, replies_read: taken });
      return;
    }
    pane.check(answer.json, "the reply list");
    const replies = pane.replies(answer.json);
    for (const reply of replies) {
      if (taken >= budget) return;
      const record = pane.record(reply, commentId);
      if (record === undefined) continue;
      yield record;
      taken++;
    }
    if (taken >= budget || replies.length === 0 || !pane.moreReplies(answer.json)) return;
  }
}
