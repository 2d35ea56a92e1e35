import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccountPlatformName } from "../../core/platforms/registry.js";
import { type QrLoginPhone, qrLoginRoutes } from "../fixtures/qrLogin/server.js";

/**
 * The HTTP plumbing of a site stand-in on 127.0.0.1 (tests/fixtures/<platform>/server.ts):
 * a server, a log of every request with the cookies the browser sent, and answer
 * helpers. What a stand-in answers is up to its `handle`.
 */

export interface StandInRequest {
  /** Which of the stand-in's origins (ports) it came to, e.g. xhs's "www" or "api"; "www" when it has one. */
  origin: string;
  method: string;
  /** Pathname only. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** The raw query string without "?", as sent (signatures are computed over it). */
  search: string;
  /** Raw request body ("" for GET). */
  body: string;
  /** Cookies the browser sent, by name. */
  cookies: Record<string, string>;
  /** Request headers, lower-case names (request signatures such as zhihu's x-zse-96 travel in them). */
  headers: IncomingHttpHeaders;
}

export interface StandInServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** Every request, in arrival order (clear with `requests.length = 0`). */
  requests: StandInRequest[];
  close(): Promise<void>;
}

export type StandInHandler = (request: StandInRequest, response: ServerResponse) => void | Promise<void>;

export async function startStandInServer(
  handle: StandInHandler,
  /** `origin`: the name its requests carry; `requests`: a log it shares with another origin. */
  { origin = "www", requests = [] }: { origin?: string; requests?: StandInRequest[] } = {},
): Promise<StandInServer> {
  const server = createServer((incoming, response) => {
    void (async () => {
      const url = new URL(incoming.url ?? "/", "http://stand-in");
      const request: StandInRequest = {
        origin,
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        search: url.search.slice(1),
        body: incoming.method === "POST" ? await readBody(incoming) : "",
        cookies: parseCookies(incoming.headers.cookie),
        headers: incoming.headers,
      };
      requests.push(request);
      await handle(request, response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  response
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
    .end(JSON.stringify(body));
}

/** An answer with nothing in it, as sites send to a blocked account. */
export function sendEmpty(response: ServerResponse, status = 200): void {
  response
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": "0",
      "cache-control": "no-store",
    })
    .end();
}

export function sendHtml(response: ServerResponse, body: string, status = 200): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}

/**
 * The switchboard every stand-in shares: which answer it gives (`answerWith`), which
 * cookie its API insists on (`requireCookie`), how the site has drifted (`drift`), the
 * keywords and creators in first-seen order, and its API requests. What each answer kind
 * and drift looks like on the wire is the stand-in's own (tests/fixtures/<platform>/server.ts).
 */
export interface AnswerOptions {
  /** Let this many more (matching) API requests pass first: a ban in the middle of a crawl. */
  afterRequests?: number;
  /** Answer so only this many times, then "ok" again. */
  times?: number;
  /** Switch only this API path; pages and other endpoints answer as usual. */
  path?: string;
}

export interface StandIn<Kind extends string, Drift extends string> extends StandInServer {
  /** The URL of each origin by name (see {@link StandInOptions.origins}). */
  urls: Record<string, string>;
  /** API requests only, optionally of one path (string) or of the paths a pattern matches. */
  apiRequests(path?: string | RegExp): StandInRequest[];
  /** From now on answer `kind` ("ok": content), see {@link AnswerOptions}. */
  answerWith(kind: Kind | "ok", options?: AnswerOptions): void;
  /** Answer API requests without this cookie as the site answers a visitor not logged in; undefined: none needed. */
  requireCookie(name: string | undefined): void;
  /** Make the site change under the crawler ("none": as it is). */
  drift(kind: Drift | "none"): void;
  /** Number of a searched keyword, in first-seen order (the data sets number results by it). */
  keywordIndex(keyword: string): number;
  /** Number of a creator, in first-seen order (the data sets number their posts by it). */
  creatorIndex(creator: string): number;
  /** The keywords seen so far, in first-seen order (index = keywordIndex). */
  readonly keywords: readonly string[];
  /** Back to "ok", no cookie required, no drift, the stand-in's own switches reset; requests forgotten. */
  reset(): void;
  /** The platform's QR login page and the phone's side of it (tests/fixtures/qrLogin); see {@link StandInOptions.qrLogin}. */
  login: QrLoginPhone;
}

/** What a stand-in's handler reads the switchboard through. */
export interface StandInSwitchboard<Kind extends string, Drift extends string> {
  /** The stand-in's origin (for redirects and absolute links). */
  readonly baseUrl: string;
  /**
   * The answer this request gets. For an API request it counts against `times`, so ask once
   * per request, at the point where the real site would refuse.
   */
  answerFor(request: StandInRequest): Kind | "ok";
  /** The API insists on a cookie (`requireCookie`) this request lacks. */
  lacksRequiredCookie(request: Pick<StandInRequest, "cookies">): boolean;
  readonly drift: Drift | "none";
  /** The live list of keywords in first-seen order (index = keywordIndex). */
  readonly keywords: readonly string[];
  keywordIndex(keyword: string): number;
  creatorIndex(creator: string): number;
}

export interface StandInOptions<Kind extends string, Drift extends string> {
  /**
   * The names of its origins, each on a port of its own and all answered by `handle` (a
   * request's `origin` says which); the first is `baseUrl`. Default: one, "www".
   */
  origins?: readonly [string, ...string[]];
  /** Which requests are API requests: the ones answers are switched for and `apiRequests` lists. */
  isApi(request: StandInRequest): boolean;
  handle(request: StandInRequest, response: ServerResponse, switchboard: StandInSwitchboard<Kind, Drift>): void;
  /** Resets the stand-in's own switches along with the shared ones. */
  onReset?(): void;
  /** The platform whose QR login page the stand-in serves (before `handle` sees a request). */
  qrLogin: AccountPlatformName;
}

/** Starts a stand-in: the HTTP plumbing of {@link startStandInServer} with the shared switchboard. */
export async function startStandIn<Kind extends string, Drift extends string>(
  options: StandInOptions<Kind, Drift>,
): Promise<StandIn<Kind, Drift>> {
  const { isApi } = options;
  const keywords = firstSeenOrder();
  const creators = firstSeenOrder();
  let answer: Kind | "ok" = "ok";
  let answerPath: string | undefined;
  let passBefore = 0;
  let answersLeft = Number.POSITIVE_INFINITY;
  let requiredCookie: string | undefined;
  let drift: Drift | "none" = "none";

  const switched = (request: StandInRequest) =>
    isApi(request) && (answerPath === undefined || request.path === answerPath);
  /** Switched API requests that arrived before this one (all of them for undefined). */
  const switchedBefore = (request?: StandInRequest): number => {
    const end = request === undefined ? server.requests.length : server.requests.indexOf(request);
    return server.requests.slice(0, end).filter(switched).length;
  };

  const switchboard: StandInSwitchboard<Kind, Drift> = {
    get baseUrl() {
      return server.baseUrl;
    },
    answerFor(request) {
      if (answer === "ok" || switchedBefore(request) < passBefore) return "ok";
      if (!isApi(request)) return answer;
      if (!switched(request) || answersLeft <= 0) return "ok";
      answersLeft -= 1;
      return answer;
    },
    lacksRequiredCookie: (request) => requiredCookie !== undefined && request.cookies[requiredCookie] === undefined,
    get drift() {
      return drift;
    },
    keywords: keywords.keys,
    keywordIndex: keywords.indexOf,
    creatorIndex: creators.indexOf,
  };

  const requests: StandInRequest[] = [];
  const login = qrLoginRoutes(options.qrLogin);
  const handle: StandInHandler = async (request, response) => {
    if (await login.handle(request, response)) return;
    options.handle(request, response, switchboard);
  };
  const servers = await Promise.all(
    (options.origins ?? ["www"]).map((origin) => startStandInServer(handle, { origin, requests })),
  );
  const server: StandInServer = {
    baseUrl: (servers[0] as StandInServer).baseUrl,
    requests,
    close: async () => {
      await Promise.all(servers.map((each) => each.close()));
    },
  };
  const urls = Object.fromEntries((options.origins ?? ["www"]).map((origin, i) => [origin, servers[i]?.baseUrl ?? ""]));

  const apiRequests = (path?: string | RegExp): StandInRequest[] =>
    server.requests.filter(
      (request) =>
        isApi(request) &&
        (path === undefined || (typeof path === "string" ? request.path === path : path.test(request.path))),
    );

  const answerWith: StandIn<Kind, Drift>["answerWith"] = (kind, { afterRequests = 0, times, path } = {}) => {
    answer = kind;
    answerPath = path;
    passBefore = switchedBefore() + afterRequests;
    answersLeft = times ?? Number.POSITIVE_INFINITY;
  };

  const phone = login.phone(() => server.baseUrl);
  return {
    ...server,
    urls,
    apiRequests,
    answerWith,
    requireCookie(name) {
      requiredCookie = name;
    },
    drift(kind) {
      drift = kind;
    },
    keywordIndex: keywords.indexOf,
    creatorIndex: creators.indexOf,
    keywords: keywords.keys,
    login: phone,
    reset() {
      answerWith("ok");
      phone.reset();
      requiredCookie = undefined;
      drift = "none";
      options.onReset?.();
      server.requests.length = 0;
    },
  };
}

/** Keys numbered in the order they were first seen. */
function firstSeenOrder(): { keys: string[]; indexOf(key: string): number } {
  const keys: string[] = [];
  return {
    keys,
    indexOf(key) {
      if (!keys.includes(key)) keys.push(key);
      return keys.indexOf(key);
    },
  };
}

/** A redirect, as sites send a visitor to their login or captcha page. */
export function sendRedirect(response: ServerResponse, location: string, status: 301 | 302 | 307 = 302): void {
  response.writeHead(status, { location }).end();
}

/** The 404 page of every stand-in. */
export function sendNotFoundPage(response: ServerResponse): void {
  sendHtml(response, "<!doctype html><title>404</title>", 404);
}

/** A drifted answer: one field renamed (shape drift), e.g. the list a page reads. */
export function renamed(body: object, from: string, to: string): Record<string, unknown> {
  const { [from]: value, ...rest } = body as Record<string, unknown>;
  return { ...rest, [to]: value };
}
