import { clickTextIn } from "../media/clickText.js";
import { scrollForMore } from "../media/scrollForMore.js";
import type { CapturedResponse, MediaRecord, MediaSession, ResponseMatch } from "../media/types.js";
import { assertKsRestOk } from "./access.js";
import { ksCommentRecord, ksHasReplies } from "./items.js";
import type { KsTaskParams } from "./schema.js";
import { KS_ENDPOINTS, KS_NO_MORE, type KsCommentListResponse, type KsSubCommentListResponse } from "./shapes.js";

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

/** Thrown inside a capture's action when there is nothing to click, so no response is waited for. */
class NoControl extends Error {}

/**
 * A video's comments, and their replies with `enable_sub_comments`, read from its open
 * page: `first` is the first comment page, captured while the page opened. Stops at
 * `max_comments_count` (top-level comments and replies together).
 */
export async function* ksComments(
  session: MediaSession,
  params: KsTaskParams,
  photoId: string,
  first: CapturedResponse<KsCommentListResponse>,
): AsyncGenerator<MediaRecord, void, undefined> {
  const budget = params.max_comments_count;
  const seen = new Set<string>();
  let taken = 0;
  /** Top-level comments the pane shows so far: the DOM position of the next one. */
  let shown = 0;
  let page = first.json;
  for (;;) {
    assertKsRestOk(page, "the comment list");
    for (const comment of page?.rootCommentsV2 ?? []) {
      const position = shown++;
      if (taken >= budget) return;
      const record = ksCommentRecord(comment, photoId);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      taken++;
      if (!params.enable_sub_comments || !ksHasReplies(comment) || taken >= budget) continue;
      for await (const reply of ksReplies(session, photoId, record.id, position, budget - taken)) {
        yield reply;
        taken++;
      }
    }
    const more = page?.pcursorV2 !== undefined && page.pcursorV2 !== "" && page.pcursorV2 !== KS_NO_MORE;
    // A page without comments that claims more would make the pane load forever.
    if (taken >= budget || !more || (page?.rootCommentsV2 ?? []).length === 0) return;
    const next = await scrollForMore<KsCommentListResponse>(session, ksCommentsMatch(photoId), { selector: KS_COMMENT_UI.list });
    page = next.json;
  }
}

/** Replies to the comment `commentId` (shown at `position`), by clicking its expand control until done. */
async function* ksReplies(session: MediaSession, photoId: string, commentId: string, position: number, budget: number): AsyncGenerator<MediaRecord, void, undefined> {
  const match: ResponseMatch = {
    path: KS_ENDPOINTS.replies,
    method: "POST",
    test: (response) => String(ksBodyOf(response).rootCommentId) === commentId,
  };
  let taken = 0;
  for (;;) {
    await session.pause("commentMs");
    let answer: CapturedResponse<KsSubCommentListResponse>;
    try {
      answer = await session.capture<KsSubCommentListResponse>(match, async () => {
        const clicked = await clickTextIn(session.page, { itemSelector: KS_COMMENT_UI.item, index: position, text: KS_COMMENT_UI.expandReplies });
        if (!clicked) throw new NoControl();
      });
    } catch (error) {
      if (!(error instanceof NoControl)) throw error;
      session.log("no expand-replies control on a comment with replies", { photo_id: photoId, comment_id: commentId, replies_read: taken });
      return;
    }
    assertKsRestOk(answer.json, "the reply list");
    const replies = answer.json?.subCommentsV2 ?? [];
    for (const reply of replies) {
      if (taken >= budget) return;
      const record = ksCommentRecord(reply, photoId, commentId);
      if (record === undefined) continue;
      yield record;
      taken++;
    }
    const cursor = answer.json?.pcursorV2;
    if (taken >= budget || replies.length === 0 || cursor === undefined || cursor === "" || cursor === KS_NO_MORE) return;
  }
}
