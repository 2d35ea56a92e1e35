/**
 * Everything the xhs crawler knows about www.xiaohongshu.com and its API, in one place,
 * because this is what changes when the site changes (FLOW.md, "When it drifts"): base
 * URLs, page URLs, endpoints and their parameters, the page's own signing function, page
 * state paths, and the few elements the crawler touches.
 *
 * Sources: NanmiCoder/MediaCrawler at d6f7c5b ("MC"), xpzouying/xiaohongshu-mcp at 6fb866a
 * ("xhs-mcp"); see FLOW.md for each step.
 */
import type { ElementHandle } from "puppeteer-core";
import { SiteChangedError } from "../media/drift.js";
import type { CapturedResponse, MediaSession, PageCall, PageRequestStyle, ResponseMatch } from "../media/types.js";

/** The site and its API host (MC client.py:71-76); each overridable by env XHS_BASE_URL_<KEY>. */
/** `short`: where share links are resolved (ids.ts XHS_SHORT_LINKS). */
export const XHS_BASE_URLS = {
  www: "https://www.xiaohongshu.com",
  api: "https://edith.xiaohongshu.com",
  short: "https://xhslink.com",
};

/**
 * The international edition (rednote.com), for tasks with `international: true`: the same
 * web app and API paths on other hosts, as MC's XHS_INTERNATIONAL switch has it (commit
 * 2a52c15, 2026-04: client.py:71-76 swaps only the API host and the site, core.py:63 the
 * page it opens, login.py:222 the cookie domain .rednote.com). Overridable by env
 * XHS_BASE_URL_INTERNATIONAL_<KEY>.
 * ASSUMPTION: share links of the international app are xhslink.com links too (no source
 * names another short-link host), so `short` stays.
 */
export const XHS_INTERNATIONAL_BASE_URLS = {
  www: "https://www.rednote.com",
  api: "https://webapi.rednote.com",
  short: "https://xhslink.com",
};

/** The image formats every list and comment call asks for (MC client.py:374, 408, 443, 631). */
export const IMAGE_FORMATS = "jpg,webp,avif";

/** The API calls the crawler reads (shapes.ts for their answers). */
export const ENDPOINTS = {
  /** MC client.py:343-352; the search page makes the first one itself (xhs-mcp search.go:107-154). */
  search: { path: "/api/sns/web/v1/search/notes", method: "POST" },
  /** MC client.py:354-389; what the note modal of a list loads. */
  feed: { path: "/api/sns/web/v1/feed", method: "POST" },
  /** MC client.py:391-415. */
  comments: { path: "/api/sns/web/v2/comment/page", method: "GET" },
  /** MC client.py:417-447. */
  replies: { path: "/api/sns/web/v2/comment/sub/page", method: "GET" },
  /** MC client.py:606-635; the profile page calls it on scroll, its first page is in state. */
  userPosted: { path: "/api/sns/web/v1/user_posted", method: "GET" },
} as const satisfies Record<string, ResponseMatch>;

/**
 * How the xhs page makes its API requests: with the headers its own `window._webmsxyw(url,
 * data)` returns, `{X-s, X-t}` (MC before 3f5925e, client.py:66-68 there: GET signs
 * "<path>?<query>" with no data, POST the path and the body object: client.py:121-156 there). The crawler only
 * calls that function; it never computes a signature. A page without it is SITE_CHANGED
 * (MC itself moved to `window.mnsv2` plus its own envelope, then to a pure algorithm:
 * commits 3f5925e, b5dab6d; see FLOW.md).
 */
export const PAGE_REQUESTS: PageRequestStyle = {
  transport: "fetch",
  signer: `(request) => {
    if (typeof window._webmsxyw !== "function") return { missing: "window._webmsxyw" };
    const data = request.body === undefined ? undefined : JSON.parse(request.body);
    const signed = window._webmsxyw(request.path, data);
    if (!signed || signed["X-s"] === undefined) return { missing: "the X-s that window._webmsxyw returns" };
    return { "X-s": String(signed["X-s"]), "X-t": String(signed["X-t"]) };
  }`,
};

const JSON_BODY = { "content-type": "application/json;charset=UTF-8" };

/**
 * A query string as the xhs front end writes it: commas left as they are, the rest
 * percent-encoded (MC client.py:198-205, which matches it so that signatures agree).
 */
export function apiQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2C/gi, ",")}`)
    .join("&");
}

/** A signed GET from inside the page to the API host. */
export function apiGet(path: string, params: Record<string, string>, step: string): PageCall {
  return { url: `${path}?${apiQuery(params)}`, base: "api", method: "GET", step };
}

/** A signed POST of a JSON body from inside the page to the API host. */
export function apiPost(path: string, body: Record<string, unknown>, step: string): PageCall {
  return { url: path, base: "api", method: "POST", body: JSON.stringify(body), headers: JSON_BODY, step };
}

/** The search page of a keyword (xhs-mcp search.go:251-259). */
export function searchPageUrl(www: string, keyword: string): string {
  const url = new URL("/search_result", www);
  url.searchParams.set("keyword", keyword);
  url.searchParams.set("source", "web_explore_feed");
  return url.href;
}

/** A note's own page; xhs shows the note only with its token (MC client.py:739-743; xhs-mcp feed_detail.go:1003-1005). */
export function noteUrl(wwwBase: string, noteId: string, xsecToken: string | null, xsecSource: string): string {
  const url = new URL(`/explore/${encodeURIComponent(noteId)}`, wwwBase);
  if (xsecToken) {
    url.searchParams.set("xsec_token", xsecToken);
    url.searchParams.set("xsec_source", xsecSource);
  }
  return url.href;
}

/** A profile page, with the token of the link it was found by (MC client.py:596-599; xhs-mcp user_profile.go:140-146). */
export function profileUrl(
  wwwBase: string,
  userId: string,
  xsecToken: string | undefined,
  xsecSource: string | undefined,
): string {
  const url = new URL(`/user/profile/${encodeURIComponent(userId)}`, wwwBase);
  if (xsecToken) {
    url.searchParams.set("xsec_token", xsecToken);
    url.searchParams.set("xsec_source", xsecSource ?? "pc_note");
  }
  return url.href;
}

/** The search filter panel: hover `div.filter`, then options by group label and text (xhs-mcp search.go:113-138, 202-248). */
export const FILTER = {
  button: "div.filter",
  panel: "div.filter-panel",
  groups: "div.filter-panel div.filters",
  sortGroup: "排序依据",
  noteTypeGroup: "笔记类型",
} as const;

/**
 * The panel's label for each sort (xhs-mcp search.go:44-45: 综合 / 最新 / 最多点赞 / 最多评论 /
 * 最多收藏; there is no 最热). That MC's `popularity_descending` ("most popular",
 * field.py:59-60) is 最多点赞 is an assumption (FLOW.md).
 */
export const SORT_LABELS: Record<string, string> = {
  general: "综合",
  popularity_descending: "最多点赞",
  time_descending: "最新",
};

/** The panel's 笔记类型 label for each note_type (xhs-mcp search.go:46-47: 不限 / 视频 / 图文). */
export const NOTE_TYPE_LABELS: Record<string, string> = {
  all: "不限",
  video: "视频",
  image: "图文",
};

/** The filter panel is on the page by the time the first results arrived: a short wait is enough. */
const FILTER_TIMEOUT_MS = 5_000;

/**
 * The option `option` of group `group` in the search page's filter panel, after hovering
 * the filter button to open it; SITE_CHANGED naming the selector when the button, the
 * panel, the group or the option is not there. Groups and options are found by their text,
 * never by position: xhs-mcp found positions unreliable (search.go:202-209).
 */
/**
 * Hovers the filter button until its panel shows (xhs-mcp search.go:127-128 hovers, then
 * reads the panel). The panel exists hidden in the page, so only a shown panel counts. A
 * hover that did not take (the mouse was moved before the page handled it: seen on a loaded
 * machine) is tried once more from outside the button, as a person would move back onto it.
 */
async function openFilterPanel(session: MediaSession, step: string): Promise<void> {
  const button = await session.element(FILTER.button, step, { timeoutMs: FILTER_TIMEOUT_MS });
  await button.hover();
  const shown = await session.page
    .waitForSelector(FILTER.panel, { visible: true, timeout: FILTER_TIMEOUT_MS, signal: session.signal })
    .then(() => true)
    .catch(() => false);
  if (shown) {
    session.note({ step, kind: "selector", detail: `${FILTER.panel}: shown` });
    return;
  }
  session.signal.throwIfAborted();
  // Off the button first (the far corner of the window; the button sits at the top), so the next hover enters it anew.
  const viewport = session.page.viewport() ?? { width: 1280, height: 800 };
  await session.page.mouse.move(viewport.width - 1, viewport.height - 1);
  await button.hover();
  await session.element(FILTER.panel, step, { timeoutMs: FILTER_TIMEOUT_MS, visible: true });
}

export async function filterOption(
  session: MediaSession,
  group: string,
  option: string,
  step: string,
): Promise<ElementHandle<Element>> {
  await openFilterPanel(session, step);
  const found = await session.page.evaluateHandle(
    (groups: string, label: string, text: string) => {
      for (const candidate of document.querySelectorAll(groups)) {
        if (candidate.querySelector(":scope > span")?.textContent?.trim() !== label) continue;
        const options = [...candidate.querySelectorAll("div.tags")];
        return (
          options.find((element) => element.textContent?.trim() === text) ??
          `options ${options.map((element) => element.textContent?.trim()).join(" / ")}`
        );
      }
      return `no group ${label}`;
    },
    FILTER.groups,
    group,
    option,
  );
  const element = found.asElement() as ElementHandle<Element> | null;
  if (element !== null) {
    session.note({ step, kind: "selector", detail: `${FILTER.groups} ${group} → ${option}: found` });
    return element;
  }
  const seen = String(await found.jsonValue());
  await found.dispose();
  session.note({ step, kind: "selector", detail: `${FILTER.groups} ${group} → ${option}: ${seen}` });
  throw new SiteChangedError(
    { platform: "xhs", step, selector: `${FILTER.groups} > span "${group}" div.tags "${option}"` },
    `the filter panel should offer ${group} → ${option}`,
    seen,
  );
}

/** What the note page shows instead of a note it cannot show (xhs-mcp feed_detail.go:893-940). */
export const NOTE_ERROR = ".access-wrapper, .error-wrapper, .not-found-wrapper, .blocked-wrapper";

/** The text of the note page's error notice ("当前笔记暂时无法浏览", …), if it shows one. */
export function noteErrorText(session: MediaSession): Promise<string | undefined> {
  return session.page.evaluate(
    (selector: string) => document.querySelector(selector)?.textContent?.trim() || undefined,
    NOTE_ERROR,
  );
}

/** Page state the crawler reads, as paths into window.__INITIAL_STATE__. */
export const STATE = {
  /** note.noteDetailMap (MC extractor.py:40-50; xhs-mcp feed_detail.go:950-958). */
  noteDetailMap: ["note", "noteDetailMap"],
  /** user.userPageData (MC extractor.py:61-69; xhs-mcp user_profile.go:67-78). */
  userPageData: ["user", "userPageData"],
  /** user.notes and user.activeTab (xhs-mcp user_profile.go:84-93). */
  notes: ["user", "notes"],
  activeTab: ["user", "activeTab"],
} as const;

/** "window.__INITIAL_STATE__.a.b" for messages and the probe. */
export function stateSource(path: readonly string[]): string {
  return ["window.__INITIAL_STATE__", ...path].join(".");
}

/**
 * A page-side expression reading `path` of window.__INITIAL_STATE__, unwrapping Vue refs
 * on the way (xhs-mcp reads `.value`, else `._value`: user_profile.go:72, 88).
 *
 * @example initialStateExpression(["user", "userPageData"])
 */
export function initialStateExpression(path: readonly string[]): string {
  const steps = path.map((key) => `[${JSON.stringify(key)}]`);
  return `(() => { const u = (v) => (v && v.__v_isRef ? (v.value !== undefined ? v.value : v._value) : v); let v = u(window.__INITIAL_STATE__); ${steps
    .map((step) => `v = v == null ? undefined : u(v${step});`)
    .join(" ")} return v; })()`;
}

/** The value at `path` of the page state (refs unwrapped), undefined when there is none. */
export function readState<T>(session: MediaSession, path: readonly string[]): Promise<T | undefined> {
  return session.readState<T>(initialStateExpression(path));
}

/** The parsed JSON body of the POST that got `response` ({} when absent or not JSON). */
export function bodyOf(response: CapturedResponse): Record<string, unknown> {
  try {
    const parsed = JSON.parse(response.requestBody ?? "{}") as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
