import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { LookupAddress } from "node:dns";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { resolveEgressPolicy, type EgressPolicy, type ResolvedEgressPolicy } from "./addressPolicy.js";
import { BlockedTargetError } from "./errors.js";
import { EgressRecords, recordKey, type EgressRecord } from "./egressRecords.js";
import { bareHost } from "./hosts.js";
import {
  answerHttp,
  answerTunnel,
  connectTimeout,
  endToEndHeaders,
  endToEndRawHeaders,
  errorText,
} from "./proxyWire.js";
import {
  cachingResolveHost,
  pinnedLookup,
  resolveTarget,
  systemResolveHost,
  type ResolveHost,
} from "./resolveTarget.js";
import { connectDirect, connectThroughUpstream } from "./tunnels.js";
import { parseUpstreamProxy, upstreamHeaders, UpstreamProxyError, type UpstreamProxy } from "./upstreamProxy.js";

export { EGRESS_BLOCKED_HEADER, EGRESS_ERROR_HEADER } from "./proxyWire.js";

/** Options of {@link EgressProxy.start}. */
export interface EgressProxyOptions {
  /** Who may be connected to. @default {} (public addresses; private too with env ALLOW_PRIVATE_TARGETS=1) */
  policy?: EgressPolicy;
  /** How long a refusal stays in {@link EgressProxy.recordFor} for pages to find. @default 120_000 */
  recordTtlMs?: number;
  /** Most refusals remembered (oldest dropped first). @default 2_000 */
  maxRecords?: number;
  /** How long connecting to an allowed target may take. @default 30_000 */
  connectTimeoutMs?: number;
  /** How host names are resolved (tests map names to addresses). @default dns.lookup, all addresses */
  resolveHost?: ResolveHost;
  /**
   * How long a name's addresses are reused, as Chromium's host cache does when it resolves
   * names itself (without it every request costs a DNS query). 0 resolves every time.
   * @default 30_000
   */
  dnsCacheTtlMs?: number;
  /** Where refusals are logged; one call per refused request, so keep it at debug level. @default none */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export const egressProxyDefaults = {
  recordTtlMs: 120_000,
  maxRecords: 2_000,
  connectTimeoutMs: 30_000,
  resolveHost: systemResolveHost,
  dnsCacheTtlMs: 30_000,
  log: () => undefined,
} as const satisfies Omit<Required<EgressProxyOptions>, "policy">;

/** How many requests went through, for tests and throughput checks. */
export interface EgressStats {
  requests: number;
  tunnels: number;
  blocked: number;
  failed: number;
}

/** A listener of the proxy that sends what it accepts through one upstream proxy (see {@link EgressProxy.openRoute}). */
export interface EgressRoute {
  /** `http://127.0.0.1:<port>`, for a browser context's `proxyServer`. */
  readonly url: string;
  /** Stops listening and cuts its connections. Idempotent. */
  close(): Promise<void>;
}

/** One listener and where its requests go. */
interface Route {
  server: Server;
  url: string;
  /** Undefined: straight to the targets. */
  upstream: UpstreamProxy | undefined;
  /** The URL `upstream` came from, to tell a change from a repeat. */
  upstreamUrl: string | undefined;
  /** Open CONNECT tunnels, both sides: cut when the route closes or changes its upstream. */
  tunnels: Set<Duplex>;
}

/**
 * The browser's only way out: an HTTP proxy on 127.0.0.1 that Chromium sends every
 * request to (plain HTTP as absolute-URI requests, https and ws/wss as CONNECT tunnels).
 * For each it resolves the host once, checks every address against the policy, and
 * connects to exactly those addresses — so a DNS answer that changes between check and
 * connect (rebinding) cannot matter. A refused target is answered 403 before any
 * connection is attempted and remembered ({@link recordFor}) so the crawl can report it.
 *
 * Upstream proxies (a task's `proxy`): after the target passed the same check, the
 * request goes through the upstream instead of straight to the target — CONNECT for
 * tunnels, absolute-form for plain HTTP, `Proxy-Authorization` from the proxy URL. The
 * upstream's own address must pass the policy too (a private one only with
 * `allowPrivate` or `allowTargets`). Limits: the upstream resolves the target's name
 * itself, so the check here is on what the name resolves to from this machine (the
 * upstream cannot reach this network's private addresses anyway: it is elsewhere);
 * http:// upstreams only (see upstreamProxy.ts). Two ways to use one:
 * - {@link setUpstream}: the main listener's upstream, for a browser whose tasks take
 *   turns (single-process Chromium): set for a task, unset when it ends;
 * - {@link openRoute}: a listener of its own, for a browser context with its own
 *   `proxyServer` while other contexts run beside it.
 *
 * Whoever starts the proxy closes it (core/browser closes it with its browser).
 *
 * @example
 * const proxy = await EgressProxy.start({ policy: { allowPrivate: false } });
 * try { launch Chromium with `--proxy-server=${proxy.url}` } finally { await proxy.close(); }
 */
export class EgressProxy {
  readonly #policy: ResolvedEgressPolicy;
  readonly #settings: Omit<Required<EgressProxyOptions>, "policy">;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" });
  readonly #records: EgressRecords;
  readonly #resolveHost: ResolveHost;
  readonly #routes = new Set<Route>();
  #main!: Route;
  readonly stats: EgressStats = { requests: 0, tunnels: 0, blocked: 0, failed: 0 };
  #closing: Promise<void> | undefined;

  private constructor(options: EgressProxyOptions) {
    this.#settings = { ...egressProxyDefaults, ...options };
    this.#policy = resolveEgressPolicy(options.policy);
    this.#records = new EgressRecords(this.#settings.maxRecords, this.#settings.recordTtlMs);
    const { resolveHost, dnsCacheTtlMs } = this.#settings;
    this.#resolveHost = dnsCacheTtlMs > 0 ? cachingResolveHost(resolveHost, dnsCacheTtlMs) : resolveHost;
  }

  /** Starts a proxy on a free port of 127.0.0.1. */
  static async start(options: EgressProxyOptions = {}): Promise<EgressProxy> {
    const proxy = new EgressProxy(options);
    proxy.#main = await proxy.#listen(undefined, undefined);
    return proxy;
  }

  /**
   * The policy this proxy enforces and the resolver it checks with, for requests the crawl
   * makes outside the browser (web pages read over HTTP), so they pass the same checks.
   */
  get egress(): { policy: ResolvedEgressPolicy; resolveHost: ResolveHost } {
    return { policy: this.#policy, resolveHost: this.#resolveHost };
  }

  /** `http://127.0.0.1:<port>`, for `--proxy-server`. */
  get url(): string {
    return this.#main.url;
  }

  /** `host:port` of the main listener's upstream proxy (never its credentials); undefined when it connects directly. */
  get upstream(): string | undefined {
    return this.#main.upstream?.label;
  }

  /**
   * Sends the main listener's requests through the upstream proxy at `proxyUrl` from now
   * on (undefined: straight to the targets again). On a change every open connection of
   * the main listener is cut, so nothing opened the old way serves the next request; set
   * it only while no request is under way (between tasks).
   * @throws {UpstreamProxyError} for a URL that is not a usable http:// proxy.
   */
  setUpstream(proxyUrl: string | undefined): void {
    const route = this.#main;
    if (proxyUrl === route.upstreamUrl) return;
    route.upstream = proxyUrl === undefined ? undefined : parseUpstreamProxy(proxyUrl);
    route.upstreamUrl = proxyUrl;
    route.server.closeAllConnections();
    for (const socket of route.tunnels) socket.destroy();
  }

  /**
   * A listener of its own whose requests go through `proxyUrl`, under the same policy,
   * records and stats. The caller closes it (closing the proxy closes it too).
   * @throws {UpstreamProxyError} for a URL that is not a usable http:// proxy.
   */
  async openRoute(proxyUrl: string): Promise<EgressRoute> {
    const upstream = parseUpstreamProxy(proxyUrl);
    if (this.#closing) throw new Error("EgressProxy is closed");
    const route = await this.#listen(upstream, proxyUrl);
    if (this.#closing) {
      await this.#closeRoute(route);
      throw new Error("EgressProxy is closed");
    }
    let closing: Promise<void> | undefined;
    return { url: route.url, close: () => (closing ??= this.#closeRoute(route)) };
  }

  /**
   * The latest refusal or failure, within `recordTtlMs`, for the host and port `url`
   * points at (http/ws default to 80, https/wss to 443). Pages call it for their requests
   * that came back as 403 or failed with ERR_TUNNEL_CONNECTION_FAILED.
   */
  recordFor(url: string): EgressRecord | undefined {
    return this.#records.find(url);
  }

  /** Every remembered refusal and failure, oldest first. */
  records(): EgressRecord[] {
    return this.#records.all();
  }

  /** Stops listening and cuts every open connection and tunnel. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#routes].map((route) => this.#closeRoute(route))).then(() =>
      this.#agent.destroy(),
    );
    return this.#closing;
  }

  async #listen(upstream: UpstreamProxy | undefined, upstreamUrl: string | undefined): Promise<Route> {
    const server = createServer({ requireHostHeader: false, keepAliveTimeout: 60_000 });
    const route: Route = { server, url: "", upstream, upstreamUrl, tunnels: new Set() };
    server.on("request", (request, response) => void this.#onRequest(request, response, route));
    server.on("connect", (request, socket, head) => void this.#onConnect(request, socket, head, route));
    server.on("clientError", (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    route.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#routes.add(route);
    return route;
  }

  #closeRoute(route: Route): Promise<void> {
    this.#routes.delete(route);
    return new Promise<void>((resolve) => {
      route.server.close(() => resolve());
      route.server.closeAllConnections();
      for (const socket of route.tunnels) socket.destroy();
    });
  }

  /** Plain HTTP: `GET http://host:port/path HTTP/1.1`. */
  async #onRequest(request: IncomingMessage, response: ServerResponse, route: Route): Promise<void> {
    this.stats.requests += 1;
    const upstream = route.upstream;
    let url: URL;
    try {
      url = new URL(request.url ?? "");
    } catch {
      return void response
        .writeHead(400, { "content-type": "text/plain" })
        .end("egress proxy: absolute http:// URL required\n");
    }
    const port = url.port === "" ? 80 : Number(url.port);
    let addresses: LookupAddress[];
    try {
      if (url.protocol !== "http:")
        throw new BlockedTargetError(url.href, { reason: `scheme ${url.protocol} is not allowed` });
      addresses = await resolveTarget(url.hostname, port, this.#policy, this.#resolveHost, url.href);
      // Through an upstream, the connection goes to the upstream's checked addresses instead.
      if (upstream !== undefined) addresses = await this.#resolveUpstream(upstream);
    } catch (error) {
      return answerHttp(response, this.#turnDown(url.href, url.hostname, port, error, false, upstream));
    }
    if (response.destroyed) return;

    const headers = { ...endToEndHeaders(request.headers), ...(upstream ? upstreamHeaders(upstream) : {}) };
    const outgoing = httpRequest({
      ...(upstream === undefined
        ? { host: bareHost(url.hostname), port, path: `${url.pathname}${url.search}` }
        : { host: upstream.host, port: upstream.port, path: url.href }),
      method: request.method,
      headers,
      setHost: false,
      agent: this.#agent,
      lookup: pinnedLookup(addresses),
    });
    this.#limitConnect(outgoing);
    outgoing.on("response", (answer) => {
      // The upstream's 407 is not for the browser (it would ask its proxy, us, for credentials).
      if (upstream !== undefined && answer.statusCode === 407) {
        answer.resume();
        const refused = new UpstreamProxyError(
          `upstream proxy ${upstream.label} answered 407 (proxy credentials refused)`,
        );
        return answerHttp(response, this.#turnDown(url.href, url.hostname, port, refused, true, upstream));
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndRawHeaders(answer.rawHeaders));
      answer.pipe(response);
      answer.on("error", () => response.destroy());
    });
    outgoing.on("error", (error) => {
      if (response.headersSent) return void response.destroy();
      answerHttp(response, this.#turnDown(url.href, url.hostname, port, error, true, upstream));
    });
    // The browser gave up (page closed, timeout): stop talking to the server too.
    response.on("close", () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    request.pipe(outgoing);
  }

  /** https, ws and wss: `CONNECT host:port HTTP/1.1`, then raw bytes both ways. */
  async #onConnect(request: IncomingMessage, client: Duplex, head: Buffer, route: Route): Promise<void> {
    this.stats.tunnels += 1;
    const upstream = route.upstream;
    client.on("error", () => undefined);
    route.tunnels.add(client);
    client.once("close", () => route.tunnels.delete(client));
    const authority = request.url ?? "";
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535)
      return void client.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    const host = (match[1] ?? "").toLowerCase();
    let addresses: LookupAddress[];
    try {
      addresses = await resolveTarget(host, port, this.#policy, this.#resolveHost, authority);
    } catch (error) {
      return answerTunnel(client, this.#turnDown(authority, host, port, error, false, upstream));
    }
    if (client.destroyed) return;

    // Until the tunnel is open, a closing client cancels it; the sockets are cut with the route.
    const track = (socket: Socket) => {
      route.tunnels.add(socket);
      socket.once("close", () => route.tunnels.delete(socket));
      client.once("close", () => socket.destroy());
    };
    let tunnel: Socket;
    try {
      tunnel =
        upstream === undefined
          ? await connectDirect(host, port, addresses, this.#settings.connectTimeoutMs, track)
          : await connectThroughUpstream(
              upstream,
              await this.#resolveUpstream(upstream),
              authority,
              this.#settings.connectTimeoutMs,
              track,
            );
    } catch (error) {
      if (!client.destroyed) answerTunnel(client, this.#turnDown(authority, host, port, error, true, upstream));
      return;
    }
    if (client.destroyed) return void tunnel.destroy();
    tunnel.on("error", () => undefined);
    tunnel.once("close", () => client.destroy());
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) tunnel.write(head);
    tunnel.pipe(client);
    client.pipe(tunnel);
  }

  /** The upstream proxy's addresses, checked against the policy like any target's. */
  #resolveUpstream(upstream: UpstreamProxy): Promise<LookupAddress[]> {
    return resolveTarget(
      upstream.host,
      upstream.port,
      this.#policy,
      this.#resolveHost,
      `upstream proxy ${upstream.label}`,
    );
  }

  /**
   * Records why a target was not served: `blocked` for a policy refusal (nothing was
   * connected), `failed` for DNS or connection errors of an allowed target (or of the
   * upstream proxy it was sent through: `via`).
   */
  #turnDown(
    target: string,
    host: string,
    port: number,
    error: unknown,
    connectAttempted: boolean,
    upstream?: UpstreamProxy,
  ): EgressRecord["kind"] {
    const blocked = error instanceof BlockedTargetError;
    const text = errorText(error);
    const reason =
      upstream === undefined || text.includes("upstream proxy")
        ? text
        : `via upstream proxy ${upstream.label}: ${text}`;
    this.stats[blocked ? "blocked" : "failed"] += 1;
    this.#records.add({
      kind: blocked ? "blocked" : "failed",
      target,
      key: recordKey(host, port),
      reason,
      connectAttempted: blocked ? false : connectAttempted,
      at: Date.now(),
      ...(blocked && error.refusal ? { refusal: error.refusal } : {}),
      ...(upstream !== undefined ? { via: upstream.label } : {}),
    });
    if (blocked) this.#settings.log("egress refused", { target, reason });
    return blocked ? "blocked" : "failed";
  }

  /** A connect that hangs (a black-holed address) fails after `connectTimeoutMs` instead of the OS's minutes. */
  #limitConnect(outgoing: ReturnType<typeof httpRequest>): void {
    outgoing.once("socket", (socket: Socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => outgoing.destroy(connectTimeout()), this.#settings.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
  }
}
