import type { PageRequestStyle } from "../media/types.js";

/**
 * Where 抖音 is and how its pages talk to its API: the one file to change when a URL, an
 * endpoint, a parameter or a selector moves (FLOW.md, "When it drifts").
 */

/** `short`: where share links are resolved (ids.ts DY_SHORT_LINKS). */
export const DY_BASE_URLS = { www: "https://www.douyin.com", short: "https://v.douyin.com" } as const;

/** The endpoint paths (the same on the real site and the stand-in). */
export const DY_ENDPOINTS = {
  /** The search page's first results, streamed (Cloudbird-Software/Media-Monitor search_stream.go). */
  searchStream: "/aweme/v1/web/general/search/stream/",
  /** Later result pages (and the first, on pages that do not stream): MC douyin/client.py:209. */
  search: "/aweme/v1/web/general/search/single/",
  detail: "/aweme/v1/web/aweme/detail/",
  comments: "/aweme/v1/web/comment/list/",
  replies: "/aweme/v1/web/comment/list/reply/",
  profile: "/aweme/v1/web/user/profile/other/",
  posts: "/aweme/v1/web/aweme/post/",
} as const;

/** The first search page, on whichever of the two endpoints the page uses. */
export const DY_FIRST_SEARCH_PAGE = /^\/aweme\/v1\/web\/general\/search\/(stream|single)\/$/;

/**
 * How the page makes its API requests: its security script (webmssdk / `window.bdms`)
 * rewrites XMLHttpRequest and adds `msToken` and the `a_bogus` signature to every request
 * made through it (Johnserf-Seed/TikTokDownload#277: "抖音重写了XMLHttpRequest … 会自动加上
 * mstoken和x-bogus"; yt-dlp/yt-dlp#9667: a fetch from the page's console gets `msToken`,
 * `a_bogus`, `verifyFp`, `fp` added, and a request without them gets an empty body). So
 * every call leaves through the page's XHR, and we never compute a signature.
 */
export const DY_PAGE_REQUESTS: PageRequestStyle = { transport: "xhr" };

/**
 * The query parameters the web app puts on every /aweme/v1/web/ request itself (the
 * security script adds only msToken and a_bogus): MC douyin/client.py:83-107 lists them.
 * Only the ones that do not describe a browser are sent; the browser_* / os_* / screen_*
 * fingerprint values MC fakes are left to the server's defaults (ASSUMPTION: the server
 * does not insist on them; no source says which it checks).
 */
export const DY_COMMON_PARAMS: Readonly<Record<string, string>> = {
  device_platform: "webapp",
  aid: "6383",
  channel: "channel_pc_web",
  pc_client_type: "1",
  version_code: "190600",
  version_name: "19.6.0",
  cookie_enabled: "true",
  platform: "PC",
};

/** A GET path with the common parameters and `params`, for `session.call`. */
export function dyApiPath(endpoint: string, params: Record<string, string>): string {
  return `${endpoint}?${new URLSearchParams({ ...DY_COMMON_PARAMS, ...params }).toString()}`;
}

/**
 * Elements the crawl waits for before it calls the API from a page:
 * - `app`: the web app's page container, present on every www.douyin.com page once the
 *   app (and the security script it loads before) runs; public page automation waits for
 *   it or reads through it (e.g. "#root #douyin-header … #douyin-right-container" in
 *   page-structure notes of Douyin userscripts).
 * - `captcha`: the verify captcha 抖音 lays over a page it will not serve.
 */
export const DY_SELECTORS = {
  app: "#douyin-right-container",
  captcha: '#captcha_container, .captcha_verify_container, iframe[src*="verifycenter"], iframe[src*="captcha"]',
} as const;

/** Search results per call: MC douyin/client.py:197 asks 15. */
export const DY_SEARCH_PAGE_SIZE = 15;
/** Comments and replies per call: MC douyin/client.py:228, 243. */
export const DY_COMMENT_PAGE_SIZE = 20;
/** Posts per call: MC douyin/client.py:325. */
export const DY_POST_PAGE_SIZE = 18;

/** `/search/<keyword>?type=general&sort_type=…&publish_time=…`: the page a person searches on. */
export function dySearchPageUrl(www: string, keyword: string, filters: DySearchFilters): string {
  const url = new URL(`${www}/search/${encodeURIComponent(keyword)}`);
  url.searchParams.set("type", "general");
  url.searchParams.set("sort_type", String(filters.sortType));
  url.searchParams.set("publish_time", String(filters.publishTime));
  return url.href;
}

export const dyVideoPageUrl = (www: string, awemeId: string) => `${www}/video/${encodeURIComponent(awemeId)}`;
export const dyUserPageUrl = (www: string, secUserId: string) => `${www}/user/${encodeURIComponent(secUserId)}`;

/** The search filters as the API takes them (schema.ts maps the task's fields). */
export interface DySearchFilters {
  sortType: number;
  publishTime: number;
}

/**
 * The query of a single/ result page (MC douyin/client.py:188-205): `offset` from the
 * previous page's `cursor`, `search_id` from its `extra.logid`; `filter_selected` and
 * `is_filter_search=1` only when a filter differs from the default.
 */
export function dySearchParams(
  keyword: string,
  offset: number,
  searchId: string,
  filters: DySearchFilters,
): Record<string, string> {
  const filtered = filters.sortType !== 0 || filters.publishTime !== 0;
  return {
    search_channel: "aweme_general",
    enable_history: "1",
    keyword,
    search_source: filtered ? "tab_search" : "normal_search",
    query_correct_type: "1",
    is_filter_search: filtered ? "1" : "0",
    offset: String(offset),
    count: String(DY_SEARCH_PAGE_SIZE),
    need_filter_settings: "0",
    list_type: "single",
    search_id: searchId,
    ...(filtered
      ? {
          filter_selected: JSON.stringify({
            sort_type: String(filters.sortType),
            publish_time: String(filters.publishTime),
          }),
        }
      : {}),
  };
}
