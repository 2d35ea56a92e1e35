import type { CapturedResponse, PageRequestStyle, ResponseMatch } from "../media/types.js";
import { WB_SEARCH_TYPE, type WbSort } from "./schema.js";

/**
 * Where things are on m.weibo.cn (the mobile web app): the real base URL, the pages a
 * person opens, the endpoints their scripts call (and we call from inside them), and how
 * the app makes its requests. The file to change when the site moves something (FLOW.md,
 * "When it drifts").
 */

/** Real base URL; overridable by env WB_BASE_URL_M. */
export const WB_BASE_URLS = { m: "https://m.weibo.cn" } as const;

const GET_INDEX = "/api/container/getIndex";

const param = (response: CapturedResponse, name: string): string => response.url.searchParams.get(name) ?? "";

/** getIndex answers whose container id starts with `prefix` (search and profile posts share the path). */
function container(prefix: string, step: string): ResponseMatch {
  return { path: GET_INDEX, step, test: (response) => param(response, "containerid").startsWith(prefix) };
}

/** The crawl steps, as SITE_CHANGED messages and the probe name them. */
export const WB_STEPS = {
  search: "search: result page",
  profile: "creator: profile",
  profilePosts: "creator: posts page",
  hotflow: "comments: page",
  replies: "comments: replies",
  post: "detail: post",
  longText: "post: full text",
} as const;

export const WB_ENDPOINTS = {
  /** containerid=100103type=<n>&q=<keyword> (MC client.py:165-172) */
  search: container("100103", WB_STEPS.search),
  /** containerid=107603<uid> (gottaegbert/weiboAPI old/response.js; MC core.py:326-331) */
  profilePosts: container("107603", WB_STEPS.profilePosts),
  hotflow: { path: "/comments/hotflow", step: WB_STEPS.hotflow },
} as const satisfies Record<string, ResponseMatch>;

/**
 * The profile header of `uid`: the page asks `getIndex?type=uid&value=<uid>` without a
 * container id (gottaegbert/weiboAPI old/response.js); MC asks with
 * `containerid=100505<uid>` (client.py:326-344). Either form is taken, whichever the page uses.
 */
export function profileHeader(uid: string): ResponseMatch {
  return {
    path: GET_INDEX,
    step: WB_STEPS.profile,
    test: (response) => {
      const containerid = param(response, "containerid");
      return (
        param(response, "type") === "uid" &&
        param(response, "value") === uid &&
        (containerid === "" || containerid === `100505${uid}`)
      );
    },
  };
}

/**
 * How m.weibo.cn's app makes its requests, so our calls look the same: XMLHttpRequest
 * (the app's axios; a userscript hooks its calls as `(path, {params})`), with the
 * `MWeibo-Pwa: 1` and `X-Requested-With: XMLHttpRequest` headers captured from it
 * (pinple/Xweibo src/config.py) and, as axios does, `X-XSRF-TOKEN` copied from the
 * `XSRF-TOKEN` cookie the site sets (gpl349621263/weibo-comment config.py lists it among
 * m.weibo.cn's cookies; a public hotFlowChild script's browser-copied headers carry the
 * header). Nothing is signed: the cookie's value is the page's own, read from the page.
 */
export const WB_PAGE_REQUESTS: PageRequestStyle = {
  transport: "xhr",
  signer: `(request) => {
    const headers = { "Accept": "application/json, text/plain, */*", "MWeibo-Pwa": "1", "X-Requested-With": "XMLHttpRequest" };
    const match = /(?:^|;\\s*)XSRF-TOKEN=([^;]*)/.exec(document.cookie);
    if (match) headers["X-XSRF-TOKEN"] = decodeURIComponent(match[1]);
    return headers;
  }`,
};

type Bases = Readonly<Record<string, string>>;

/** m.weibo.cn/search?containerid=100103type%3D<n>%26q%3D<keyword> — the page asks for result page 1 itself. */
export function searchPageUrl(bases: Bases, keyword: string, sort: WbSort): string {
  const containerid = `100103type=${WB_SEARCH_TYPE[sort]}&q=${keyword}`;
  return `${bases.m}/search?${new URLSearchParams({ containerid })}`;
}

/** m.weibo.cn/detail/<mid|bid> — the post in `$render_data`, its first comment page asked for on load. */
export function detailPageUrl(bases: Bases, id: string): string {
  return `${bases.m}/detail/${encodeURIComponent(id)}`;
}

/** m.weibo.cn/u/<uid> — the page asks for the profile header, then the first posts page. */
export function profilePageUrl(bases: Bases, uid: string): string {
  return `${bases.m}/u/${encodeURIComponent(uid)}`;
}

/** Search result page `page`, with the parameters of the page's own first request (containerid, page_type). */
export function searchPageCall(first: CapturedResponse, page: number): string {
  const query = new URLSearchParams(first.url.search);
  query.set("page", String(page));
  return `${GET_INDEX}?${query}`;
}

/**
 * The profile posts page after `token` ("since_id=…" or "page=…", see FLOW.md), with
 * the parameters of the page's own first posts request (type, value, containerid).
 */
export function profilePostsCall(first: CapturedResponse, token: string): string {
  const query = new URLSearchParams(first.url.search);
  query.delete("since_id");
  query.delete("page");
  for (const [name, value] of new URLSearchParams(token)) query.set(name, value);
  return `${GET_INDEX}?${query}`;
}

/** The next hotflow page: the first request's `id` and `mid`, the previous answer's cursor (MC client.py:181-188). */
export function hotflowCall(first: CapturedResponse, maxId: number, maxIdType: number): string {
  const query = new URLSearchParams({
    id: param(first, "id"),
    mid: param(first, "mid"),
    max_id: String(maxId),
    max_id_type: String(maxIdType),
  });
  return `/comments/hotflow?${query}`;
}

/** A page of a comment's replies: `max_id` 0 for the first, then the answer's. */
export function hotFlowChildCall(cid: string, maxId: number): string {
  return `/comments/hotFlowChild?${new URLSearchParams({ cid, max_id: String(maxId), max_id_type: "0" })}`;
}

/** A long post's whole text (shapes.ts wbLongTextAnswer), called from whichever m.weibo.cn page is open. */
export function longTextCall(mid: string): string {
  return `/statuses/extend?${new URLSearchParams({ id: mid })}`;
}

/**
 * A list's text of a long post ends in a link to the post's status page reading 全文
 * ("full text"): `...<a href="/status/4884565010943284">全文</a>` (a public m.weibo.cn
 * script quotes it; another cuts stored text there).
 */
export const CUT_TEXT_LINK = /<a href="\/status\/[^"]*">全文<\/a>\s*$/;

/** Page state the crawler reads: the detail page's embedded post. */
export const WB_PAGE_STATE = { renderData: "$render_data" } as const;

/** What m.weibo.cn's detail page shows for a post that is gone or hidden. ASSUMPTION: wording seen on the site, no source in code. */
export const POST_GONE_TEXT = /微博不存在|暂无查看权限|已被删除/;
