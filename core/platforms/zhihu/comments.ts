import type { MediaRecord, MediaSession } from "../media/types.js";
import type { ZhihuContentType } from "./inputs.js";
import { mapComment, type ZhihuMapContext } from "./items.js";
import type { ZhihuComment, ZhihuCommentPage } from "./shapes.js";
import { childCommentsMatch, rootCommentsMatch, ZHIHU_SELECTORS } from "./site.js";

export interface ZhihuCommentOptions {
  /** Most comments (root plus replies) to yield for this post. */
  maxComments: number;
  /** Also read the replies under each root comment. */
  withReplies: boolean;
  context: ZhihuMapContext;
}

type Content = { id: string; type: ZhihuContentType };

/**
 * The comments of the post whose page is open, as a reader gets them: "N 条评论" opens the
 * pane (root_comment), "查看更多评论" fetches the next page, until `paging.is_end`. With
 * replies, each root comment's replies follow it: from the preview under it when that
 * holds all of them, otherwise by "查看全部 N 条回复" and "查看更多回复" (child_comment).
 * Stops as soon as `maxComments` were yielded, so no page beyond the cap is requested.
 */
export async function* zhihuComments(session: MediaSession, content: Content, options: ZhihuCommentOptions): AsyncGenerator<MediaRecord, void, undefined> {
  if (options.maxComments <= 0) return;
  let yielded = 0;
  const seen = new Set<string>();
  let answer = await session.capture<ZhihuCommentPage>(rootCommentsMatch(content), () => session.page.click(ZHIHU_SELECTORS.commentButton(content.id)));
  for (;;) {
    // zhihu answers 404 for a post without comments (classify lets it through).
    if (answer.status === 404) return;
    const body = answer.json;
    if (body?.data === undefined) return session.log("comment page not readable; comments of this post end here", { content_id: content.id, status: answer.status });
    for (const comment of body.data) {
      const record = mapComment(comment, content, null, options.context);
      if (record === undefined || seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      if (++yielded >= options.maxComments) return;
      if (!options.withReplies || (comment.child_comment_count ?? 0) <= 0) continue;
      for await (const reply of repliesOf(session, content, comment, record.id, options.maxComments - yielded, options.context)) {
        yield reply;
        if (++yielded >= options.maxComments) return;
      }
    }
    if (body.paging?.is_end !== false || body.data.length === 0) return;
    await session.pause("commentMs");
    answer = await session.capture<ZhihuCommentPage>(rootCommentsMatch(content), () => session.page.click(ZHIHU_SELECTORS.moreComments(content.id)));
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
  let answer = await session.capture<ZhihuCommentPage>(childCommentsMatch(rootId), () => session.page.click(ZHIHU_SELECTORS.allReplies(content.id, rootId)));
  for (;;) {
    const body = answer.json;
    if (answer.status === 404 || body?.data === undefined) return session.log("reply page not readable; replies of this comment end here", { content_id: content.id, comment_id: rootId, status: answer.status });
    for (const reply of body.data) {
      const record = mapComment(reply, content, rootId, context);
      if (record === undefined) continue;
      yield record;
      if (++yielded >= budget) return;
    }
    if (body.paging?.is_end !== false || body.data.length === 0) return;
    await session.pause("commentMs");
    answer = await session.capture<ZhihuCommentPage>(childCommentsMatch(rootId), () => session.page.click(ZHIHU_SELECTORS.moreReplies(content.id, rootId)));
  }
}
