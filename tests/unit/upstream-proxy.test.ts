/**
 * Upstream proxy URLs (core/net/upstreamProxy.ts) and the proxy pool (core/net/proxyPool.ts):
 * what is supported, what is refused with a message that says so, and turns.
 */
import { describe, expect, it } from "vitest";
import { parseUpstreamProxy, ProxyPool, upstreamProxyProblem, UpstreamProxyError } from "../../core/net/index.js";
import { xhsTaskInput } from "../../core/platforms/xhs/index.js";

describe("upstream proxy URLs", () => {
  it("reads host, port and credentials into a Basic Proxy-Authorization, labelled without them", () => {
    expect(parseUpstreamProxy("http://user:p%40ss@proxy.example:3128")).toEqual({
      host: "proxy.example",
      port: 3128,
      label: "proxy.example:3128",
      authorization: `Basic ${Buffer.from("user:p@ss").toString("base64")}`,
    });
    expect(parseUpstreamProxy("http://[::1]:8080/")).toEqual({ host: "::1", port: 8080, label: "[::1]:8080" });
    expect(parseUpstreamProxy("http://10.0.0.5")).toMatchObject({ port: 80, label: "10.0.0.5:80" });
  });

  it.each([
    ["socks5://user:s3cret@proxy.example:1080", "socks5 proxies are not supported; use an http:// proxy"],
    ["socks4://proxy.example:1080", "socks4 proxies are not supported"],
    ["https://proxy.example:443", "https:// proxies (TLS to the proxy) are not supported"],
    ["ftp://user:s3cret@proxy.example", "must be an http:// proxy URL"],
    ["proxy.example:3128", "must be"],
    ["http://user:s3cret@proxy.example:3128/path?x=1", "must be only scheme, credentials, host and port"],
  ])("refuses %s, saying why and never repeating it", (url, message) => {
    expect(upstreamProxyProblem(url)).toContain(message);
    expect(() => parseUpstreamProxy(url)).toThrow(UpstreamProxyError);
    expect(() => parseUpstreamProxy(url)).not.toThrow("s3cret");
    expect(() => parseUpstreamProxy(url)).not.toThrow("proxy.example");
  });

  it("is what a media task's `proxy` is checked with: socks5 is a 400 naming the field", () => {
    const base = { platform: "xhs", crawler_type: "search", keywords: "coffee" };
    expect(xhsTaskInput.safeParse({ ...base, proxy: "http://u:p@127.0.0.1:3128" }).success).toBe(true);
    const refused = xhsTaskInput.safeParse({ ...base, proxy: "socks5://u:p@127.0.0.1:1080" });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ["proxy"],
      message: expect.stringContaining("socks5 proxies are not supported"),
    });
  });
});

describe("ProxyPool", () => {
  it("hands out PROXY_POOL's entries in turn, starting where it is told", () => {
    const pool = new ProxyPool(["http://a:1", "http://b:2", "http://c:3"], 1);
    expect([pool.next(), pool.next(), pool.next(), pool.next()]).toEqual([
      "http://b:2",
      "http://c:3",
      "http://a:1",
      "http://b:2",
    ]);
  });

  it("leaves out unusable entries, naming them by position only", () => {
    const warnings: string[] = [];
    const pool = ProxyPool.fromEnv((message) => warnings.push(message), {
      PROXY_POOL: " http://u:p@a:1 , socks5://u:secret@b:2,,http://c:3 ",
    });
    expect(pool.size).toBe(2);
    expect(new Set([pool.next(), pool.next(), pool.next()])).toEqual(new Set(["http://u:p@a:1", "http://c:3"]));
    expect(warnings).toEqual([
      "PROXY_POOL entry 2 is left out: socks5 proxies are not supported; use an http:// proxy (https sites go through it with CONNECT)",
    ]);
  });

  it("is empty without PROXY_POOL", () => {
    expect(ProxyPool.fromEnv(undefined, {}).next()).toBeUndefined();
  });
});
