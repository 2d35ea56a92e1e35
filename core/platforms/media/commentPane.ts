import type { CommentCaps } from "./caps.js";
import type { MediaRecord, MediaSession } from "./types.js";

/**
 * A post's comments, shared by every media platform.
 *
 * {@link commentsAndReplies} is the walk all of them take, whatever brings the comments
 * in (API calls, a pane the page loads as it is scrolled, buttons clicked): each top-level
 * comment followed by its replies, within the task's comment caps (caps.ts).
 *
 * {@link threadComments} is that walk over a comment API called from inside the logged-in
 * page (`session.call`, see each platform's comments.ts): the top-level pages by cursor,
 * and for each comment with replies its reply pages by cursor, to the end of the thread,
 * not just the preview the page shows inline. No clicking: the evidence of dy and ks
 * (MediaCrawler douyin/client.py:223-310, kuaishou/client.py:256-387) shows the endpoints
 * and their cursors, so the crawl reads them directly, page after page, with the
 * platform's comment pause between calls (`session.call` waits `commentMs`). The reading
 * loop (caps, de-duplication, a cursor that does not move) is the same for every such
 * site; a platform says how to fetch and read one page.
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
 * How {@link commentsAndReplies} reads one post's comments. The top-level comments come
 * lazily (an async generator that fetches the next page only when pulled), so that no page
 * is requested once the caps are reached.
 */
export interface CommentTree<Root> {
  /** The post's top-level comments in the site's order. */
  roots: AsyncIterable<Root> | Iterable<Root>;
  /** The stored record of a top-level comment; undefined to skip it (unreadable, seen before). */
  record(root: Root): MediaRecord | undefined;
  /** Whether a top-level comment has replies worth reading. */
  hasReplies(root: Root): boolean;
  /** Up to `budget` replies to `root` (whose record is `record`), each with `parentId`. */
  replies(root: Root, record: MediaRecord, budget: number): AsyncIterable<MediaRecord>;
}

/**
 * The walk every platform's comments take: each top-level comment, followed by its
 * replies when `caps.withReplies`, until `caps.maxComments` records (top-level comments
 * and replies together) were yielded. It stops pulling as soon as the cap is reached, so
 * no page or reply list is requested whose records would be dropped.
 */
export async function* commentsAndReplies<Root>(
  tree: CommentTree<Root>,
  caps: CommentCaps,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (caps.maxComments <= 0) return;
  let yielded = 0;
  for await (const root of tree.roots) {
    const record = tree.record(root);
    if (record === undefined) continue;
    yield record;
    if (++yielded >= caps.maxComments) return;
    if (!caps.withReplies || !tree.hasReplies(root)) continue;
    for await (const reply of tree.replies(root, record, caps.maxComments - yielded)) {
      yield reply;
      if (++yielded >= caps.maxComments) return;
    }
  }
}

/**
 * A post's comments read through its comment API (a {@link CommentThread}), each followed
 * by its replies when `withReplies`, up to `maxComments`; stops a list whose page is empty
 * or whose cursor does not move (a site that claims more forever must not make the crawl
 * loop). A comment or reply seen before (lists shift while read) is not yielded again.
 */
export function threadComments<Comment>(
  session: MediaSession,
  thread: CommentThread<Comment>,
  caps: CommentCaps,
): AsyncGenerator<MediaRecord, void, undefined> {
  const seen = new Set<string>();
  return commentsAndReplies<Comment>(
    {
      roots: threadRoots(session, thread),
      record: (comment) => {
        const record = thread.record(comment);
        if (record === undefined || seen.has(record.id)) return undefined;
        seen.add(record.id);
        return record;
      },
      hasReplies: (comment) => thread.hasReplies(comment),
      replies: (comment, record, budget) => threadReplies(session, thread, record.id, comment, budget, seen),
    },
    caps,
  );
}

/** The top-level comments, page after page, each page fetched when the walk pulls past the last. */
async function* threadRoots<Comment>(
  session: MediaSession,
  thread: CommentThread<Comment>,
): AsyncGenerator<Comment, void, undefined> {
  let cursor: ThreadCursor | undefined;
  for (;;) {
    const page = await thread.comments(cursor);
    yield* page.items;
    if (!movesOn(session, thread, cursor, page, "comments")) return;
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
