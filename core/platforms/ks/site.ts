import type { PageRequestStyle } from "../media/types.js";

/**
 * Where 快手 is and how its pages talk to its API: the one file to change when a URL, an
 * endpoint, a GraphQL document or a selector moves (FLOW.md, "When it drifts").
 */

export const KS_BASE_URLS = { www: "https://www.kuaishou.com" } as const;

export const KS_ENDPOINTS = {
  /** Search results, signed by the page (MC kuaishou/client.py:172-189). */
  searchFeed: "/rest/v/search/feed",
  /** A creator's videos, signed by the page (MC kuaishou/client.py:161-170). */
  profileFeed: "/rest/v/profile/feed",
  /** GraphQL: detail and profile (unsigned, MC client.py:243-290), and the lists' former operations. */
  graphql: "/graphql",
  /** Comments over REST v2 (unsigned, MC client.py:256-282). */
  comments: "/rest/v/photo/comment/list",
  replies: "/rest/v/photo/comment/sublist",
} as const;

export const KS_OPERATIONS = {
  search: "visionSearchPhoto",
  detail: "visionVideoDetail",
  profile: "visionProfile",
  photos: "visionProfilePhotoList",
} as const;
export type KsOperation = (typeof KS_OPERATIONS)[keyof typeof KS_OPERATIONS];

/** A search result page on either API: the REST feed the app uses now, or the GraphQL one it used before. */
export const KS_SEARCH_LIST = /^\/(rest\/v\/search\/feed|graphql)$/;
/** A creator's video page on either API. */
export const KS_PROFILE_LIST = /^\/(rest\/v\/profile\/feed|graphql)$/;

/**
 * How the page makes its requests: plain fetch from the page, with its cookies. The list
 * endpoints need `__NS_hxfalcon`, which only the app's own request code adds: the signing
 * library is obfuscated and closed over, with nothing on `window` to call (a public ks
 * client: "window 上没有可调用的签名函数（被打包进闭包）"; a script's own fetch is not
 * signed: "前端拦截器不会给脚本发起的 fetch 请求加 __NS_hxfalcon 签名"). MC reaches it only
 * by hooking `Object.prototype` before the app loads (kuaishou/help.py:35-86), which changes
 * every object of the page; we do not. So the lists stay page-driven (crawler.ts), and
 * only the unsigned endpoints (GraphQL detail and profile, the comment REST) are called.
 */
export const KS_PAGE_REQUESTS: PageRequestStyle = { transport: "fetch" };

/** The calls' content type, as MC sends it (kuaishou/core.py:338-344). */
export const KS_JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" };

/**
 * GraphQL documents of the operations the crawler calls, cut to the fields it reads (the
 * full ones: MC media_platform/kuaishou/graphql/video_detail.graphql, vision_profile.graphql).
 */
export const KS_QUERIES = {
  visionVideoDetail:
    "query visionVideoDetail($photoId: String, $type: String, $page: String, $webPageArea: String) { visionVideoDetail(photoId: $photoId, type: $type, page: $page, webPageArea: $webPageArea) { status type author { id name headerUrl } photo { id duration caption likeCount realLikeCount coverUrl photoUrl timestamp viewCount commentCount } } }",
  visionProfile:
    "query visionProfile($userId: String) { visionProfile(userId: $userId) { result userProfile { ownerCount { fan follow photo_public } profile { user_name user_id headurl } } } }",
} as const;

/**
 * Elements the crawl needs:
 * - `card`: a video link in a result list. Before scrolling a list for its next page the
 *   crawl makes sure the list shows videos; a page-driven crawler of ks profiles finds
 *   the works by the same links (HelloCrab KuaishouSiteAdapter.cs: 'a[href*="/short-video/"]').
 * - `captcha`: the slider captcha 快手 lays over a page it will not serve.
 */
export const KS_SELECTORS = {
  card: 'a[href*="/short-video/"]',
  captcha: 'iframe[src*="captcha"], #captcha-container, [class*="captcha-container"]',
} as const;

/** `/search/video?searchKey=<keyword>`: the search page (its requests: /rest/v/search/feed, per a public ks client's capture). */
export const ksSearchPageUrl = (www: string, keyword: string) =>
  `${www}/search/video?searchKey=${encodeURIComponent(keyword)}`;
/** `/short-video/<photoId>` (MC kuaishou/help.py:89-112). */
export const ksVideoPageUrl = (www: string, photoId: string) => `${www}/short-video/${encodeURIComponent(photoId)}`;
/** `/profile/<userId>`: the only page whose app asks /rest/v/profile/feed (a public ks client's capture). */
export const ksProfilePageUrl = (www: string, userId: string) => `${www}/profile/${encodeURIComponent(userId)}`;

/** Whether a cursor says another page follows. */
export function ksHasMore(cursor: string | undefined | null): cursor is string {
  return cursor !== undefined && cursor !== null && cursor !== "" && cursor !== "no_more";
}
