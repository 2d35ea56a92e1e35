import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { LookupAddress } from "node:dns";
import { connect, type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { resolveEgressPolicy, type EgressPolicy, type ResolvedEgressPolicy } from "./addressPolicy.js";
import { BlockedTargetError } from "./errors.js";
import { EgressRecords, recordKey, type EgressRecord } from "./egressRecords.js";
import { cachingResolveHost, pinnedLookup, resolveTarget, systemResolveHost, type ResolveHost } from "./resolveTarget.js";

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

/** Marks the proxy's own 403 (refused by the policy); a fixed value, the reason is in the records. */
export const EGRESS_BLOCKED_HEADER = "x-egress-blocked";
/** Marks the proxy's own 502 (allowed, but not resolvable or reachable); a fixed value too. */
export const EGRESS_ERROR_HEADER = "x-egress-error";

/** Headers that belong to one hop (client↔proxy or proxy↔server), never forwarded. */
const HOP_BY_HOP = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"]);

/** How many requests went through, for tests and throughput checks. */
export interface EgressStats {
  requests: number;
  tunnels: number;
  blocked: number;
  failed: number;
}

/**
 * The browser's only way out: an HTTP proxy on 127.0.0.1 that Chromium sends every
 * request to (plain HTTP as absolute-URI requests, https and ws/wss as CONNECT tunnels).
 * For each it resolves the host once, checks every address against the policy, and
 * connects to exactly those addresses — so a DNS answer that changes between check and
 * connect (rebinding) cannot matter. A refused target is answered 403 before any
 * connection is attempted and remembered ({@link recordFor}) so the crawl can report it.
 *
 * Whoever starts the proxy closes it (core/browser closes it with its browser).
 *
 * @example
 * const proxy = await EgressProxy.start({ policy: { allowPrivate: false } });
 * try { launch Chromium with `--proxy-server=${proxy.url}` } finally { await proxy.close(); }
 */
export class EgressProxy {
  readonly #server: Server;
  readonly #policy: ResolvedEgressPolicy;
  readonly #settings: Omit<Required<EgressProxyOptions>, "policy">;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" });
  readonly #records: EgressRecords;
  readonly #resolveHost: ResolveHost;
  readonly #tunnels = new Set<Duplex>();
  readonly stats: EgressStats = { requests: 0, tunnels: 0, blocked: 0, failed: 0 };
  #closing: Promise<void> | undefined;
  #url = "";

  private constructor(server: Server, options: EgressProxyOptions) {
    this.#server = server;
    this.#settings = { ...egressProxyDefaults, ...options };
    this.#policy = resolveEgressPolicy(options.policy);
    this.#records = new EgressRecords(this.#settings.maxRecords, this.#settings.recordTtlMs);
    const { resolveHost, dnsCacheTtlMs } = this.#settings;
    this.#resolveHost = dnsCacheTtlMs > 0 ? cachingResolveHost(resolveHost, dnsCacheTtlMs) : resolveHost;
  }

  /** Starts a proxy on a free port of 127.0.0.1. */
  static async start(options: EgressProxyOptions = {}): Promise<EgressProxy> {
    const server = createServer({ requireHostHeader: false, keepAliveTimeout: 60_000 });
    const proxy = new EgressProxy(server, options);
    server.on("request", (request, response) => void proxy.#onRequest(request, response));
    server.on("connect", (request, socket, head) => void proxy.#onConnect(request, socket, head));
    server.on("clientError", (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    proxy.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** `http://127.0.0.1:<port>`, for `--proxy-server`. */
  get url(): string {
    return this.#url;
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
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
      for (const socket of this.#tunnels) socket.destroy();
      this.#agent.destroy();
    });
    return this.#closing;
  }

  /** Plain HTTP: `GET http://host:port/path HTTP/1.1`. */
  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.stats.requests += 1;
    let url: URL;
    try {
      url = new URL(request.url ?? "");
    } catch {
      return void response.writeHead(400, { "content-type": "text/plain" }).end("egress proxy: absolute http:// URL required\n");
    }
    const port = url.port === "" ? 80 : Number(url.port);
    let addresses: LookupAddress[];
    try {
      if (url.protocol !== "http:") throw new BlockedTargetError(url.href, { reason: `scheme ${url.protocol} is not allowed` });
      addresses = await resolveTarget(url.hostname, port, this.#policy, this.#resolveHost, url.href);
    } catch (error) {
      return answerHttp(response, this.#turnDown(url.href, url.hostname, port, error, false));
    }
    if (response.destroyed) return;

    const upstream = httpRequest({
      host: bareHost(url.hostname),
      port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: endToEndHeaders(request.headers),
      setHost: false,
      agent: this.#agent,
      lookup: pinnedLookup(addresses),
    });
    this.#limitConnect(upstream);
    upstream.on("response", (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndRawHeaders(answer.rawHeaders));
      answer.pipe(response);
      answer.on("error", () => response.destroy());
    });
    upstream.on("error", (error) => {
      if (response.headersSent) return void response.destroy();
      answerHttp(response, this.#turnDown(url.href, url.hostname, port, error, true));
    });
    // The browser gave up (page closed, timeout): stop talking to the server too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }

  /** https, ws and wss: `CONNECT host:port HTTP/1.1`, then raw bytes both ways. */
  async #onConnect(request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    this.stats.tunnels += 1;
    client.on("error", () => undefined);
    this.#tunnels.add(client);
    client.once("close", () => this.#tunnels.delete(client));
    const authority = request.url ?? "";
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) return void client.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    const host = (match[1] ?? "").toLowerCase();
    let addresses: LookupAddress[];
    try {
      addresses = await resolveTarget(host, port, this.#policy, this.#resolveHost, authority);
    } catch (error) {
      return answerTunnel(client, this.#turnDown(authority, host, port, error, false));
    }
    if (client.destroyed) return;

    const upstream = connect({ host: bareHost(host), port, lookup: pinnedLookup(addresses), autoSelectFamily: true });
    this.#tunnels.add(upstream);
    upstream.once("close", () => {
      this.#tunnels.delete(upstream);
      client.destroy();
    });
    client.once("close", () => upstream.destroy());
    let connected = false;
    const timer = setTimeout(() => upstream.destroy(connectTimeout()), this.#settings.connectTimeoutMs);
    upstream.once("connect", () => {
      connected = true;
      clearTimeout(timer);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", (error) => {
      clearTimeout(timer);
      if (!connected) answerTunnel(client, this.#turnDown(authority, host, port, error, true));
    });
  }

  /**
   * Records why a target was not served: `blocked` for a policy refusal (nothing was
   * connected), `failed` for DNS or connection errors of an allowed target.
   */
  #turnDown(target: string, host: string, port: number, error: unknown, connectAttempted: boolean): EgressRecord["kind"] {
    const blocked = error instanceof BlockedTargetError;
    const reason = blocked ? error.message : errorText(error);
    this.stats[blocked ? "blocked" : "failed"] += 1;
    this.#records.add({
      kind: blocked ? "blocked" : "failed",
      target,
      key: recordKey(host, port),
      reason,
      connectAttempted: blocked ? false : connectAttempted,
      at: Date.now(),
      ...(blocked && error.refusal ? { refusal: error.refusal } : {}),
    });
    if (blocked) this.#settings.log("egress refused", { target, reason });
    return blocked ? "blocked" : "failed";
  }

  /** A connect that hangs (a black-holed address) fails after `connectTimeoutMs` instead of the OS's minutes. */
  #limitConnect(upstream: ReturnType<typeof httpRequest>): void {
    upstream.once("socket", (socket: Socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => upstream.destroy(connectTimeout()), this.#settings.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
  }
}

/**
 * What the browser — and so the page's own scripts — is told: a status and a fixed word,
 * never the resolved address or the network error (a page could read them and learn about
 * the network it runs in). The details stay in the proxy's records.
 */
const ANSWERS = {
  blocked: { status: 403, statusText: "Forbidden", header: EGRESS_BLOCKED_HEADER, value: "refused by egress policy" },
  failed: { status: 502, statusText: "Bad Gateway", header: EGRESS_ERROR_HEADER, value: "target unreachable" },
} as const;

function answerHttp(response: ServerResponse, kind: EgressRecord["kind"]): void {
  const answer = ANSWERS[kind];
  response.writeHead(answer.status, { "content-type": "text/plain", "cache-control": "no-store", [answer.header]: answer.value });
  response.end(`egress proxy: ${answer.value}\n`);
}

function answerTunnel(client: Duplex, kind: EgressRecord["kind"]): void {
  const answer = ANSWERS[kind];
  client.end(`HTTP/1.1 ${answer.status} ${answer.statusText}\r\n${answer.header}: ${answer.value}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}

function connectTimeout(): Error {
  return Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" });
}

function endToEndHeaders(headers: IncomingMessage["headers"]): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

function endToEndRawHeaders(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (!HOP_BY_HOP.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? "");
  }
  return kept;
}

function errorText(error: unknown): string {
  if (error instanceof BlockedTargetError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
