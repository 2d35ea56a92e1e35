import type { CapturedResponse, ResponseMatch } from "../media/types.js";
import type { TiebaCreatorRef } from "./ids.js";
import { TIEBA_SORT_PARAM, type TiebaSort } from "./schema.js";

/**
 * Where the tieba web app lives, which of its requests we read, and the one request we
 * make ourselves. FLOW.md has the flow and the source of each line.
 *
 * The JSON endpoints (/mo/q/search/multsearch, /c/f/pb/page_pc, /c/u/feed/myThread) carry
 * a `sign` that the page's own bundle computes (an MD5 over the sorted parameters and a key
 * in its base.js) and, for page_pc, a `tbs` the page fetches first; the page exposes no
 * function that signs a request we make, so these stay page-driven: we open the page and
 * read the answer its script asked for. /p/comment (the 楼中楼 pages) is unsigned (MC sends
 * only tid, pid, fid, pn), so we call it from inside the thread page.
 *
 * Page URLs, from the site's public link scheme:
 * - search: /f/search/res?ie=utf-8&qw=<keyword>&pn=<page> (+ st=<sort>, passed on to
 *   multsearch's `st`; the sort parameter's name on the page is our assumption)
 * - thread: /p/<thread id>?pn=<page>
 * - creator: /home/main?id=<portrait> or ?un=<user name>; more threads load on scroll
 */
export const TIEBA_BASE_URLS = { www: "https://tieba.baidu.com" } as const;

/** Replies per page of /p/comment (MC client.py:544: sub_comment_count // 10 + 1 pages). */
export const TIEBA_REPLIES_PER_PAGE = 10;

/** The crawl steps, as SITE_CHANGED messages and the probe name them. */
export const TIEBA_STEPS = {
  search: "search: result page",
  thread: "detail: thread page",
  creatorFeed: "creator: thread list",
  creatorProfile: "creator: profile",
  forum: "search: forum thread list",
  replies: "comments: replies (楼中楼)",
} as const;

export const TIEBA_ENDPOINTS = {
  search: { path: "/mo/q/search/multsearch", method: "GET", step: TIEBA_STEPS.search },
  creatorFeed: { path: "/c/u/feed/myThread", method: "GET", step: TIEBA_STEPS.creatorFeed },
  /** A forum's (吧) thread list, the forum page's own POST (MC client.py:598-644). */
  forum: { path: "/c/f/frs/page_pc", method: "POST", step: TIEBA_STEPS.forum },
  /** The profile's right sidebar: the creator's counts (MC client.py:646-682). */
  creatorProfile: { path: "/c/u/pc/homeSidebarRight", method: "GET", step: TIEBA_STEPS.creatorProfile },
  replies: "/p/comment",
} as const;

/** page_pc of one thread page: the form's kz / pn say which (another thread's answer is not ours). */
export function threadPageMatch(threadId: string, pn: number): ResponseMatch {
  return {
    path: "/c/f/pb/page_pc",
    method: "POST",
    step: TIEBA_STEPS.thread,
    test: (response: CapturedResponse) => {
      const form = new URLSearchParams(response.requestBody ?? "");
      return form.get("kz") === threadId && (form.get("pn") ?? "1") === String(pn);
    },
  };
}

/**
 * What the thread page's DOM parser looks for in a /p/comment fragment (MC help.py:632-652
 * and test_data/note_sub_comments.html): the reply rows with their `data-field` JSON, the
 * reply text and time inside each, and the pager row with the totals.
 */
export const TIEBA_REPLY_SELECTORS = {
  row: "li.lzl_single_post",
  content: "span.lzl_content_main",
  time: "span.lzl_time",
  pager: "li.lzl_li_pager",
} as const;

export function searchPageUrl(
  baseUrls: Readonly<Record<string, string>>,
  keyword: string,
  sort: TiebaSort,
  pn: number,
): string {
  const query = new URLSearchParams({ ie: "utf-8", qw: keyword, st: TIEBA_SORT_PARAM[sort], pn: String(pn) });
  return `${baseUrls.www}/f/search/res?${query}`;
}

export function threadPageUrl(baseUrls: Readonly<Record<string, string>>, threadId: string, pn: number): string {
  return `${baseUrls.www}/p/${threadId}${pn > 1 ? `?pn=${pn}` : ""}`;
}

/** A forum's page, /f?kw=<name>&ie=utf-8 (MC help.py:81; the site's own forum links add ie=utf-8). */
export function forumPageUrl(baseUrls: Readonly<Record<string, string>>, name: string): string {
  return `${baseUrls.www}/f?${new URLSearchParams({ kw: name, ie: "utf-8" })}`;
}

export function creatorPageUrl(baseUrls: Readonly<Record<string, string>>, creator: TiebaCreatorRef): string {
  const query =
    "portrait" in creator ? `id=${encodeURIComponent(creator.portrait)}` : `un=${encodeURIComponent(creator.userName)}`;
  return `${baseUrls.www}/home/main?${query}`;
}

/** Page `pn` of the replies inside floor `pid` of thread `tid` in forum `fid` (MC client.py:546-553). */
export function repliesPath(tid: string, pid: string, fid: string, pn: number): string {
  return `${TIEBA_ENDPOINTS.replies}?${new URLSearchParams({ tid, pid, fid, pn: String(pn) })}`;
}
