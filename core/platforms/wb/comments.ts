import type { CommentCaps } from "../media/caps.js";
import { commentsAndReplies } from "../media/commentPane.js";
import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import { wbBody, wbCall } from "./access.js";
import { wbCommentRecord } from "./items.js";
import { wbHotFlowChildAnswer, wbHotflowAnswer, type WbComment } from "./shapes.js";
import { WB_STEPS, hotFlowChildCall, hotflowCall } from "./site.js";

const PAGE_STEP = WB_STEPS.hotflow;
const REPLY_STEP = WB_STEPS.replies;

/**
 * The comments of the detail page that is open (FLOW.md, "comments"), starting from the
 * first hotflow answer the page asked for on load; the next pages are called from the
 * page with the previous answer's `max_id` (MC client.py:174-228) until it is 0. With
 * replies, each comment's replies follow it: the inline ones when they are all there
 * (all MC stores, client.py:231-256), otherwise the pages of /comments/hotFlowChild.
 *
 * Two passes: first the top-level comments wanted (no page beyond `maxComments` is asked
 * for), then each with its replies, until `maxComments` records were yielded
 * (commentsAndReplies). Not threadComments: the first page is the one the detail page
 * asked for on load, and a comment whose replies are all inline needs no reply call.
 */
export async function* wbComments(
  session: MediaSession,
  noteId: string,
  first: CapturedResponse,
  caps: CommentCaps,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (caps.maxComments <= 0) return;
  const roots = await topLevelComments(session, first, caps.maxComments);
  yield* commentsAndReplies<WbComment>(
    {
      roots,
      record: (comment) => wbCommentRecord(comment, noteId),
      hasReplies: (comment) => (comment.total_number ?? 0) > 0,
      replies: (comment, _record, budget) => repliesOf(session, comment, noteId, budget),
    },
    caps,
  );
}

/** Pages of hotflow until `wanted` top-level comments are in hand or there are no more. */
async function topLevelComments(session: MediaSession, first: CapturedResponse, wanted: number): Promise<WbComment[]> {
  const roots = new Map<string, WbComment>();
  let answer = first;
  for (;;) {
    const body = await wbBody(session, wbHotflowAnswer, answer, PAGE_STEP);
    // ok 0 without a throttling or risk signal (access.ts) is "no comments yet".
    if (body.ok !== 1 || body.data === undefined) break;
    const comments = body.data.data;
    for (const comment of comments) if (!roots.has(String(comment.id))) roots.set(String(comment.id), comment);
    if (roots.size >= wanted || body.data.max_id === 0 || comments.length === 0) break;
    answer = await wbCall(session, {
      url: hotflowCall(first, body.data.max_id, body.data.max_id_type),
      step: PAGE_STEP,
    });
  }
  return [...roots.values()];
}

/** The replies of one top-level comment, at most `budget`. */
async function* repliesOf(
  session: MediaSession,
  comment: WbComment,
  noteId: string,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  const cid = String(comment.id);
  const inline = Array.isArray(comment.comments) ? comment.comments : [];
  if ((comment.total_number ?? 0) <= inline.length) {
    for (const reply of inline.slice(0, budget)) yield asReply(reply, cid, noteId);
    return;
  }
  let yielded = 0;
  for (let maxId = 0; ; ) {
    const answer = await wbCall(session, { url: hotFlowChildCall(cid, maxId), step: REPLY_STEP });
    const body = await wbBody(session, wbHotFlowChildAnswer, answer, REPLY_STEP);
    if (body.ok !== 1 || body.data === undefined) {
      // One public client reports hotFlowChild answering ok 0 for it: then keep what the
      // page shows inline, all MC ever stores (client.py:231-256).
      session.log("reply pages refused; keeping the inline replies", {
        note_id: noteId,
        comment_id: cid,
        ok: body.ok,
        msg: body.msg,
      });
      if (yielded === 0) for (const reply of inline.slice(0, budget)) yield asReply(reply, cid, noteId);
      return;
    }
    for (const reply of body.data) {
      yield asReply(reply, cid, noteId);
      if (++yielded >= budget) return;
    }
    if (!body.max_id || body.data.length === 0) return;
    maxId = body.max_id;
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
