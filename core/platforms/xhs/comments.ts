import { commentCaps } from "../media/caps.js";
import { commentsAndReplies } from "../media/commentPane.js";
import type { MediaRecord, MediaSession } from "../media/types.js";
import { apiData } from "./access.js";
import { commentRecord } from "./items.js";
import { commentPage, replyPage, type XhsTopComment } from "./shapes.js";
import { ENDPOINTS, IMAGE_FORMATS, apiGet } from "./site.js";
import type { XhsTaskParams } from "./schema.js";

/** Replies asked for per sub/page call, as the web app and MC ask (MC client.py:422, 543). */
const REPLIES_PER_PAGE = "10";

const STEP_COMMENTS = "comments: page";
const STEP_REPLIES = "comments: replies";

/**
 * The comments of note `noteId`, top-level ones in the site's order, each followed by its
 * replies when the task asks for them: the replies shown inline (`sub_comments`), then the
 * rest page by page from comment/sub/page, starting at `sub_comment_cursor` (MC
 * client.py:498-579). Comment pages are comment/page calls with the last page's cursor
 * (MC client.py:449-496). Every call is made from inside the page, signed by the page's
 * own function (site.ts PAGE_REQUESTS). Stops calling once `max_comments_count` comments
 * and replies were yielded.
 */
export function noteComments(
  session: MediaSession,
  params: XhsTaskParams,
  noteId: string,
  xsecToken: string,
): AsyncGenerator<MediaRecord, void, undefined> {
  // Not threadComments: a note's replies start with the preview the comment carries and go
  // on from its own `sub_comment_cursor`, not from a first reply page.
  return commentsAndReplies<XhsTopComment>(
    {
      roots: topComments(session, noteId, xsecToken),
      record: (comment) => commentRecord(comment, noteId),
      hasReplies: () => true,
      replies: (root, _record, budget) => replies(session, noteId, xsecToken, root, budget),
    },
    commentCaps(params),
  );
}

/** The note's top-level comments, a comment/page call each time the walk pulls past a page. */
async function* topComments(
  session: MediaSession,
  noteId: string,
  xsecToken: string,
): AsyncGenerator<XhsTopComment, void, undefined> {
  let cursor = "";
  for (;;) {
    const response = await session.call(
      apiGet(
        ENDPOINTS.comments.path,
        { note_id: noteId, cursor, top_comment_id: "", image_formats: IMAGE_FORMATS, xsec_token: xsecToken },
        STEP_COMMENTS,
      ),
    );
    const page = apiData(session, commentPage, response, STEP_COMMENTS);
    yield* page.comments;
    if (!page.has_more || !page.cursor) return;
    cursor = page.cursor;
  }
}

/** Up to `budget` replies to top-level comment `root`: the inline ones, then sub/page pages. */
async function* replies(
  session: MediaSession,
  noteId: string,
  xsecToken: string,
  root: XhsTopComment,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  let left = budget;
  for (const reply of root.sub_comments ?? []) {
    if (left <= 0) return;
    yield commentRecord(reply, noteId, root.id);
    left--;
  }
  let more = root.sub_comment_has_more === true;
  let cursor = root.sub_comment_cursor ?? "";
  while (more && left > 0) {
    const response = await session.call(
      apiGet(
        ENDPOINTS.replies.path,
        {
          note_id: noteId,
          root_comment_id: root.id,
          num: REPLIES_PER_PAGE,
          cursor,
          image_formats: IMAGE_FORMATS,
          top_comment_id: "",
          xsec_token: xsecToken,
        },
        STEP_REPLIES,
      ),
    );
    const page = apiData(session, replyPage, response, STEP_REPLIES);
    for (const reply of page.comments) {
      if (left <= 0) return;
      yield commentRecord(reply, noteId, root.id);
      left--;
    }
    // A page that says "more" but gives no cursor would be asked for again and again.
    more = page.has_more && Boolean(page.cursor) && page.cursor !== cursor;
    cursor = page.cursor ?? "";
  }
}
