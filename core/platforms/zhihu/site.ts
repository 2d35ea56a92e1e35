import type { ResponseMatch } from "../media/types.js";
import type { ZhihuContentRef, ZhihuContentType } from "./inputs.js";
import { ZHIHU_SORT_PARAM, type ZhihuSort } from "./schema.js";

/**
 * Where the zhihu web app lives, which of its requests we read, and what we click.
 * Pages are opened by URL (answers, articles and videos each have their own), their own
 * scripts call the endpoints (signing them with x-zse-96 — we never do).
 *
 * Page URLs, from the site's public link scheme:
 * - search: www /search?type=content&q=<keyword> (+ sort=<sort>, passed on to
 *   search_v3's `sort`; the parameter's name on the page is our assumption); more
 *   results load on scroll
 * - answer: www /question/<qid>/answer/<id>; article: zhuanlan /p/<id>; video: www /zvideo/<id>
 * - profile: www /people/<url_token>/answers | posts | zvideos ?page=N
 */
export const ZHIHU_BASE_URLS = { www: "https://www.zhihu.com", zhuanlan: "https://zhuanlan.zhihu.com" } as const;

export const ZHIHU_ENDPOINTS = {
  search: { path: "/api/v4/search_v3", method: "GET" },
} as const satisfies Record<string, ResponseMatch>;

/** A post's root comments (comment_v5 names the kind in the plural: answers / articles / zvideos). */
export function rootCommentsMatch(content: { id: string; type: ZhihuContentType }): ResponseMatch {
  return { path: `/api/v4/comment_v5/${content.type}s/${content.id}/root_comment`, method: "GET" };
}

export function childCommentsMatch(rootId: string): ResponseMatch {
  return { path: `/api/v4/comment_v5/comment/${rootId}/child_comment`, method: "GET" };
}

/** The profile tabs in the order a creator's posts are read, with the member list each loads. */
export const PROFILE_TABS = [
  { tab: "answers", list: "answers" },
  { tab: "posts", list: "articles" },
  { tab: "zvideos", list: "zvideos" },
] as const;

export function memberListMatch(urlToken: string, list: (typeof PROFILE_TABS)[number]["list"]): ResponseMatch {
  return { path: `/api/v4/members/${urlToken}/${list}`, method: "GET" };
}

/** The page state every zhihu page embeds, as an expression for MediaSession.readState. */
export const INITIAL_DATA_EXPRESSION = `JSON.parse(document.getElementById("js-initialData").textContent)`;

/**
 * What we click. Text-based where zhihu's class names are generated (they change with
 * each release; the button labels do not): a post's card is `.ContentItem[name=<id>]`
 * (zhihu sets the post id as the card's `name`), a comment is `[data-id=<comment id>]`.
 */
export const ZHIHU_SELECTORS = {
  commentButton: (contentId: string) => `.ContentItem[name="${contentId}"] button::-p-text(条评论)`,
  moreComments: (contentId: string) => `.ContentItem[name="${contentId}"] button::-p-text(查看更多评论)`,
  allReplies: (contentId: string, commentId: string) => `.ContentItem[name="${contentId}"] [data-id="${commentId}"] button::-p-text(查看全部)`,
  moreReplies: (contentId: string, commentId: string) => `.ContentItem[name="${contentId}"] [data-id="${commentId}"] button::-p-text(查看更多回复)`,
} as const;

export function searchPageUrl(baseUrls: Readonly<Record<string, string>>, keyword: string, sort: ZhihuSort): string {
  const query = new URLSearchParams({ type: "content", q: keyword });
  if (ZHIHU_SORT_PARAM[sort] !== "") query.set("sort", ZHIHU_SORT_PARAM[sort]);
  return `${baseUrls.www}/search?${query}`;
}

export function contentPageUrl(baseUrls: Readonly<Record<string, string>>, ref: ZhihuContentRef): string {
  if (ref.type === "answer") return `${baseUrls.www}/question/${ref.questionId}/answer/${ref.id}`;
  if (ref.type === "article") return `${baseUrls.zhuanlan ?? baseUrls.www}/p/${ref.id}`;
  return `${baseUrls.www}/zvideo/${ref.id}`;
}

export function profilePageUrl(baseUrls: Readonly<Record<string, string>>, urlToken: string, tab: string, page: number): string {
  return `${baseUrls.www}/people/${encodeURIComponent(urlToken)}/${tab}${page > 1 ? `?page=${page}` : ""}`;
}
