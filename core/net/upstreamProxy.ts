/**
 * An upstream HTTP proxy the egress proxy chains through (a task's `proxy`, or one of
 * PROXY_POOL): https and ws(s) targets as `CONNECT host:port`, plain http as absolute-form
 * requests, with `Proxy-Authorization: Basic …` from the URL's user:pass.
 *
 * Supported: `http://[user:pass@]host[:port]`. Not supported, and refused with a message
 * that says so: `socks5://` / `socks4://` (another protocol) and `https://` (TLS to the
 * proxy itself).
 */
import { bareHost } from "./hosts.js";

export interface UpstreamProxy {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** `Basic <base64(user:pass)>` when the URL carries credentials. */
  authorization?: string;
  /** `host:port`: how the proxy is named in records and logs, never with its credentials. */
  label: string;
}

/** A proxy URL that cannot be used, or an upstream proxy that did not open the way. The message never has credentials. */
export class UpstreamProxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UpstreamProxyError";
  }
}

/**
 * Why `url` cannot be an upstream proxy, or undefined when it can. For task validation:
 * the message names no part of the URL.
 */
export function upstreamProxyProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be a proxy URL like http://user:pass@host:port";
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme.startsWith("socks"))
    return `${scheme} proxies are not supported; use an http:// proxy (https sites go through it with CONNECT)`;
  if (scheme === "https") return "https:// proxies (TLS to the proxy) are not supported; use an http:// proxy";
  if (scheme !== "http") return "must be an http:// proxy URL like http://user:pass@host:port";
  if (parsed.hostname === "") return "must name the proxy's host";
  if ((parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search !== "" || parsed.hash !== "")
    return "must be only scheme, credentials, host and port";
  return undefined;
}

/**
 * Parses an upstream proxy URL.
 * @throws {UpstreamProxyError} with {@link upstreamProxyProblem}'s message.
 */
export function parseUpstreamProxy(url: string): UpstreamProxy {
  const problem = upstreamProxyProblem(url);
  if (problem !== undefined) throw new UpstreamProxyError(`proxy: ${problem}`);
  const parsed = new URL(url);
  const host = bareHost(parsed.hostname);
  const port = parsed.port === "" ? 80 : Number(parsed.port);
  const label = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (parsed.username === "" && parsed.password === "") return { host, port, label };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  return { host, port, label, authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` };
}

/** Headers an absolute-form request to the upstream adds (its credentials). */
export function upstreamHeaders(upstream: UpstreamProxy): Record<string, string> {
  return upstream.authorization === undefined ? {} : { "proxy-authorization": upstream.authorization };
}
