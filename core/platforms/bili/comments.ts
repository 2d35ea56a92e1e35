import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import { readable } from "./answers.js";
import { biliCommentRecord } from "./items.js";
import type { BiliEnvelope, BiliReply, BiliReplyMainData, BiliReplyReplyData } from "./shapes.js";
import { BILI_ENDPOINTS, BILI_SELECTORS } from "./site.js";

/** B站's answer when a video's comment area is closed: not an error, just no comments. */
const COMMENTS_CLOSED = 12002;

export interface CommentOptions {
  /** Most comments (top-level plus replies) to yield for this video. */
  maxComments: number;
  /** Open "点击查看" under each comment and page through its replies. */
  withReplies: boolean;
}

/**
 * The comments of the video page that is open, as a reader gets them: each scroll to the
 * bottom makes the page fetch the next /x/v2/reply/wbi/main page, until `cursor.is_end`.
 * With replies, each comment's replies follow it: taken from the inline preview when it
 * holds all of them, otherwise by clicking "点击查看" and then "下一页" (/x/v2/reply/reply).
 *
 * Two passes, so the page's own loading never races our clicks: first scroll until
 * enough top-level comments are in hand (no page beyond `maxComments` is requested),
 * then walk them, opening replies, until `maxComments` records were yielded.
 */
export async function* biliComments(session: MediaSession, videoId: string, options: CommentOptions): AsyncGenerator<MediaRecord, void, undefined> {
  if (options.maxComments <= 0) return;
  const roots = await topLevelComments(session, videoId, options.maxComments);
  let yielded = 0;
  for (const reply of roots) {
    yield biliCommentRecord(reply, videoId);
    if (++yielded >= options.maxComments) return;
    if (!options.withReplies || reply.rcount <= 0) continue;
    for await (const record of repliesOf(session, reply, videoId, options.maxComments - yielded)) {
      yield record;
      if (++yielded >= options.maxComments) return;
    }
  }
}

/** Scrolls the comment area until `wanted` top-level comments (pinned first) are loaded or there are no more. */
async function topLevelComments(session: MediaSession, videoId: string, wanted: number): Promise<BiliReply[]> {
  const roots = new Map<number, BiliReply>();
  for (let page = 0; roots.size < wanted; page++) {
    if (page > 0) await session.pause("commentMs");
    const answer = await session.capture<BiliEnvelope<BiliReplyMainData>>(BILI_ENDPOINTS.replyMain, () => session.scroll());
    const body = readable(answer);
    if (body.code === COMMENTS_CLOSED) {
      session.log("comments closed", { video_id: videoId });
      break;
    }
    if (body.code !== 0 || body.data === undefined) {
      session.log("comment page refused; comments of this video end here", { video_id: videoId, code: body.code, error_message: body.message });
      break;
    }
    // Pinned comments come with the first page only, ahead of the others, as on the page.
    const replies = [...(page === 0 ? (body.data.top_replies ?? []) : []), ...(body.data.replies ?? [])];
    for (const reply of replies) if (!roots.has(reply.rpid)) roots.set(reply.rpid, reply);
    if (body.data.cursor.is_end || replies.length === 0) break;
  }
  return [...roots.values()];
}

/** The replies under one top-level comment, at most `budget`. */
async function* repliesOf(session: MediaSession, root: BiliReply, videoId: string, budget: number): AsyncGenerator<MediaRecord, void, undefined> {
  const preview = root.replies ?? [];
  if (root.rcount <= preview.length) {
    // The page shows every reply inline and offers no "点击查看": nothing to fetch.
    for (const reply of preview.slice(0, budget)) yield replyRecord(reply, videoId);
    return;
  }
  let yielded = 0;
  // Only the reply pages of this comment: another comment's pager answering late is not ours.
  const ofRoot = { ...BILI_ENDPOINTS.replyReply, test: (response: CapturedResponse) => response.url.searchParams.get("root") === String(root.rpid) };
  let answer = await session.capture<BiliEnvelope<BiliReplyReplyData>>(ofRoot, () => session.page.click(BILI_SELECTORS.viewReplies(root.rpid)));
  for (;;) {
    const body = readable(answer);
    if (body.code !== 0 || body.data === undefined) {
      return session.log("reply page refused; replies of this comment end here", { video_id: videoId, rpid: root.rpid, code: body.code });
    }
    const replies = body.data.replies ?? [];
    for (const reply of replies) {
      yield replyRecord(reply, videoId);
      if (++yielded >= budget) return;
    }
    const { num, size, count } = body.data.page;
    if (replies.length === 0 || num * size >= count) return;
    await session.pause("commentMs");
    answer = await session.capture<BiliEnvelope<BiliReplyReplyData>>(ofRoot, () => session.page.click(BILI_SELECTORS.nextReplyPage(root.rpid)));
  }
}

/** A reply: a comment record that names the comment it answers, so the framework stores it only with enable_sub_comments. */
function replyRecord(reply: BiliReply, videoId: string): MediaRecord {
  return { ...biliCommentRecord(reply, videoId), parentId: String(reply.parent || reply.root) };
}
