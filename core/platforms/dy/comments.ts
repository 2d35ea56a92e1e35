import { clickTextIn } from "../media/clickText.js";
import { scrollForMore } from "../media/scrollForMore.js";
import type { CapturedResponse, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { assertDyOk } from "./access.js";
import { dyCommentRecord } from "./items.js";
import type { DyTaskParams } from "./schema.js";
import { DY_ENDPOINTS, type DyCommentListResponse } from "./shapes.js";

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

/** Thrown inside a capture's action when there is nothing to click, so no response is waited for. */
class NoControl extends Error {}

/**
 * A post's comments, and their replies with `enable_sub_comments`, read from its open
 * page: `first` is the first comment page, captured while the page opened. Stops at
 * `max_comments_count` (top-level comments and replies together), so no page is loaded
 * whose comments would be dropped anyway.
 */
export async function* dyComments(
  session: MediaSession,
  params: DyTaskParams,
  awemeId: string,
  first: CapturedResponse<DyCommentListResponse>,
): AsyncGenerator<MediaRecord, void, undefined> {
  const budget = params.max_comments_count;
  const seen = new Set<string>();
  let taken = 0;
  /** Top-level comments the pane shows so far: the DOM position of the next one. */
  let shown = 0;
  let page = first.json;
  for (;;) {
    assertDyOk(page, "the comment list");
    for (const comment of page?.comments ?? []) {
      const position = shown++;
      if (taken >= budget) return;
      const record = dyCommentRecord(comment, awemeId);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      taken++;
      if (!params.enable_sub_comments || (comment.reply_comment_total ?? 0) <= 0 || taken >= budget) continue;
      for await (const reply of dyReplies(session, awemeId, record.id, position, budget - taken)) {
        yield reply;
        taken++;
      }
    }
    // A page without comments that claims more would make the pane load forever.
    if (taken >= budget || page?.has_more !== 1 || (page.comments ?? []).length === 0) return;
    const next = await scrollForMore<DyCommentListResponse>(session, dyCommentsMatch(awemeId), { selector: DY_COMMENT_UI.list });
    page = next.json;
  }
}

/** Replies to the comment `commentId` (shown at `position`), by clicking its expand control until done. */
async function* dyReplies(
  session: MediaSession,
  awemeId: string,
  commentId: string,
  position: number,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  const match: ResponseMatch = {
    path: DY_ENDPOINTS.replies,
    method: "GET",
    test: (response) => response.url.searchParams.get("comment_id") === commentId,
  };
  let taken = 0;
  for (;;) {
    await session.pause("commentMs");
    let answer: CapturedResponse<DyCommentListResponse>;
    try {
      answer = await session.capture<DyCommentListResponse>(match, async () => {
        const clicked = await clickTextIn(session.page, { itemSelector: DY_COMMENT_UI.item, index: position, text: DY_COMMENT_UI.expandReplies });
        if (!clicked) throw new NoControl();
      });
    } catch (error) {
      if (!(error instanceof NoControl)) throw error;
      session.log("no expand-replies control on a comment with replies", { aweme_id: awemeId, comment_id: commentId, replies_read: taken });
      return;
    }
    assertDyOk(answer.json, "the reply list");
    for (const reply of answer.json?.comments ?? []) {
      if (taken >= budget) return;
      const record = dyCommentRecord(reply, awemeId, commentId);
      if (record === undefined) continue;
      yield record;
      taken++;
    }
    if (answer.json?.has_more !== 1 || taken >= budget || (answer.json.comments ?? []).length === 0) return;
  }
}
