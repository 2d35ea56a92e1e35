import type { Page } from "puppeteer-core";
import type { CommentCaps } from "../media/caps.js";
import { commentsAndReplies } from "../media/commentPane.js";
import { SiteChangedError } from "../media/drift.js";
import type { MediaRecord, MediaSession } from "../media/types.js";
import {
  carriedReplies,
  commentFloors,
  floorRecord,
  replyRowRecord,
  threadRef,
  type TiebaMapContext,
  type TiebaThreadRef,
} from "./items.js";
import {
  tiebaReplyFragmentShape,
  type TiebaPost,
  type TiebaReplyFragment,
  type TiebaThreadPageResponse,
} from "./shapes.js";
import { repliesPath, TIEBA_ENDPOINTS, TIEBA_REPLIES_PER_PAGE, TIEBA_REPLY_SELECTORS, TIEBA_STEPS } from "./site.js";

export interface TiebaCommentOptions {
  context: TiebaMapContext;
  /** Page `pn` of the thread as its page loads it (crawler.ts); undefined when tieba refuses it. */
  threadPage(pn: number): Promise<TiebaThreadPageResponse | undefined>;
}

/** A floor with the thread page it is on (its replies' preview is in that page). */
interface Floor {
  page: TiebaThreadPageResponse;
  post: TiebaPost;
  thread: TiebaThreadRef;
}

/**
 * The comments of one thread, as MediaCrawler walks them (client.py:451-513): its floors
 * page by page up to page.total_page, each floor followed, with replies, by every reply
 * inside it — from the preview page_pc carries when that holds them all, otherwise from
 * /p/comment page by page (client.py:515-595). Stops as soon as `maxComments` were
 * yielded, so no page beyond the cap is requested (commentsAndReplies).
 */
export function tiebaComments(
  session: MediaSession,
  threadId: string,
  firstPage: TiebaThreadPageResponse,
  caps: CommentCaps,
  options: TiebaCommentOptions,
): AsyncGenerator<MediaRecord, void, undefined> {
  return commentsAndReplies<Floor>(
    {
      roots: floors(session, threadId, firstPage, options),
      record: ({ page, post, thread }) => floorRecord(page, post, thread, options.context),
      hasReplies: ({ post }) => (post.sub_post_number ?? 0) > 0,
      replies: ({ page, post, thread }, _record, budget) =>
        floorReplies(session, page, post, thread, options.context, budget),
    },
    caps,
  );
}

/** The thread's floors, page by page up to page.total_page; the next page is loaded when the walk pulls past one. */
async function* floors(
  session: MediaSession,
  threadId: string,
  firstPage: TiebaThreadPageResponse,
  options: TiebaCommentOptions,
): AsyncGenerator<Floor, void, undefined> {
  let page = firstPage;
  for (let pn = 1; ; pn++) {
    const thread = threadRef(page, threadId, options.context.baseUrl);
    for (const post of commentFloors(page)) yield { page, post, thread };
    if (pn >= (page.page.total_page ?? 1) || page.post_list.length === 0) return;
    await session.pause("commentMs");
    const next = await options.threadPage(pn + 1);
    if (next === undefined) return;
    page = next;
  }
}

/** The replies inside one floor, at most `budget`. */
async function* floorReplies(
  session: MediaSession,
  page: TiebaThreadPageResponse,
  post: TiebaPost,
  thread: TiebaThreadRef,
  context: TiebaMapContext,
  budget: number,
): AsyncGenerator<MediaRecord, void, undefined> {
  const total = post.sub_post_number ?? 0;
  if (total <= 0) return;
  const carried = carriedReplies(page, post, thread, context);
  // The page carries every reply: nothing more to ask for.
  if (total <= carried.length) return yield* carried.slice(0, budget);
  if (thread.tieba_id === null) {
    throw new SiteChangedError(
      { platform: "tieba", step: TIEBA_STEPS.thread, endpoint: "/c/f/pb/page_pc" },
      "forum.id, the fid /p/comment needs",
      "a thread page without forum.id",
    );
  }
  const floorId = String(post.id);
  const seen = new Set<string>();
  let yielded = 0;
  let known = total;
  for (let pn = 1; (pn - 1) * TIEBA_REPLIES_PER_PAGE < known; pn++) {
    if (pn > 1) await session.pause("commentMs");
    const fragment = await replyPage(session, thread.note_id, floorId, thread.tieba_id, pn);
    // The pager knows better than the floor's count, which may be out of date.
    known = fragment.pager?.total_num ?? known;
    if (fragment.rows.length === 0 && (pn - 1) * TIEBA_REPLIES_PER_PAGE < known) {
      // Replies are said to be there, yet no row is marked up the way we read it.
      throw new SiteChangedError(
        { platform: "tieba", step: TIEBA_STEPS.replies, selector: TIEBA_REPLY_SELECTORS.row },
        "the fragment should list replies this way",
        `no such row on page ${pn} of ${known} replies`,
      );
    }
    for (const row of fragment.rows) {
      const id = String(row.field.spid);
      if (seen.has(id)) continue;
      seen.add(id);
      yield replyRowRecord(row, floorId, thread, context);
      if (++yielded >= budget) return;
    }
    if (fragment.rows.length === 0) return;
  }
}

/**
 * Page `pn` of a floor's replies: /p/comment called from inside the thread page (same
 * origin, the account's cookies), its HTML fragment parsed by the page's own DOM parser and
 * checked against its shape.
 */
async function replyPage(
  session: MediaSession,
  tid: string,
  pid: string,
  fid: string,
  pn: number,
): Promise<TiebaReplyFragment> {
  const step = TIEBA_STEPS.replies;
  const answer = await session.call({
    url: repliesPath(tid, pid, fid, pn),
    step,
    headers: { accept: "text/html, */*; q=0.01" },
  });
  if (answer.status !== 200) {
    throw new SiteChangedError(
      { platform: "tieba", step, endpoint: TIEBA_ENDPOINTS.replies },
      "an HTML fragment of replies",
      `HTTP ${answer.status}`,
    );
  }
  const html = answer.text ?? "";
  const parsed = await parseReplyFragment(session.page, html);
  session.note({ step, kind: "selector", detail: `${TIEBA_REPLY_SELECTORS.row}: ${parsed.rows.length} found` });
  return session.expectValue(tiebaReplyFragmentShape, parsed, { step, source: TIEBA_ENDPOINTS.replies });
}

/** What the page's DOMParser finds in a fragment: each reply row's data-field, text and time; the pager's data-field. */
async function parseReplyFragment(page: Page, html: string): Promise<{ rows: unknown[]; pager?: unknown }> {
  return page.evaluate(
    (markup: string, selectors: typeof TIEBA_REPLY_SELECTORS) => {
      const doc = new DOMParser().parseFromString(markup, "text/html");
      const field = (element: Element): unknown => {
        try {
          return JSON.parse(element.getAttribute("data-field") ?? "null");
        } catch {
          return null;
        }
      };
      const rows = [...doc.querySelectorAll(selectors.row)].map((row) => ({
        field: field(row),
        content: row.querySelector(selectors.content)?.textContent ?? null,
        time: row.querySelector(selectors.time)?.textContent?.trim(),
      }));
      const pager = doc.querySelector(selectors.pager);
      return pager === null ? { rows } : { rows, pager: field(pager) };
    },
    html,
    TIEBA_REPLY_SELECTORS,
  );
}
