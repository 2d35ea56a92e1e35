/**
 * The contract every media platform (xhs, dy, ks, bili, wb, tieba, zhihu) is written
 * against. Shared mechanics live in this folder (core/platforms/media/); each platform's
 * folder holds only what is its own: its task schema, the JSON shapes of its endpoints,
 * the mappers from those shapes to stored items, and the navigation that makes the web
 * app call those endpoints.
 *
 * We never sign requests ourselves: the platform's own JavaScript, running in Chromium
 * with the account's cookies, calls its API; we read the JSON responses (and the page's
 * embedded state) as they go by.
 */
import type { ElementHandle, Page } from "puppeteer-core";
import type * as z from "zod";
import type { AccountPlatformName } from "../registry.js";
import type { ProbeStep } from "./probe.js";

/** A media platform is one whose tasks take accounts and proxies (its definition says `accounts: true`). */
export type MediaPlatformName = AccountPlatformName;

export const MEDIA_CRAWLER_TYPES = ["search", "detail", "creator"] as const;
export type MediaCrawlerType = (typeof MEDIA_CRAWLER_TYPES)[number];

/** Task fields every media platform shares (each platform's schema extends these; see schema.ts). */
export interface MediaTaskParams {
  crawler_type: MediaCrawlerType;
  /** search: one or more keywords ("a,b" in the request becomes ["a", "b"]). */
  keywords: string[];
  /** detail: post ids or post URLs (xhs URLs carry xsec_token). */
  specified_ids: string[];
  /** creator: creator ids or profile URLs. */
  creator_ids: string[];
  /** search: first result page (1-based). @default 1 */
  start_page: number;
  /** search: platform-specific sort value; each platform's schema narrows it. */
  sort?: string;
  /** Collect comments of each post. @default false */
  enable_comments: boolean;
  /** Also collect replies to comments (only with enable_comments). @default false */
  enable_sub_comments: boolean;
  /** Posts per keyword / creator, or in total for detail. @default 20 */
  max_notes_count: number;
  /** Comments (top-level plus replies) per post. @default 20 */
  max_comments_count: number;
  /** Id of a stored account to use; otherwise an active one of the platform is picked. */
  account?: string;
  /** Proxy for this task, e.g. "http://user:pass@host:port"; otherwise one from the configured pool, if any. */
  proxy?: string;
  /** Store creators' ids, nicknames, avatars and IP locations as shown. @default false (hashed + masked) */
  keep_user_info: boolean;
  /** Record the crawl's steps and store them as a `probe` item (probe.ts). @default false */
  probe?: boolean;
  /** Store each post's images and video (core/media/). @default false */
  download_media?: boolean;
}

/** A stored account's cookies as the crawler gets them (decrypted in memory only). */
export interface AccountCookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: number;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface CrawlAccount {
  account_id: string;
  platform: MediaPlatformName;
  cookies: AccountCookie[];
}

/** A JSON response the web app received, read as it went by. */
export interface CapturedResponse<T = unknown> {
  url: URL;
  method: string;
  status: number;
  /** Parsed JSON body; undefined when the body was not JSON. */
  json: T | undefined;
  /**
   * The body as text when it was not JSON but not empty either, for the platform to parse:
   * dy's streamed search page (length-prefixed JSON frames, captured), tieba's /p/comment
   * HTML fragment (called). Undefined otherwise.
   */
  text?: string;
  /** The request's body (POST endpoints such as xhs search), when there was one. */
  requestBody?: string;
}

export interface ResponseMatch {
  /** Path of the endpoint, e.g. "/api/sns/web/v1/search/notes"; a RegExp is tested against the pathname. */
  path: string | RegExp;
  /** The crawl step that waits for it, for SITE_CHANGED messages and the probe ("search: result page"). */
  step?: string;
  method?: "GET" | "POST";
  /**
   * Further condition on a response of that path (e.g. "the comment page of this note"),
   * checked after its JSON was read. Responses failing it are left for other waiters;
   * an access-problem answer (see MediaPlatform.classify) fails the capture regardless.
   */
  test?: (response: CapturedResponse) => boolean;
}

/**
 * A request made from inside the platform's page, with the page's own cookies and origin:
 * see {@link MediaSession.call}.
 */
export interface PageCall {
  /** Absolute URL, or a path on the base URL `base` names. */
  url: string;
  /** Which of the platform's base URLs a path is on. @default the platform's cookieUrl */
  base?: string;
  /** @default "GET" */
  method?: "GET" | "POST";
  /** The body (JSON text for the JSON APIs). */
  body?: string;
  headers?: Record<string, string>;
  /** The crawl step this call is, e.g. "comments: replies". */
  step: string;
}

/**
 * How a platform's page makes its API requests, so that {@link MediaSession.call} makes
 * them the same way and the site's own code adds what it adds (a signature, a token).
 */
export interface PageRequestStyle {
  /**
   * `xhr` where the site's security script hooks XMLHttpRequest (dy), `fetch` otherwise.
   * Either way the request leaves from the page. @default "fetch"
   */
  transport?: "fetch" | "xhr";
  /**
   * JavaScript source of a function run in the page before each call: `(request) =>
   * headers`, where `request` is `{ url, path, method, body }`. It may only call what the
   * page itself exposes (xhs: `window._webmsxyw`), never re-implement a signature. It
   * returns `{ missing: "<what>" }` when the page lacks it: that is SITE_CHANGED.
   * Plain JavaScript in a string, not a function: it is sent to the page as written.
   */
  signer?: string;
}

/** Human-like pauses between actions; tests set them near zero. */
export interface MediaDelays {
  /** Between page navigations. */
  pageMs: number;
  /** Between scrolls / "next page" clicks. */
  scrollMs: number;
  /** Between comment pages. */
  commentMs: number;
}

/** How `MediaSession.element` waits. */
export interface ElementOptions {
  /** How long to wait; the session's selector timeout when absent. */
  timeoutMs?: number;
  /**
   * Wait until the element is also shown (has a box and is not `visibility: hidden`), for
   * elements a page reveals on hover or click: Chrome hands mouse moves to the page on its
   * next frame, so the element exists before the page has shown it.
   */
  visible?: boolean;
}

/**
 * One platform's browser tab, with the account's cookies set, driving its web app.
 * Provided by the shared framework (session.ts); used by every platform's crawler.
 */
export interface MediaSession {
  readonly platform: MediaPlatformName;
  readonly page: Page;
  /** Base URLs of the platform (from env overrides or the real ones), e.g. { www: "https://www.xiaohongshu.com" }. */
  readonly baseUrls: Readonly<Record<string, string>>;
  /** Navigates like a person (waits `delays.pageMs` first), then checks the page for login walls / captchas. */
  open(url: string): Promise<void>;
  /**
   * Runs `action` (navigate, scroll, click) and resolves with the first matching JSON
   * response that arrives after it started. Throws a PlatformAccessError when the answer
   * is a login-required or risk-control one (each platform's `classify` decides), and a
   * RetryableCrawlError on timeout.
   */
  capture<T>(
    match: ResponseMatch,
    action: () => Promise<unknown>,
    options?: { timeoutMs?: number },
  ): Promise<CapturedResponse<T>>;
  /**
   * Makes a request from inside the page: same origin, the page's cookies, the page's own
   * request code (its fetch or XHR, which a site's security script may sign, and the
   * platform's {@link PageRequestStyle.signer}). Judged by `classify` like a captured
   * response; a throttling answer is retried with back-off, then RATE_LIMITED.
   */
  call<T>(request: PageCall): Promise<CapturedResponse<T>>;
  /**
   * `captured.json` checked against its shape (drift.ts): the parsed value, or
   * SITE_CHANGED naming `step`. Unknown or missing optional fields become the task's warnings.
   */
  expect<T>(schema: z.ZodType<T>, captured: CapturedResponse, step: string): T;
  /** The same check for page state or any other value the crawl reads. */
  expectValue<T>(schema: z.ZodType<T>, value: unknown, subject: { step: string; source: string }): T;
  /**
   * The element `selector` matches (puppeteer selectors: `>>>` pierces shadow roots), once
   * it appears; SITE_CHANGED naming the selector when it does not within `timeoutMs`.
   */
  element(selector: string, step: string, options?: ElementOptions): Promise<ElementHandle<Element>>;
  /** Records a step for the probe (probe.ts); a no-op unless the task is a probe. */
  note(step: Omit<ProbeStep, "at">): void;
  /**
   * Starts collecting the JSON responses matching `match`, in arrival order, until
   * `close()`. For paginated lists: the web app may fetch the next page by itself
   * (a card scrolled into view reaches the infinite-scroll threshold) before the crawler
   * asks for it; a collector keeps that response instead of missing it.
   *
   * @example
   * const pages = session.collect(SEARCH);
   * try {
   *   let page = await pages.next(() => session.open(url));
   *   page = await pages.next(() => session.scroll(), { test: (r) => pageOf(r) === 2 });
   * } finally { pages.close(); }
   */
  collect(match: ResponseMatch): ResponseCollector;
  /** Reads page state, e.g. "window.__INITIAL_STATE__" or the JSON of "#js-initialData". */
  readState<T>(expression: string): Promise<T | undefined>;
  /**
   * Scrolls to the bottom once (waits `delays.scrollMs` first): the window, or the
   * element matched by `selector` (a comment pane that scrolls on its own).
   */
  scroll(selector?: string): Promise<void>;
  /** Waits one of the platform's pauses. Abortable by the crawl's signal. */
  pause(kind: keyof MediaDelays): Promise<void>;
  readonly signal: AbortSignal;
  log(message: string, fields?: Record<string, unknown>): void;
  /**
   * The error for a refusal a platform detected itself (e.g. the app left for a login page
   * before its answer could be read): names the account, and turns a login answer into
   * ACCOUNT_EXPIRED when the account's cookies were set.
   */
  accessError(verdict: Extract<ResponseVerdict, { ok: false }>, url: string): Error;
}

/** Responses of one endpoint kept as they arrive; see {@link MediaSession.collect}. */
export interface ResponseCollector {
  /**
   * Takes the first collected response passing `test`. When none has arrived yet, runs
   * `action` (scroll, click) and waits for one — a RetryableCrawlError after `timeoutMs`.
   * Throws a PlatformAccessError as soon as a collected answer is an access problem.
   */
  next<T>(
    action?: () => Promise<unknown>,
    options?: { test?: (response: CapturedResponse) => boolean; timeoutMs?: number },
  ): Promise<CapturedResponse<T>>;
  /** Stops collecting (idempotent); a pending `next` fails. */
  close(): void;
}

/** Why a platform answer means we cannot go on with this account. */
export const ACCESS_ERROR_CODES = ["ACCOUNT_REQUIRED", "ACCOUNT_EXPIRED", "RISK_CONTROL"] as const;
export type AccessErrorCode = (typeof ACCESS_ERROR_CODES)[number];

/**
 * A platform's verdict on one response: fine, an access problem, or throttling. Every
 * platform writes one (xhs 461 / verify pages, bili -412, …) so an empty answer with a
 * verify flag never passes as an empty success. `THROTTLED` is the site asking to slow
 * down (ks `result: 2`, HTTP 429): the request is retried later on the same account, and
 * an account is rested only after repeated throttling, never marked banned for it.
 */
export type ResponseVerdict =
  | { ok: true }
  | { ok: false; code: AccessErrorCode; message: string }
  | { ok: false; code: "THROTTLED"; message: string; retryAfterMs?: number };

/** Creator identity as the site shows it; the framework turns it into stored fields (privacy). */
export interface CreatorInfo {
  user_id: string;
  nickname?: string;
  avatar?: string;
  ip_location?: string;
}

/** What a platform's mapper returns for one post or comment, before common fields are added. */
export interface MediaRecord {
  item_type: "content" | "comment" | "creator";
  /** The platform's id of the post/comment/creator; part of the stable item key. */
  id: string;
  /** Platform fields (xhs: note_id, title, desc, liked_count, …), creator fields excluded. */
  fields: Record<string, unknown>;
  creator?: CreatorInfo;
  /** A reply to a comment: the parent comment's id (stored only with enable_sub_comments). */
  parentId?: string;
  /** This post could not be crawled (deleted, not visible): stored with ok: false and this error. */
  error?: { code: string; message: string };
}

/** An edition of a platform's site: its name (in env overrides) and its real base URLs, keyed as the main site's. */
export interface MediaSiteEdition {
  name: string;
  baseUrls: Readonly<Record<string, string>>;
}

/**
 * A media platform's crawler. `run` drives the session for one task and yields records;
 * the framework (crawl.ts) adds item_type/platform/crawled_at/keys/creator privacy,
 * enforces max_notes_count / max_comments_count, and keeps the resumable cursor.
 */
export interface MediaPlatform<Params extends MediaTaskParams = MediaTaskParams> {
  name: MediaPlatformName;
  /** Real base URLs; each can be overridden by env `<PLATFORM>_BASE_URL_<KEY>` (e.g. XHS_BASE_URL_WWW). */
  baseUrls: Record<string, string>;
  /** Cookie domain(s) the account's cookies are set on, relative to baseUrls. */
  cookieUrl: string;
  /** Default pauses for this platform. */
  delays: MediaDelays;
  /** Login / risk-control / throttling detection for a captured response. */
  classify(response: CapturedResponse): ResponseVerdict;
  /** How the page makes its API requests, for {@link MediaSession.call}. @default plain fetch */
  pageRequests?: PageRequestStyle;
  /**
   * Login wall / captcha detection for a page that was just opened (URL and DOM);
   * `document` is the main navigation's answer (status, url; `json` undefined), when there was one.
   */
  classifyPage?(page: Page, document?: CapturedResponse): Promise<ResponseVerdict>;
  /**
   * Another edition of the site that a task asks for (xhs `international`: rednote.com),
   * whose base URLs replace {@link baseUrls} for that task; undefined: the main site.
   */
  editionOf?(params: Params): MediaSiteEdition | undefined;
  /**
   * A search's inputs, when the platform takes more than `keywords` (tieba's forums): each
   * is given to {@link search} in turn, in this order. Absent: the keywords.
   */
  searchInputs?(params: Params): string[];
  search(session: MediaSession, params: Params, keyword: string, cursor: MediaCursor): AsyncIterable<MediaRecord>;
  detail(session: MediaSession, params: Params, id: string, cursor: MediaCursor): AsyncIterable<MediaRecord>;
  creator(session: MediaSession, params: Params, creatorId: string, cursor: MediaCursor): AsyncIterable<MediaRecord>;
}

/**
 * Where a media crawl is: which input (keyword / id / creator) it is on and the
 * platform's own page token for it. Saved in checkpoints; platforms read `page` to resume
 * and call `advance` after finishing a page of results.
 */
export interface MediaCursor {
  /** Index into keywords / specified_ids / creator_ids. */
  readonly inputIndex: number;
  /** Platform page token (page number, offset, cursor string) for the current input; undefined at the start. */
  readonly page: string | number | undefined;
  /**
   * Content records counted so far for this input (detail mode: for the whole task),
   * including those counted before a resume. Platforms stop fetching more pages once it
   * reaches `max_notes_count`; the framework drops any beyond it anyway.
   */
  readonly notesDone: number;
  /** Call after every record of the current page was yielded, with the token of the next page. */
  advance(page: string | number | undefined): void;
}
