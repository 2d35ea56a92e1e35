/**
 * A GET outside the browser under the same egress policy as the browser's egress proxy:
 * every hop's host is resolved once and each of its addresses checked
 * ({@link assertPublicTarget}), the connection goes to exactly those addresses (DNS
 * rebinding cannot switch it), redirects are followed by hand so each new target is checked
 * before anything is sent to it, and the body is cut at a size limit. For crawls that need
 * no browser (web tasks with `render: "never"` or `"auto"`), robots.txt and sitemaps.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";
import { resolveEgressPolicy } from "./addressPolicy.js";
import { bareHost, portOfUrl } from "./hosts.js";
import { connectThroughUpstream } from "./tunnels.js";
import { upstreamHeaders, type UpstreamProxy } from "./upstreamProxy.js";
import { createGunzip, createInflate, createBrotliDecompress } from "node:zlib";
import type { Readable } from "node:stream";
import type { EgressPolicy, ResolvedEgressPolicy } from "./addressPolicy.js";
import { assertPublicTarget, isResolved, pinnedLookup, resolveTarget, type ResolveHost } from "./resolveTarget.js";

export interface SafeFetchOptions {
  /** Which addresses may be reached (a browser's: EgressProxy.egress). @default env ALLOW_PRIVATE_TARGETS */
  policy?: EgressPolicy | ResolvedEgressPolicy;
  resolveHost?: ResolveHost;
  /** The whole fetch, redirects included. */
  timeoutMs: number;
  /** Longest body read; the rest is dropped and `truncated` set. */
  maxBytes: number;
  /** @default 10 */
  maxRedirects?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Send every hop through this upstream proxy, as the egress proxy does for a browser
   * (https: CONNECT, http: absolute-form): each hop's target is still checked against the
   * policy first, and the upstream's own address too.
   */
  upstream?: UpstreamProxy;
}

export interface SafeFetchResult {
  /** Where the last hop was (after redirects). */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The decoded body (gzip, deflate, br), at most `maxBytes`. */
  body: Buffer;
  truncated: boolean;
  /** Every URL fetched, the first included. */
  hops: string[];
}

/** A fetch that ran out of time (the whole of it, redirects included). */
export class FetchTimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = "FetchTimeoutError";
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * @throws {BlockedTargetError} when a hop's address is refused (nothing was sent to it);
 * {@link FetchTimeoutError}; network errors as they are.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new FetchTimeoutError(options.timeoutMs)), options.timeoutMs);
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const hops: string[] = [];
  try {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      hops.push(current);
      const target = await raceAbort(
        assertPublicTarget(current, {
          ...(options.policy ? { policy: options.policy } : {}),
          ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
        }),
        abort.signal,
      );
      const response =
        options.upstream === undefined
          ? await get(current, target.addresses, options.headers ?? {}, abort.signal)
          : await getThrough(options.upstream, current, options, abort.signal);
      const location = response.headers.location;
      if (
        REDIRECTS.has(response.statusCode ?? 0) &&
        typeof location === "string" &&
        redirects < (options.maxRedirects ?? 10)
      ) {
        response.resume();
        current = new URL(location, current).href;
        continue;
      }
      const { body, truncated } = await readBody(response, options.maxBytes, abort.signal);
      return { url: current, status: response.statusCode ?? 0, headers: response.headers, body, truncated, hops };
    }
  } catch (error) {
    if (abort.signal.aborted) throw abort.signal.reason instanceof Error ? abort.signal.reason : error;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function get(
  url: string,
  addresses: Parameters<typeof pinnedLookup>[0],
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        lookup: pinnedLookup(addresses),
        headers: { "accept-encoding": "gzip, deflate, br", ...headers },
        signal,
      },
      resolve,
    );
    req.on("error", reject);
    req.end();
  });
}

/** One GET through `upstream`, connecting only to the upstream's checked addresses. */
async function getThrough(
  upstream: UpstreamProxy,
  url: string,
  options: SafeFetchOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const policy = isResolved(options.policy) ? options.policy : resolveEgressPolicy(options.policy);
  const addresses = await resolveTarget(
    upstream.host,
    upstream.port,
    policy,
    options.resolveHost,
    `upstream proxy ${upstream.label}`,
  );
  const target = new URL(url);
  const headers = { "accept-encoding": "gzip, deflate, br", ...(options.headers ?? {}) };
  if (target.protocol === "http:") {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: upstream.host,
          port: upstream.port,
          path: target.href,
          method: "GET",
          lookup: pinnedLookup(addresses),
          headers: { ...headers, host: target.host, ...upstreamHeaders(upstream) },
          signal,
        },
        resolve,
      );
      req.on("error", reject);
      req.end();
    });
  }
  const host = bareHost(target.hostname);
  const authority = `${target.hostname}:${portOfUrl(target) ?? 443}`;
  const tunnel = await connectThroughUpstream(upstream, addresses, authority, options.timeoutMs, (socket) =>
    signal.addEventListener("abort", () => socket.destroy(), { once: true }),
  );
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: "GET",
        headers,
        signal,
        agent: false,
        createConnection: () => tlsConnect({ socket: tunnel, servername: host }),
      },
      resolve,
    );
    req.on("error", reject);
    req.end();
  });
}

async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ body: Buffer; truncated: boolean }> {
  const encoding = String(response.headers["content-encoding"] ?? "").toLowerCase();
  const stream: Readable =
    encoding === "gzip"
      ? response.pipe(createGunzip())
      : encoding === "deflate"
        ? response.pipe(createInflate())
        : encoding === "br"
          ? response.pipe(createBrotliDecompress())
          : response;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream) {
      signal.throwIfAborted();
      const buffer = chunk as Buffer;
      if (size + buffer.length > maxBytes) {
        chunks.push(buffer.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } finally {
    if (truncated) response.destroy();
  }
  return { body: Buffer.concat(chunks), truncated };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
