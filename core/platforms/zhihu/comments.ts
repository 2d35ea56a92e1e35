import type { CommentCaps } from "../media/caps.js";
import { commentsAndReplies } from "../media/commentPane.js";
import type { CapturedResponse, MediaRecord, MediaSession } from "../media/types.js";
import type { ZhihuContentType } from "./ids.js";
import { mapComment, type ZhihuMapContext } from "./items.js";
import { zhihuCommentPageShape, type ZhihuComment, type ZhihuCommentPage } from "./shapes.js";
import { childCommentsMatch, rootCommentsMatch, ZHIHU_SELECTORS, ZHIHU_STEPS } from "./site.js";

type Content = { id: string; type: ZhihuContentType };

/**
 * The comments of the post whose page is open, in the order MC reads them (client.py:
 * 288-384: root comments page by page until `paging.is_end`, each page followed by the
 * replies of its comments): "N 条评论" opens the pane (root_comment), "查看更多评论"
 * fetches the next page. With replies, each root comment's replies follow it: from the
 * preview under it when that holds all of them, otherwise by "查看全部 N 条回复" and
 * "查看更多回复" (child_comment). The page makes every request (site.ts says why); we
 * click and read. Stops as soon as `maxComments` were yielded, so no page beyond the cap
 * is requested (commentsAndReplies).
 */
export function zhihuComments(
  session: MediaSession,
  content: Content,
  caps: CommentCaps,
  context: ZhihuMapContext,
): AsyncGenerator<MediaRecord, void, undefined> {
  const seen = new Set<string>();
  return commentsAndReplies<ZhihuComment>(
    {
      roots: rootComments(session, content),
      record: (comment) => {
        const record = mapComment(comment, content, null, context);
        if (record === undefined || seen.has(record.id)) return undefined;
        seen.add(record.id);
        return record;
      },
      hasReplies: (comment) => (comment.child_comment_count ?? 0) > 0,
      replies: (comment, record, budget) => repliesOf(session, content, comment, record.id, budget, context),
    },
    caps,
  );
}

/** The root comments: "N 条评论" opens the pane, "查看更多评论" loads each next page when the walk pulls past one. */
async function* rootComments(session: MediaSession, content: Content): AsyncGenerator<ZhihuComment, void, undefined> {
  let body = await commentPage(
    session,
    rootCommentsMatch(content),
    ZHIHU_SELECTORS.commentButton(content.id),
    ZHIHU_STEPS.rootComments,
  );
  while (body !== undefined) {
    yield* body.data;
    if (body.paging.is_end || body.data.length === 0) return;
    await session.pause("commentMs");
    body = await commentPage(
      session,
      rootCommentsMatch(content),
      ZHIHU_SELECTORS.moreComments(content.id),
      ZHIHU_STEPS.rootComments,
    );
  }
}

/** The replies under one root comment, at most `budget`. */
async function* repliesOf(
  session: MediaSession,
  content: Content,
  root: ZhihuComment,
  rootId: string,
  budget: number,
  context: ZhihuMapContext,
): AsyncGenerator<MediaRecord, void, undefined> {
  const preview = root.child_comments ?? [];
  const total = root.child_comment_count ?? 0;
  if (total <= preview.length) {
    // Every reply is shown under the comment; the page offers nothing more to open.
    for (const reply of preview.slice(0, budget)) {
      const record = mapComment(reply, content, rootId, context);
      if (record !== undefined) yield record;
    }
    return;
  }
  let yielded = 0;
  let body = await commentPage(
    session,
    childCommentsMatch(rootId),
    ZHIHU_SELECTORS.allReplies(content.id, rootId),
    ZHIHU_STEPS.replies,
  );
  while (body !== undefined) {
    for (const reply of body.data) {
      const record = mapComment(reply, content, rootId, context);
      if (record === undefined) continue;
      yield record;
      if (++yielded >= budget) return;
    }
    if (body.paging.is_end || body.data.length === 0) return;
    await session.pause("commentMs");
    body = await commentPage(
      session,
      childCommentsMatch(rootId),
      ZHIHU_SELECTORS.moreReplies(content.id, rootId),
      ZHIHU_STEPS.replies,
    );
  }
}

/**
 * Clicks the button (SITE_CHANGED naming the selector when the page has none) and reads the
 * comment page its click makes the app ask for. Undefined for zhihu's 404 of a post
 * without comments (MC client.py:110-111); any other answer is checked against its shape.
 */
async function commentPage(
  session: MediaSession,
  match: ReturnType<typeof rootCommentsMatch>,
  selector: string,
  step: string,
): Promise<ZhihuCommentPage | undefined> {
  // Only a shown button takes a click (puppeteer needs its box).
  const button = await session.element(selector, step, { visible: true });
  const answer: CapturedResponse = await session.capture(match, () => button.click());
  if (answer.status === 404) return undefined;
  return session.expect(zhihuCommentPageShape, answer, step);
}
