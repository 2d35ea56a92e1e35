import type { CommentCaps } from "../media/caps.js";
import { commentsAndReplies } from "../media/commentPane.js";
import { scrollForMore } from "../media/scrollForMore.js";
import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import { requireJson } from "./access.js";
import { biliCommentRecord } from "./items.js";
import { biliReplyMainAnswer, biliReplyReplyAnswer, type BiliReply, type BiliReplyMainData } from "./shapes.js";
import { BILI_ENDPOINTS, BILI_SELECTORS, replyReplyCall } from "./site.js";

/** B站's answer when a video's comment area is closed (docs/comment/list.md): not an error, just no comments. */
const COMMENTS_CLOSED = 12002;

/**
 * The comments of the video page that is open (FLOW.md, "comments"):
 *
 * - top-level comments come from the page's own /x/v2/reply/wbi/main requests, which the
 *   `<bili-comments>` component makes as it scrolls into view and as the reader scrolls
 *   down (wbi-signed: the page signs, we never do; no signing function is exposed to call);
 * - replies beyond the inline preview are called from the page: /x/v2/reply/reply pages
 *   (not signed), the way MC reads them (media_platform/bilibili/client.py:392-429), instead
 *   of clicking "点击查看" / "下一页" inside the component's shadow roots.
 *
 * Two passes, so the page's own loading never races our calls: first scroll until enough
 * top-level comments are in hand (no page beyond `maxComments` is requested), then walk
 * them, fetching replies, until `maxComments` records were yielded.
 */
export async function* biliComments(
  session: MediaSession,
  aid: string,
  caps: CommentCaps,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (caps.maxComments <= 0) return;
  // The comment area is a web component; without it the page has nothing to scroll into view.
  await session.element(BILI_SELECTORS.commentArea, "comments: comment area");
  const roots = await topLevelComments(session, aid, caps.maxComments);
  yield* commentsAndReplies<BiliReply>(
    {
      roots,
      record: (reply) => biliCommentRecord(reply, aid),
      hasReplies: (reply) => reply.rcount > 0,
      replies: (reply, _record, budget) => repliesOf(session, reply, aid, budget),
    },
    caps,
  );
}

const PAGE_STEP = "comments: page";

/** Scrolls the comment area until `wanted` top-level comments (pinned first) are loaded or there are no more. */
async function topLevelComments(session: MediaSession, aid: string, wanted: number): Promise<BiliReply[]> {
  const roots = new Map<number, BiliReply>();
  // Only this video's comment pages: a late answer of the previous video is not ours.
  const ofVideo = {
    ...BILI_ENDPOINTS.replyMain,
    test: (response: CapturedResponse) => response.url.searchParams.get("oid") === aid,
  };
  for (let page = 0; roots.size < wanted; page++) {
    if (page > 0) await session.pause("commentMs");
    const answer = await scrollForMore(session, ofVideo);
    requireJson(answer);
    const body = session.expect(biliReplyMainAnswer, answer, PAGE_STEP);
    if (body.code === COMMENTS_CLOSED) {
      session.log("comments closed", { video_id: aid });
      break;
    }
    if (body.code !== 0 || !body.data) {
      // One video's comments, not the crawl: MC skips them too after its retries (client.py:295-307).
      session.log("comment page refused; comments of this video end here", {
        video_id: aid,
        code: body.code,
        error_message: body.message,
      });
      break;
    }
    const replies = [...(page === 0 ? pinned(body.data) : []), ...(body.data.replies ?? [])];
    for (const reply of replies) if (!roots.has(reply.rpid)) roots.set(reply.rpid, reply);
    if (body.data.cursor.is_end || replies.length === 0) break;
  }
  return [...roots.values()];
}

/**
 * Pinned comments of the first page, ahead of the others as on the page: `top_replies`
 * and the `top.upper` / `top.admin` entries, as MC collects them (client.py:47-54, 318-334).
 */
function pinned(data: BiliReplyMainData): BiliReply[] {
  const found = [...(data.top_replies ?? []), data.top?.upper, data.top?.admin];
  return found.filter((reply): reply is BiliReply => reply !== null && reply !== undefined);
}

const REPLY_STEP = "comments: replies";

/** The replies under one top-level comment, at most `budget`. */
async function* repliesOf(
  session: MediaSession,
  root: BiliReply,
  aid: string,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  const preview = root.replies ?? [];
  if (root.rcount <= preview.length) {
    // The page shows every reply inline: nothing to fetch.
    for (const reply of preview.slice(0, budget)) yield replyRecord(reply, aid);
    return;
  }
  let yielded = 0;
  for (let pn = 1; ; pn++) {
    const answer = await session.call({ url: replyReplyCall(aid, root.rpid, pn), base: "api", step: REPLY_STEP });
    requireJson(answer);
    const body = session.expect(biliReplyReplyAnswer, answer, REPLY_STEP);
    if (body.code !== 0 || !body.data) {
      // 12006 没有该评论, 12022 已经被删除了 (list.md): this comment's replies only.
      return session.log("reply page refused; replies of this comment end here", {
        video_id: aid,
        rpid: root.rpid,
        code: body.code,
      });
    }
    const replies = body.data.replies ?? [];
    for (const reply of replies) {
      yield replyRecord(reply, aid);
      if (++yielded >= budget) return;
    }
    const { num, size, count } = body.data.page;
    if (replies.length === 0 || num * size >= count) return;
  }
}

/** A reply: a comment record that names the comment it answers, so the framework stores it only with enable_sub_comments. */
function replyRecord(reply: BiliReply, aid: string): MediaRecord {
  return { ...biliCommentRecord(reply, aid), parentId: String(reply.parent || reply.root) };
}
