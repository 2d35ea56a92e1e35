import type { ResponseMatch } from "../media/types.js";
import type { BiliSort } from "./schema.js";

/**
 * Where things are on B站: the real base URLs, the pages a person opens, the endpoints
 * their scripts call, and the few DOM handles we click. The one file to update when the
 * site moves something.
 */

/** Real base URLs; each overridable by env BILI_BASE_URL_<KEY> (e.g. BILI_BASE_URL_WWW). */
export const BILI_BASE_URLS = {
  www: "https://www.bilibili.com",
  search: "https://search.bilibili.com",
  space: "https://space.bilibili.com",
  api: "https://api.bilibili.com",
} as const;

/**
 * The endpoints whose answers we read. Paths only (the host is api.bilibili.com); the
 * optional `/wbi` segment covers the signed and the older unsigned variant of each.
 */
export const BILI_ENDPOINTS = {
  search: { path: /^\/x\/web-interface(?:\/wbi)?\/search\/type$/ },
  viewDetail: { path: /^\/x\/web-interface(?:\/wbi)?\/view\/detail$/ },
  replyMain: { path: /^\/x\/v2\/reply(?:\/wbi)?\/main$/ },
  replyReply: { path: "/x/v2/reply/reply" },
  spaceVideos: { path: /^\/x\/space(?:\/wbi)?\/arc\/search$/ },
} as const satisfies Record<string, ResponseMatch>;

type Bases = Readonly<Record<string, string>>;

/** search.bilibili.com/video?keyword=…&order=…&page=… — the video tab of the search page, which loads page `page` itself. */
export function searchPageUrl(bases: Bases, keyword: string, sort: BiliSort, page: number): string {
  const query = new URLSearchParams({ keyword, order: sort, page: String(page) });
  return `${bases.search}/video?${query}`;
}

/** www.bilibili.com/video/<BV…|av…>/ — the video page; its comment area loads as it scrolls into view. */
export function videoPageUrl(bases: Bases, pathId: string): string {
  return `${bases.www}/video/${encodeURIComponent(pathId)}/`;
}

/** space.bilibili.com/<mid>/video?pn=… — a creator's uploads, newest first, one pager page per `pn`. */
export function spacePageUrl(bases: Bases, mid: string, pn: number): string {
  const query = new URLSearchParams({ tid: "0", pn: String(pn), keyword: "", order: "pubdate" });
  return `${bases.space}/${encodeURIComponent(mid)}/video?${query}`;
}

/**
 * Handles in the comment area, per top-level comment (its rpid): the "点击查看" button
 * that opens its replies, and the "下一页" button of their pager.
 */
export const BILI_SELECTORS = {
  viewReplies: (rpid: number | string) => `[data-rpid="${rpid}"] .view-more-btn`,
  nextReplyPage: (rpid: number | string) => `[data-rpid="${rpid}"] .pagination-btn-next`,
} as const;
