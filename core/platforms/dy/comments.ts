import { commentCaps } from "../media/caps.js";
import { threadComments, type CommentThread, type ThreadCursor, type ThreadPage } from "../media/commentPane.js";
import type { MediaRecord, MediaSession } from "../media/types.js";
import { assertDyAnswerOk } from "./access.js";
import { dyCommentRecord } from "./items.js";
import type { DyTaskParams } from "./schema.js";
import { dyCommentListAnswer, type DyComment } from "./shapes.js";
import { DY_COMMENT_PAGE_SIZE, DY_ENDPOINTS, dyApiPath } from "./site.js";

/**
 * A post's comments, and with `enable_sub_comments` every reply (not only the preview),
 * read through the comment API from whichever www.douyin.com page is open: the calls
 * leave through the page's XHR, so its security script signs them (site.ts). MC
 * douyin/client.py:223-310 pages both lists the same way: `cursor` from the answer while
 * `has_more` is 1. Stops at `max_comments_count` (top-level comments and replies together).
 */
export function dyComments(
  session: MediaSession,
  params: DyTaskParams,
  awemeId: string,
): AsyncGenerator<MediaRecord, void, undefined> {
  const thread: CommentThread<DyComment> = {
    comments: (cursor) =>
      commentPage(
        session,
        "comments: page",
        dyApiPath(DY_ENDPOINTS.comments, {
          aweme_id: awemeId,
          cursor: String(cursor ?? 0),
          count: String(DY_COMMENT_PAGE_SIZE),
          item_type: "0",
        }),
      ),
    replies: (parentId, _parent, cursor) =>
      commentPage(
        session,
        "comments: replies",
        dyApiPath(DY_ENDPOINTS.replies, {
          item_id: awemeId,
          comment_id: parentId,
          cursor: String(cursor ?? 0),
          count: String(DY_COMMENT_PAGE_SIZE),
          item_type: "0",
        }),
      ),
    hasReplies: (comment) => (comment.reply_comment_total ?? 0) > 0,
    record: (comment, parentId) => dyCommentRecord(comment, awemeId, parentId),
    logFields: { aweme_id: awemeId },
  };
  return threadComments(session, thread, commentCaps(params));
}

/** One page of comments or replies, checked: the next `cursor` while `has_more` is 1. */
async function commentPage(session: MediaSession, step: string, path: string): Promise<ThreadPage<DyComment>> {
  const answer = await session.call({ url: path, step });
  assertDyAnswerOk(answer, step);
  const body = session.expect(dyCommentListAnswer, answer, step);
  const next: ThreadCursor | undefined = body.has_more === 1 ? body.cursor : undefined;
  return { items: body.comments ?? [], next };
}
