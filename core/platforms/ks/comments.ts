import { commentCaps } from "../media/caps.js";
import { threadComments, type CommentThread, type ThreadPage } from "../media/commentPane.js";
import type { MediaRecord, MediaSession } from "../media/types.js";
import { assertKsAnswerOk } from "./access.js";
import { ksCommentRecord, ksHasReplies } from "./items.js";
import type { KsTaskParams } from "./schema.js";
import { ksCommentListAnswer, ksSubCommentListAnswer, type KsComment } from "./shapes.js";
import { KS_ENDPOINTS, KS_JSON_HEADERS, ksHasMore } from "./site.js";

/**
 * A video's comments, and with `enable_sub_comments` every reply (not only the ones the
 * page shows inline), read through the REST v2 comment endpoints from whichever
 * www.kuaishou.com page is open: POST /rest/v/photo/comment/list `{photoId, pcursor}` and
 * /rest/v/photo/comment/sublist `{photoId, pcursor, rootCommentId}` (a number), each paged
 * by `pcursorV2` until "no_more" (MC kuaishou/client.py:256-387; MC calls them unsigned).
 * Stops at `max_comments_count` (top-level comments and replies together).
 */
export function ksComments(
  session: MediaSession,
  params: KsTaskParams,
  photoId: string,
): AsyncGenerator<MediaRecord, void, undefined> {
  const thread: CommentThread<KsComment> = {
    comments: async (cursor) => {
      const step = "comments: page";
      const answer = await post(session, KS_ENDPOINTS.comments, { photoId, pcursor: cursor ?? "" }, step);
      assertKsAnswerOk(answer, step, KS_ENDPOINTS.comments);
      const body = session.expect(ksCommentListAnswer, answer, step);
      return page(body.rootCommentsV2, body.pcursorV2);
    },
    replies: async (_parentId, parent, cursor) => {
      const step = "comments: replies";
      // MC client.py:280: "Must be int type for V2 API".
      const rootCommentId = Number(parent.comment_id);
      const answer = await post(session, KS_ENDPOINTS.replies, { photoId, pcursor: cursor ?? "", rootCommentId }, step);
      assertKsAnswerOk(answer, step, KS_ENDPOINTS.replies);
      const body = session.expect(ksSubCommentListAnswer, answer, step);
      return page(body.subCommentsV2, body.pcursorV2);
    },
    hasReplies: ksHasReplies,
    record: (comment, parentId) => ksCommentRecord(comment, photoId, parentId),
    logFields: { photo_id: photoId },
  };
  return threadComments(session, thread, commentCaps(params));
}

function post(session: MediaSession, endpoint: string, body: Record<string, unknown>, step: string) {
  return session.call({
    url: endpoint,
    method: "POST",
    body: JSON.stringify(body),
    headers: { ...KS_JSON_HEADERS },
    step,
  });
}

function page(items: KsComment[] | null, cursor: string): ThreadPage<KsComment> {
  return { items: items ?? [], next: ksHasMore(cursor) ? cursor : undefined };
}
