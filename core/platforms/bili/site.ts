import type { ResponseMatch } from "../media/types.js";
import type { DayWindow } from "./days.js";
import type { BiliSort } from "./schema.js";

/**
 * Where things are on B站: the real base URLs, the pages a person opens, the endpoints
 * their scripts call (or we call from inside them), and the one DOM handle we need. The
 * file to change when the site moves something (FLOW.md, "When it drifts").
 */

/** Real base URLs; each overridable by env BILI_BASE_URL_<KEY> (e.g. BILI_BASE_URL_WWW). */
export const BILI_BASE_URLS = {
  www: "https://www.bilibili.com",
  search: "https://search.bilibili.com",
  space: "https://space.bilibili.com",
  api: "https://api.bilibili.com",
} as const;

/**
 * The endpoints whose answers we read from the page's own requests. Paths only (the host
 * is api.bilibili.com); the optional `/wbi` segment covers the signed and the older
 * unsigned variant of each (bilibili-API-collect docs/comment/list.md lists
 * /x/v2/reply/main as replaced by /x/v2/reply/wbi/main).
 */
export const BILI_ENDPOINTS = {
  search: { path: /^\/x\/web-interface(?:\/wbi)?\/search\/type$/, step: "search: result page" },
  viewDetail: { path: /^\/x\/web-interface(?:\/wbi)?\/view\/detail$/, step: "video: details" },
  replyMain: { path: /^\/x\/v2\/reply(?:\/wbi)?\/main$/, step: "comments: page" },
  spaceVideos: { path: /^\/x\/space(?:\/wbi)?\/arc\/search$/, step: "creator: uploads page" },
} as const satisfies Record<string, ResponseMatch>;

type Bases = Readonly<Record<string, string>>;

/**
 * search.bilibili.com/video?keyword=…&order=…&page=… — the video tab of the search page,
 * which loads page `page` itself. A day's `window` adds `pubtime_begin_s` / `pubtime_end_s`,
 * which the page passes to its search request as MC sends them (client.py:173-194); public
 * page-driving crawlers open such URLs (a pyppeteer crawler:
 * search.bilibili.com/video?keyword=…&pubtime_begin_s=1748448000&pubtime_end_s=1748534399&order=pubdate).
 */
export function searchPageUrl(bases: Bases, keyword: string, sort: BiliSort, page: number, window?: DayWindow): string {
  const query = new URLSearchParams({ keyword, order: sort, page: String(page) });
  if (window !== undefined) {
    query.set("pubtime_begin_s", String(window.pubtime_begin_s));
    query.set("pubtime_end_s", String(window.pubtime_end_s));
  }
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
 * /x/web-interface/view/detail?bvid=… (or aid=…), unsigned, as MC calls it
 * (media_platform/bilibili/client.py:208-214): made from the list page that is open,
 * on the `api` base, when a video's page need not be opened (no comments wanted).
 */
export function viewDetailCall(pathId: string): string {
  const key: Record<string, string> = pathId.startsWith("BV") ? { bvid: pathId } : { aid: pathId.replace(/^av/i, "") };
  return `/x/web-interface/view/detail?${new URLSearchParams(key)}`;
}

/** Replies per /x/v2/reply/reply page: what MC asks for (client.py:356-361). */
export const REPLY_PAGE_SIZE = 10;

/**
 * /x/v2/reply/reply?type=1&oid=<aid>&root=<rpid>&ps=…&pn=… — the replies of one
 * comment, page `pn`. Not wbi-signed (bilibili-API-collect docs/comment/list.md
 * 获取指定评论的回复, 认证方式 Cookie), so it is called from the video page.
 */
export function replyReplyCall(aid: string, root: number, pn: number): string {
  const query = new URLSearchParams({
    type: "1",
    oid: aid,
    root: String(root),
    ps: String(REPLY_PAGE_SIZE),
    pn: String(pn),
  });
  return `/x/v2/reply/reply?${query}`;
}

/**
 * The video page's comment area: the `<bili-comments>` web component, whose threads and
 * replies live inside shadow roots (UnfiniSmile/BiliRefine dev/biliRefineDev.js:24-47:
 * bili-comments → #feed → bili-comment-thread-renderer → bili-comment-renderer /
 * bili-comment-replies-renderer → bili-comment-reply-renderer). We need only its host
 * element: it asks for comment pages itself as it scrolls into view; replies are called.
 */
export const BILI_SELECTORS = {
  commentArea: "bili-comments",
} as const;
