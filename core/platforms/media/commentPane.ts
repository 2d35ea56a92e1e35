import type { MediaRecord, MediaSession } from "./types.js";

/**
 * A post's comments read through the site's own comment API, called from inside the
 * logged-in page (`session.call`, see each platform's comments.ts): the top-level pages
 * by cursor, and for each comment with replies its reply pages by cursor, to the end of
 * the thread, not just the preview the page shows inline. No clicking: the evidence of
 * dy and ks (MediaCrawler douyin/client.py:223-310, kuaishou/client.py:256-387) shows the
 * endpoints and their cursors, so the crawl reads them directly, page after page, with
 * the platform's comment pause between calls (`session.call` waits `commentMs`).
 *
 * The reading loop (caps, de-duplication, a cursor that does not move) is the same for
 * every such site; a platform says how to fetch and read one page.
 */

/** A page token of a comment list: the site's own cursor (a number or an opaque string). */
export type ThreadCursor = string | number;

/** One page of comments or replies, read and checked by the platform. */
export interface ThreadPage<Comment> {
  items: readonly Comment[];
  /** The cursor of the next page; undefined when the site says there is none. */
  next: ThreadCursor | undefined;
}

/** How one platform's comment API is read (its comments.ts). */
export interface CommentThread<Comment> {
  /** A page of the post's top-level comments; `cursor` undefined: the first page. */
  comments(cursor: ThreadCursor | undefined): Promise<ThreadPage<Comment>>;
  /** A page of the replies to the top-level comment `parentId`; `cursor` undefined: the first. */
  replies(parentId: string, parent: Comment, cursor: ThreadCursor | undefined): Promise<ThreadPage<Comment>>;
  /** Whether a top-level comment says it has replies. */
  hasReplies(comment: Comment): boolean;
  /** The stored record; `parentId` for replies. Undefined for a comment that cannot be read. */
  record(comment: Comment, parentId?: string): MediaRecord | undefined;
  /** Fields naming the post in log lines, e.g. `{ aweme_id }`. */
  logFields: Record<string, unknown>;
}

/**
 * A post's comments, each followed by its replies when `withReplies`. Stops at `budget`
 * (top-level comments and replies together), so no page is fetched whose comments would
 * be dropped anyway; stops a list whose page is empty or whose cursor does not move (a
 * site that claims more forever must not make the crawl loop).
 */
export async function* threadComments<Comment>(
  session: MediaSession,
  thread: CommentThread<Comment>,
  options: { budget: number; withReplies: boolean },
): AsyncGenerator<MediaRecord, void, undefined> {
  const { budget } = options;
  const seen = new Set<string>();
  let taken = 0;
  let cursor: ThreadCursor | undefined;
  for (;;) {
    const page = await thread.comments(cursor);
    for (const comment of page.items) {
      if (taken >= budget) return;
      const record = thread.record(comment);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      taken++;
      if (!options.withReplies || !thread.hasReplies(comment) || taken >= budget) continue;
      for await (const reply of threadReplies(session, thread, record.id, comment, budget - taken, seen)) {
        yield reply;
        taken++;
      }
    }
    if (taken >= budget || !movesOn(session, thread, cursor, page, "comments")) return;
    cursor = page.next;
  }
}

/** Replies to the comment `parentId`, page after page, up to `budget`. */
async function* threadReplies<Comment>(
  session: MediaSession,
  thread: CommentThread<Comment>,
  parentId: string,
  parent: Comment,
  budget: number,
  seen: Set<string>,
): AsyncGenerator<MediaRecord, void, undefined> {
  let taken = 0;
  let cursor: ThreadCursor | undefined;
  for (;;) {
    const page = await thread.replies(parentId, parent, cursor);
    for (const reply of page.items) {
      if (taken >= budget) return;
      const record = thread.record(reply, parentId);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      taken++;
    }
    if (taken >= budget || !movesOn(session, thread, cursor, page, "replies", parentId)) return;
    cursor = page.next;
  }
}

/** Whether another page should be fetched after `page` (read at `cursor`). */
function movesOn<Comment>(
  session: MediaSession,
  thread: CommentThread<Comment>,
  cursor: ThreadCursor | undefined,
  page: ThreadPage<Comment>,
  list: string,
  parentId?: string,
): boolean {
  if (page.next === undefined || page.items.length === 0) return false;
  if (page.next === cursor) {
    session.log(`the ${list} cursor did not move; stopping that list`, {
      ...thread.logFields,
      ...(parentId ? { comment_id: parentId } : {}),
      cursor,
    });
    return false;
  }
  return true;
}
