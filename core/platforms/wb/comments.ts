import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import { wbJson } from "./classify.js";
import { wbCommentRecord } from "./items.js";
import type { WbComment, WbEnvelope, WbHotFlowChild, WbHotflowData } from "./shapes.js";
import { WB_ENDPOINTS, WB_SELECTORS } from "./site.js";

export interface CommentOptions {
  /** Most comments (top-level plus replies) to yield for this post. */
  maxComments: number;
  /** Open "共N条回复" under each comment and page through its replies. */
  withReplies: boolean;
}

/**
 * The comments of the detail page that is open, starting from its first hotflow answer
 * (the page asks for it on load): each scroll to the bottom makes the page fetch the next
 * page (`max_id` of the previous answer) until `max_id` is 0. With replies, each
 * comment's replies follow it: the inline ones when they are all there, otherwise by
 * opening "共N条回复" (/comments/hotFlowChild) and its "加载更多" pages.
 *
 * Two passes, so the page's own loading never races our clicks: first scroll until
 * enough top-level comments are in hand (no page beyond `maxComments` is requested),
 * then walk them, opening replies, until `maxComments` records were yielded.
 */
export async function* wbComments(
  session: MediaSession,
  noteId: string,
  first: CapturedResponse<WbEnvelope<WbHotflowData>>,
  options: CommentOptions,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (options.maxComments <= 0) return;
  const roots = await topLevelComments(session, first, options.maxComments);
  let yielded = 0;
  for (const comment of roots) {
    yield wbCommentRecord(comment, noteId);
    if (++yielded >= options.maxComments) return;
    if (!options.withReplies || (comment.total_number ?? 0) <= 0) continue;
    for await (const reply of repliesOf(session, comment, noteId, options.maxComments - yielded)) {
      yield reply;
      if (++yielded >= options.maxComments) return;
    }
  }
}

/** Scrolls the comment list until `wanted` top-level comments are loaded or there are no more. */
async function topLevelComments(session: MediaSession, first: CapturedResponse<WbEnvelope<WbHotflowData>>, wanted: number): Promise<WbComment[]> {
  const roots = new Map<string, WbComment>();
  let answer = first;
  for (;;) {
    const body = await wbJson(session, answer);
    // ok 0 without a risk signal (classify.ts) is "no comments yet".
    if (body.ok !== 1 || body.data === undefined) break;
    const comments = body.data.data ?? [];
    for (const comment of comments) if (!roots.has(String(comment.id))) roots.set(String(comment.id), comment);
    if (roots.size >= wanted || body.data.max_id === 0 || comments.length === 0) break;
    await session.pause("commentMs");
    answer = await session.capture<WbEnvelope<WbHotflowData>>(WB_ENDPOINTS.hotflow, () => session.scroll());
  }
  return [...roots.values()];
}

/** The replies of one top-level comment, at most `budget`. */
async function* repliesOf(session: MediaSession, comment: WbComment, noteId: string, budget: number): AsyncGenerator<MediaRecord, void, undefined> {
  const cid = String(comment.id);
  const inline = Array.isArray(comment.comments) ? comment.comments : [];
  if ((comment.total_number ?? 0) <= inline.length) {
    // Every reply is shown under the comment; the page offers no "共N条回复" to open.
    for (const reply of inline.slice(0, budget)) yield asReply(reply, cid, noteId);
    return;
  }
  // Only this comment's reply pages: another comment's list answering late is not ours.
  const ofComment = { ...WB_ENDPOINTS.hotFlowChild, test: (response: CapturedResponse) => response.url.searchParams.get("cid") === cid };
  let answer = await session.capture<WbHotFlowChild>(ofComment, () => session.page.click(WB_SELECTORS.moreReplies(cid)));
  let yielded = 0;
  for (;;) {
    const body = await wbJson(session, answer);
    if (body.ok !== 1 || !Array.isArray(body.data)) return;
    for (const reply of body.data) {
      yield asReply(reply, cid, noteId);
      if (++yielded >= budget) return;
    }
    if (!body.max_id || body.data.length === 0) return;
    await session.pause("commentMs");
    answer = await session.capture<WbHotFlowChild>(ofComment, () => session.page.click(WB_SELECTORS.nextReplies(cid)));
  }
}

/** A reply names its thread; the site's `rootid` is trusted when present, else the comment it was listed under. */
function asReply(reply: WbComment, cid: string, noteId: string): MediaRecord {
  const record = wbCommentRecord({ ...reply, rootid: reply.rootid ?? cid }, noteId);
  if (record.parentId === undefined) {
    record.parentId = cid;
    record.fields.parent_comment_id = cid;
  }
  return record;
}
