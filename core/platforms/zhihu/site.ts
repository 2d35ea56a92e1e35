import type { ResponseMatch } from "../media/types.js";
import type { ZhihuContentRef, ZhihuContentType } from "./ids.js";
import { ZHIHU_SORT_PARAM, type ZhihuSort, type ZhihuTimeInterval, type ZhihuVertical } from "./schema.js";

/**
 * Where the zhihu web app lives, which of its requests we read, and what we click.
 * FLOW.md has the flow and the source of each line.
 *
 * Every API request of the page carries x-zse-93 / x-zse-96, which the app's own request
 * code computes (an MD5 of "101_3_3.0+<path>+<d_c0>" run through an obfuscated encrypt
 * function inside the bundle) and passes to `fetch` as headers; zhihu neither signs a
 * fetch made from the page nor exposes that function. Userscripts that call comment_v5
 * from inside zhihu's pages ship their own copy of it (liuyubing233/zhihu-custom-mobile
 * src/commons/request.ts:7-36 with src/commons/third/zhihu-enc.js; nameldk/user-script
 * zhihu.com/zhihu.m.better.js:490-988), and a pyppeteer crawler rewrites the app bundle to
 * reach it. We re-implement no signature and patch no bundle, so the page drives every
 * request: we open pages, scroll and click, and read the answers its script asked for.
 *
 * Page URLs, from the site's public link scheme:
 * - search: www /search?type=content&q=<keyword> (+ sort, time_interval, vertical, passed on
 *   to search_v3's parameters of the same names; `time_interval` on the page URL is what MC
 *   sends as the search's referer, media_platform/zhihu/core.py:411; `sort` and `vertical`
 *   there are our assumption); more results load on scroll
 * - answer: www /question/<qid>/answer/<id>; article: zhuanlan /p/<id>; video: www /zvideo/<id>
 * - profile: www /people/<url_token>/answers | posts | zvideos ?page=N
 */
export const ZHIHU_BASE_URLS = { www: "https://www.zhihu.com", zhuanlan: "https://zhuanlan.zhihu.com" } as const;

/** The crawl steps, as SITE_CHANGED messages and the probe name them. */
export const ZHIHU_STEPS = {
  search: "search: result page",
  pageState: "detail: page state",
  profileState: "creator: page state",
  memberList: "creator: post list",
  rootComments: "comments: root comments",
  replies: "comments: replies",
} as const;

export const ZHIHU_ENDPOINTS = {
  search: { path: "/api/v4/search_v3", method: "GET", step: ZHIHU_STEPS.search },
} as const satisfies Record<string, ResponseMatch>;

/** A post's root comments (comment_v5 names the kind in the plural: answers / articles / zvideos; MC client.py:251). */
export function rootCommentsMatch(content: { id: string; type: ZhihuContentType }): ResponseMatch {
  return {
    path: `/api/v4/comment_v5/${content.type}s/${content.id}/root_comment`,
    method: "GET",
    step: ZHIHU_STEPS.rootComments,
  };
}

/** A root comment's replies (MC client.py:280). */
export function childCommentsMatch(rootId: string): ResponseMatch {
  return { path: `/api/v4/comment_v5/comment/${rootId}/child_comment`, method: "GET", step: ZHIHU_STEPS.replies };
}

/** The profile tabs in the order a creator's posts are read, with the member list each loads (MC core.py reads answers, articles, videos). */
export const PROFILE_TABS = [
  { tab: "answers", list: "answers" },
  { tab: "posts", list: "articles" },
  { tab: "zvideos", list: "zvideos" },
] as const;

/**
 * A profile tab's member list. Any member: a profile opened by the user's id may ask by
 * url_token (ASSUMPTION: which one the page uses).
 */
export function memberListMatch(list: (typeof PROFILE_TABS)[number]["list"]): ResponseMatch {
  return { path: new RegExp(`^/api/v4/members/[^/]+/${list}$`), method: "GET", step: ZHIHU_STEPS.memberList };
}

/** The page state every zhihu page embeds, as an expression for MediaSession.readState (undefined when the element is gone). */
export const INITIAL_DATA_EXPRESSION = `(() => { const node = document.getElementById("js-initialData"); return node ? JSON.parse(node.textContent) : undefined; })()`;
export const INITIAL_DATA_SOURCE = "#js-initialData";

/**
 * What we click. Text-based where zhihu's class names are generated (they change with
 * each release; the button labels do not): a post's card is `.ContentItem[name=<id>]`
 * (zhihu sets the post id as the card's `name`), a comment is `[data-id=<comment id>]`.
 * ASSUMPTION: the labels and the card/comment attributes (FLOW.md); zhihu-custom
 * (src/components/listen-comment.ts) shows the comment area in the page and in a dialog,
 * with generated class names only.
 */
export const ZHIHU_SELECTORS = {
  commentButton: (contentId: string) => `.ContentItem[name="${contentId}"] button::-p-text(条评论)`,
  moreComments: (contentId: string) => `.ContentItem[name="${contentId}"] button::-p-text(查看更多评论)`,
  allReplies: (contentId: string, commentId: string) =>
    `.ContentItem[name="${contentId}"] [data-id="${commentId}"] button::-p-text(查看全部)`,
  moreReplies: (contentId: string, commentId: string) =>
    `.ContentItem[name="${contentId}"] [data-id="${commentId}"] button::-p-text(查看更多回复)`,
} as const;

/** What narrows or orders a search: the task's `sort`, `time_interval` and `vertical`. */
export interface ZhihuSearchFilters {
  sort: ZhihuSort;
  time_interval?: ZhihuTimeInterval | undefined;
  vertical?: ZhihuVertical | undefined;
}

export function searchPageUrl(
  baseUrls: Readonly<Record<string, string>>,
  keyword: string,
  filters: ZhihuSearchFilters,
): string {
  const query = new URLSearchParams({ type: "content", q: keyword });
  if (ZHIHU_SORT_PARAM[filters.sort] !== "") query.set("sort", ZHIHU_SORT_PARAM[filters.sort]);
  if (filters.time_interval !== undefined) query.set("time_interval", filters.time_interval);
  if (filters.vertical !== undefined) query.set("vertical", filters.vertical);
  return `${baseUrls.www}/search?${query}`;
}

export function contentPageUrl(baseUrls: Readonly<Record<string, string>>, ref: ZhihuContentRef): string {
  if (ref.type === "answer") return `${baseUrls.www}/question/${ref.questionId}/answer/${ref.id}`;
  if (ref.type === "article") return `${baseUrls.zhuanlan ?? baseUrls.www}/p/${ref.id}`;
  return `${baseUrls.www}/zvideo/${ref.id}`;
}

export function profilePageUrl(
  baseUrls: Readonly<Record<string, string>>,
  urlToken: string,
  tab: string,
  page: number,
): string {
  return `${baseUrls.www}/people/${encodeURIComponent(urlToken)}/${tab}${page > 1 ? `?page=${page}` : ""}`;
}
