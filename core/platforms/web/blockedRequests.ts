import type { CDPSession, HTTPRequest, HTTPResponse, Page } from "puppeteer-core";
import { egressProxyOf } from "../../browser/index.js";
import { EGRESS_BLOCKED_HEADER, EGRESS_ERROR_HEADER, type EgressProxy, type EgressRecord } from "../../net/index.js";

/**
 * Which of a page's requests the egress proxy refused, found by matching the page's own
 * request events with the proxy's records (by host and port, the only things a refusal
 * depends on):
 *
 * - plain HTTP: the proxy answers 403 with `x-egress-blocked`, seen as a `response`;
 * - https, ws, wss: the proxy answers the CONNECT with 403, seen as `requestfailed` (or a
 *   WebSocket error) with `net::ERR_TUNNEL_CONNECTION_FAILED`.
 *
 * A header or error alone is not trusted (a site can send any header): the proxy must
 * have a record of refusing that host and port. Requests of dedicated workers show up on
 * the page; those of service workers do not, so they are refused but not listed.
 */

/** One refused request, as stored in a result item's `blocked_requests`. */
export interface BlockedRequest {
  url: string;
  /** e.g. `resolves to 169.254.169.254 (169.254.0.0/16 link-local (cloud metadata))` */
  reason: string;
}

/** At most this many per page, so a page firing thousands of requests cannot bloat its item. */
export const MAX_BLOCKED_REQUESTS = 50;
const MAX_URL_CHARS = 1000;
/** How Chromium reports a CONNECT the proxy did not answer with 200 (requests, then WebSockets). */
const TUNNEL_FAILED = /ERR_TUNNEL_CONNECTION_FAILED|tunnel via proxy server failed/i;

/** What stopped the main navigation (or a redirect of it). */
export interface NavigationRefusal {
  /** The refused URL (the redirect target when a redirect was refused). */
  url: string;
  record: EgressRecord;
}

export class BlockedRequestWatch {
  readonly #page: Page;
  readonly #proxy: EgressProxy;
  readonly #blocked = new Map<string, BlockedRequest>();
  /** The latest main-frame navigation the proxy refused or could not carry out. */
  #navigation: NavigationRefusal | undefined;
  #session: CDPSession | undefined;
  /** Open WebSockets' URLs by CDP request id. */
  readonly #webSockets = new Map<string, string>();

  private constructor(page: Page, proxy: EgressProxy) {
    this.#page = page;
    this.#proxy = proxy;
  }

  /** Starts watching a new page; undefined when its browser has no egress proxy. */
  static attach(page: Page): BlockedRequestWatch | undefined {
    const proxy = egressProxyOf(page.browser());
    if (proxy === undefined) return undefined;
    const watch = new BlockedRequestWatch(page, proxy);
    page.on("response", watch.#onResponse);
    page.on("requestfailed", watch.#onRequestFailed);
    // WebSockets have no request events; puppeteer's own session already receives their
    // CDP events, so listening costs nothing extra. Private API: skipped if it changes.
    const client = (page as unknown as { _client?: () => CDPSession })._client?.();
    if (client !== undefined && typeof client.on === "function") {
      watch.#session = client;
      client.on("Network.webSocketCreated", watch.#onWebSocketCreated);
      client.on("Network.webSocketFrameError", watch.#onWebSocketError);
    }
    return watch;
  }

  /** The refused requests so far, in the order they were refused. */
  list(): BlockedRequest[] {
    return [...this.#blocked.values()];
  }

  /**
   * Why the page's document is not the site's: its main navigation (a redirect of it, or
   * a navigation its scripts started) was refused (`kind: "blocked"`) or could not be
   * carried out (`kind: "failed"`) by the proxy. `response` is what `page.goto` resolved
   * to (null when it threw); for plain HTTP it may be the proxy's own 403/502.
   */
  navigationRefusal(response: HTTPResponse | null): NavigationRefusal | undefined {
    const answered = response === null ? undefined : this.#proxyAnswer(response);
    return answered ?? this.#navigation;
  }

  /** Stops listening (the page is closing). */
  detach(): void {
    this.#page.off("response", this.#onResponse);
    this.#page.off("requestfailed", this.#onRequestFailed);
    this.#session?.off("Network.webSocketCreated", this.#onWebSocketCreated);
    this.#session?.off("Network.webSocketFrameError", this.#onWebSocketError);
  }

  /** The proxy's own 403/502 (its header, and its record of that host and port), or undefined. */
  #proxyAnswer(response: HTTPResponse): NavigationRefusal | undefined {
    const status = response.status();
    if (status !== 403 && status !== 502) return undefined;
    const headers = response.headers();
    if (headers[status === 403 ? EGRESS_BLOCKED_HEADER : EGRESS_ERROR_HEADER] === undefined) return undefined;
    const record = this.#proxy.recordFor(response.url());
    return record?.kind === (status === 403 ? "blocked" : "failed") ? { url: response.url(), record } : undefined;
  }

  readonly #onResponse = (response: HTTPResponse): void => {
    const answered = this.#proxyAnswer(response);
    if (answered === undefined) return;
    this.#seen(response.request(), answered);
  };

  readonly #onRequestFailed = (request: HTTPRequest): void => {
    if (!TUNNEL_FAILED.test(request.failure()?.errorText ?? "")) return;
    const record = this.#proxy.recordFor(request.url());
    if (record !== undefined) this.#seen(request, { url: request.url(), record });
  };

  #seen(request: HTTPRequest, answered: NavigationRefusal): void {
    if (answered.record.kind === "blocked") this.#add(answered.url, answered.record);
    if (request.isNavigationRequest() && request.frame() === this.#page.mainFrame()) this.#navigation = answered;
  }

  readonly #onWebSocketCreated = (event: { requestId: string; url: string }): void => {
    this.#webSockets.set(event.requestId, event.url);
  };
  readonly #onWebSocketError = (event: { requestId: string; errorMessage: string }): void => {
    const url = this.#webSockets.get(event.requestId);
    this.#webSockets.delete(event.requestId);
    if (url === undefined || !TUNNEL_FAILED.test(event.errorMessage)) return;
    const record = this.#proxy.recordFor(url);
    if (record?.kind === "blocked") this.#add(url, record);
  };

  #add(url: string, record: EgressRecord): void {
    if (this.#blocked.size >= MAX_BLOCKED_REQUESTS || this.#blocked.has(url)) return;
    this.#blocked.set(url, { url: url.slice(0, MAX_URL_CHARS), reason: describeRefusal(record) });
  }
}

/** `resolves to <address> (<range>)`, or the proxy's reason when no address was involved. */
export function describeRefusal(record: EgressRecord): string {
  return record.refusal ? `resolves to ${record.refusal.address} (${record.refusal.range})` : record.reason;
}
