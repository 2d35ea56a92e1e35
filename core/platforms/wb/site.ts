import type { ResponseMatch } from "../media/types.js";
import { WB_SEARCH_TYPE, type WbSort } from "./schema.js";

/**
 * Where things are on m.weibo.cn (the mobile web app: its API needs no request
 * signature, only the account's cookies): the real base URL, the pages a person opens,
 * the endpoints their scripts call. The one file to update when the site moves something.
 */

/** Real base URL; overridable by env WB_BASE_URL_M. */
export const WB_BASE_URLS = { m: "https://m.weibo.cn" } as const;

const GET_INDEX = "/api/container/getIndex";

/** getIndex answers whose container id starts with `prefix` (search, profile header and profile posts share the path). */
function container(prefix: string): ResponseMatch {
  return { path: GET_INDEX, test: (response) => (response.url.searchParams.get("containerid") ?? "").startsWith(prefix) };
}

export const WB_ENDPOINTS = {
  /** containerid=100103type=<n>&q=<keyword> */
  search: container("100103"),
  /** containerid=100505<uid> */
  profile: container("100505"),
  /** containerid=107603<uid> */
  profilePosts: container("107603"),
  hotflow: { path: "/comments/hotflow" },
  hotFlowChild: { path: "/comments/hotFlowChild" },
} as const satisfies Record<string, ResponseMatch>;

type Bases = Readonly<Record<string, string>>;

/** m.weibo.cn/search?containerid=100103type%3D<n>%26q%3D<keyword> — loads page 1, then one more page per scroll to the bottom. */
export function searchPageUrl(bases: Bases, keyword: string, sort: WbSort): string {
  const containerid = `100103type=${WB_SEARCH_TYPE[sort]}&q=${keyword}`;
  return `${bases.m}/search?${new URLSearchParams({ containerid })}`;
}

/** m.weibo.cn/detail/<mid|bid> — the post in `$render_data`, its first comment page on load, more per scroll. */
export function detailPageUrl(bases: Bases, id: string): string {
  return `${bases.m}/detail/${encodeURIComponent(id)}`;
}

/** m.weibo.cn/u/<uid> — the profile header, then the posts, more per scroll. */
export function profilePageUrl(bases: Bases, uid: string): string {
  return `${bases.m}/u/${encodeURIComponent(uid)}`;
}

/**
 * Handles in the comment list, per top-level comment id: the "共N条回复" link that opens
 * all its replies, and the "加载更多" button of that reply list.
 */
export const WB_SELECTORS = {
  moreReplies: (cid: string) => `[data-cid="${cid}"] .more-replies`,
  nextReplies: (cid: string) => `[data-cid="${cid}"] .replies-next`,
} as const;
