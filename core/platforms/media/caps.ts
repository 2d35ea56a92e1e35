import type { MediaCursor, MediaRecord, MediaTaskParams } from "./types.js";

/**
 * The task's caps and switches, each read in one place, for the framework (crawl.ts) and
 * for every platform's crawler: a platform asks here whether to read comments at all and
 * how many, so that it never requests a page whose records the framework would drop.
 */

/** The comments one post's reading is bound to. */
export interface CommentCaps {
  /** Most comment records (top-level plus replies) for this post: `max_comments_count`. */
  maxComments: number;
  /** Also read each comment's replies: `enable_sub_comments`. */
  withReplies: boolean;
}

/** Whether a post's comments are read at all: switched on, and at least one may be stored. */
export function wantsComments(params: MediaTaskParams): boolean {
  return params.enable_comments && params.max_comments_count > 0;
}

/** The caps of one post's comments. */
export function commentCaps(params: MediaTaskParams): CommentCaps {
  return { maxComments: params.max_comments_count, withReplies: params.enable_sub_comments };
}

/** Whether the input has all the posts it may store (`max_notes_count`): load no further page. */
export function notesFull(cursor: Pick<MediaCursor, "notesDone">, params: MediaTaskParams): boolean {
  return cursor.notesDone >= params.max_notes_count;
}

/** Whether the switches let this comment record be stored: comments on, and replies only with sub-comments. */
export function commentSwitchedOn(params: MediaTaskParams, record: MediaRecord): boolean {
  return params.enable_comments && (record.parentId === undefined || params.enable_sub_comments);
}

/**
 * `read` when the task wants comments (see {@link wantsComments}), else undefined: for
 * hooks that are absent when no comment is to be read, such as walkFeed's `commentsOf`.
 */
export function commentsIfWanted(
  params: MediaTaskParams,
  read: (post: MediaRecord) => AsyncIterable<MediaRecord>,
): ((post: MediaRecord) => AsyncIterable<MediaRecord>) | undefined {
  return wantsComments(params) ? read : undefined;
}
