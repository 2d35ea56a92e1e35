import { paneComments, type CommentPane } from "../media/commentPane.js";
import type { CapturedResponse, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { assertDyOk } from "./access.js";
import { dyCommentRecord } from "./items.js";
import type { DyTaskParams } from "./schema.js";
import { DY_ENDPOINTS, type DyComment, type DyCommentListResponse } from "./shapes.js";

/**
 * How a 抖音 post page shows its comments: the one place to update when the site's markup
 * changes. The comment pane loads its next page when scrolled to the bottom; a comment
 * with replies shows "展开N条回复", and "展开更多" below the replies already shown.
 */
export const DY_COMMENT_UI = {
  list: '[data-e2e="comment-list"]',
  item: '[data-e2e="comment-item"]',
  expandReplies: /^展开(\d+条回复|更多)/,
} as const;

/** The comment pages of one post (the page may load other lists too). */
export function dyCommentsMatch(awemeId: string): ResponseMatch {
  return { path: DY_ENDPOINTS.comments, method: "GET", test: (response) => response.url.searchParams.get("aweme_id") === awemeId };
}

/**
 * A post's comments, and their replies with `enable_sub_comments`, read from its open
 * page: `first` is the first comment page, captured while the page opened. Stops at
 * `max_comments_count` (top-level comments and replies together).
 */
export function dyComments(
  session: MediaSession,
  params: DyTaskParams,
  awemeId: string,
  first: CapturedResponse<DyCommentListResponse>,
): AsyncGenerator<MediaRecord, void, undefined> {
  const pane: CommentPane<DyCommentListResponse, DyCommentListResponse, DyComment> = {
    ui: DY_COMMENT_UI,
    listMatch: dyCommentsMatch(awemeId),
    replyMatch: (commentId) => ({
      path: DY_ENDPOINTS.replies,
      method: "GET",
      test: (response) => response.url.searchParams.get("comment_id") === commentId,
    }),
    check: assertDyOk,
    topLevel: (page) => page?.comments ?? [],
    moreTopLevel: (page) => page?.has_more === 1,
    replies: (page) => page?.comments ?? [],
    moreReplies: (page) => page?.has_more === 1,
    hasReplies: (comment) => (comment.reply_comment_total ?? 0) > 0,
    record: (comment, parentId) => dyCommentRecord(comment, awemeId, parentId),
    logFields: { aweme_id: awemeId },
  };
  return paneComments(session, pane, first, { budget: params.max_comments_count, withReplies: params.enable_sub_comments });
}
