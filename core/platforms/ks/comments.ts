import { paneComments, type CommentPane } from "../media/commentPane.js";
import type { CapturedResponse, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { assertKsRestOk } from "./access.js";
import { ksCommentRecord, ksHasReplies } from "./items.js";
import type { KsTaskParams } from "./schema.js";
import { KS_ENDPOINTS, KS_NO_MORE, type KsComment, type KsCommentListResponse, type KsSubCommentListResponse } from "./shapes.js";

/**
 * How a 快手 video page shows its comments: the one place to update when the site's
 * markup changes. The comment pane loads its next page when scrolled to the bottom; a
 * comment with replies shows "展开N条回复", and "展开更多回复" below the replies shown.
 */
export const KS_COMMENT_UI = {
  list: ".comment-list",
  item: ".comment-item",
  expandReplies: /^(展开|查看)\s*(\d+\s*条回复|更多回复?)/,
} as const;

/** The JSON body of a captured POST, or {} when it has none. */
export function ksBodyOf(response: CapturedResponse): Record<string, unknown> {
  try {
    const body = JSON.parse(response.requestBody ?? "{}") as unknown;
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The comment pages of one video (POST /rest/v/photo/comment/list {photoId, pcursor}). */
export function ksCommentsMatch(photoId: string): ResponseMatch {
  return { path: KS_ENDPOINTS.comments, method: "POST", test: (response) => ksBodyOf(response).photoId === photoId };
}

/** Whether a cursor says another page follows. */
function ksHasMore(cursor: string | undefined): boolean {
  return cursor !== undefined && cursor !== "" && cursor !== KS_NO_MORE;
}

/**
 * A video's comments, and their replies with `enable_sub_comments`, read from its open
 * page: `first` is the first comment page, captured while the page opened. Stops at
 * `max_comments_count` (top-level comments and replies together).
 */
export function ksComments(
  session: MediaSession,
  params: KsTaskParams,
  photoId: string,
  first: CapturedResponse<KsCommentListResponse>,
): AsyncGenerator<MediaRecord, void, undefined> {
  const pane: CommentPane<KsCommentListResponse, KsSubCommentListResponse, KsComment> = {
    ui: KS_COMMENT_UI,
    listMatch: ksCommentsMatch(photoId),
    replyMatch: (commentId) => ({
      path: KS_ENDPOINTS.replies,
      method: "POST",
      test: (response) => String(ksBodyOf(response).rootCommentId) === commentId,
    }),
    check: assertKsRestOk,
    topLevel: (page) => page?.rootCommentsV2 ?? [],
    moreTopLevel: (page) => ksHasMore(page?.pcursorV2),
    replies: (page) => page?.subCommentsV2 ?? [],
    moreReplies: (page) => ksHasMore(page?.pcursorV2),
    hasReplies: ksHasReplies,
    record: (comment, parentId) => ksCommentRecord(comment, photoId, parentId),
    logFields: { photo_id: photoId },
  };
  return paneComments(session, pane, first, { budget: params.max_comments_count, withReplies: params.enable_sub_comments });
}
