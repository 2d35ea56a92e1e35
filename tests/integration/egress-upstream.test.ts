/**
 * Upstream proxy chaining in the egress proxy: a task's proxy carries its requests (CONNECT
 * and absolute-form, with credentials) after the same address check, in real Chromium —
 * a page fetched with the task's proxy goes through it, one without does not.
 */
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WarmBrowser, egressProxyOf } from "../../core/browser/index.js";
import { EgressProxy, UpstreamProxyError } from "../../core/net/index.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { startUpstreamProxy, type UpstreamProxyStandIn } from "../support/upstreamProxy.js";

let site: TestSite;
let upstream: UpstreamProxyStandIn;

beforeAll(async () => {
  [site, upstream] = await Promise.all([
    startTestSite(),
    startUpstreamProxy({ username: "proxy-user", password: "s3cret-pass" }),
  ]);
});

afterAll(async () => {
  await Promise.all([site?.close(), upstream?.close()]);
});

const port = (url: string) => Number(new URL(url).port);
const siteAuthority = () => `127.0.0.1:${port(site.origin)}`;

/** Sends CONNECT through `proxyUrl`; resolves with the answer's status and the open socket. */
function tunnel(proxyUrl: string, authority: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port(proxyUrl), "127.0.0.1", () =>
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`),
    );
    socket.once("error", reject);
    socket.once("data", (chunk: Buffer) =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1]), socket }),
    );
  });
}

/** A plain-HTTP GET of `url` through `proxyUrl` (absolute form, as Chromium sends it). */
function getVia(proxyUrl: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port: port(proxyUrl), path: url, headers: { host: new URL(url).host } },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

describe("EgressProxy with an upstream", () => {
  it("tunnels CONNECT through the upstream with its credentials, and the tunnel carries the site", async () => {
    const egress = await EgressProxy.start({ policy: { allowPrivate: true } });
    const route = await egress.openRoute(upstream.url);
    try {
      const before = upstream.forwarded.length;
      const { status, socket } = await tunnel(route.url, siteAuthority());
      expect(status).toBe(200);
      const answer = await new Promise<string>((resolve) => {
        let text = "";
        socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
        socket.on("end", () => resolve(text));
        socket.write(`GET /about HTTP/1.1\r\nHost: ${siteAuthority()}\r\nConnection: close\r\n\r\n`);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain("About us");
      expect(upstream.forwarded.slice(before)).toEqual([`CONNECT ${siteAuthority()}`]);

      // Plain HTTP goes through it in absolute form.
      expect((await getVia(route.url, site.urlFor("/about"))).status).toBe(200);
      expect(upstream.forwarded.at(-1)).toBe(site.urlFor("/about"));
      // The main listener is untouched by a route: straight to the site.
      const count = upstream.forwarded.length;
      expect((await getVia(egress.url, site.urlFor("/about"))).status).toBe(200);
      expect(upstream.forwarded.length).toBe(count);
    } finally {
      await route.close();
      await egress.close();
    }
  });

  it("answers 502 when the upstream refuses the credentials, recording why without them", async () => {
    const egress = await EgressProxy.start({ policy: { allowPrivate: true } });
    try {
      egress.setUpstream(upstream.url.replace("s3cret-pass", "wrong-pass"));
      expect(egress.upstream).toBe(`127.0.0.1:${port(upstream.url)}`);
      const via = `127.0.0.1:${port(upstream.url)}`;
      expect((await tunnel(egress.url, siteAuthority())).status).toBe(502);
      const tunnelRecord = egress.recordFor(site.url);
      expect(tunnelRecord).toMatchObject({
        kind: "failed",
        via,
        reason: `upstream proxy ${via} answered CONNECT ${siteAuthority()} with 407 (proxy credentials refused)`,
      });
      // The browser never sees the upstream's 407 (it would ask us for credentials): a 502.
      expect((await getVia(egress.url, site.urlFor("/"))).status).toBe(502);
      expect(egress.recordFor(site.url)).toMatchObject({
        kind: "failed",
        via,
        reason: `upstream proxy ${via} answered 407 (proxy credentials refused)`,
      });
      expect(upstream.refused.slice(-2)).toEqual([`CONNECT ${siteAuthority()}`, site.urlFor("/")]);
      expect(JSON.stringify([tunnelRecord, egress.records()])).not.toMatch(/wrong-pass|s3cret|proxy-user/);
    } finally {
      await egress.close();
    }
  });

  it("still refuses a target the policy refuses, without asking the upstream", async () => {
    // The upstream is allowed by name; the site's address is not.
    const egress = await EgressProxy.start({
      policy: { allowPrivate: false, allowTargets: [`127.0.0.1:${port(upstream.url)}`] },
    });
    try {
      egress.setUpstream(upstream.url);
      const before = upstream.forwarded.length + upstream.refused.length;
      expect((await tunnel(egress.url, siteAuthority())).status).toBe(403);
      expect((await getVia(egress.url, site.urlFor("/"))).status).toBe(403);
      expect(upstream.forwarded.length + upstream.refused.length).toBe(before);
      expect(egress.recordFor(site.url)).toMatchObject({
        kind: "blocked",
        reason: expect.stringContaining("127.0.0.0/8 loopback"),
      });
    } finally {
      await egress.close();
    }
  });

  it("refuses an upstream whose own address the policy refuses", async () => {
    const egress = await EgressProxy.start({ policy: { allowPrivate: false, allowTargets: [siteAuthority()] } });
    try {
      egress.setUpstream(upstream.url);
      expect((await tunnel(egress.url, siteAuthority())).status).toBe(403);
      expect(egress.recordFor(site.url)?.reason).toBe(
        `upstream proxy 127.0.0.1:${port(upstream.url)} resolves to 127.0.0.1 (127.0.0.0/8 loopback)`,
      );
    } finally {
      await egress.close();
    }
  });

  it("refuses socks5 and https upstreams with a clear error", async () => {
    const egress = await EgressProxy.start();
    try {
      expect(() => egress.setUpstream("socks5://u:p@127.0.0.1:1080")).toThrow(UpstreamProxyError);
      expect(() => egress.setUpstream("socks5://u:p@127.0.0.1:1080")).toThrow(
        "proxy: socks5 proxies are not supported",
      );
      await expect(egress.openRoute("https://127.0.0.1:8443")).rejects.toThrow(
        "https:// proxies (TLS to the proxy) are not supported",
      );
      expect(egress.upstream).toBeUndefined();
    } finally {
      await egress.close();
    }
  });
});

describe("a task's proxy in Chromium", () => {
  /** Opens `path` in a new page of `context`; resolves with the page's title. */
  async function visit(context: Awaited<ReturnType<WarmBrowser["newTaskContext"]>>, path: string): Promise<string> {
    const page = await context.newPage();
    try {
      await page.goto(site.urlFor(path));
      return await page.title();
    } finally {
      await page.close();
    }
  }

  it("single-process: the task with a proxy goes through it, the next task without one does not", async () => {
    const warm = new WarmBrowser();
    try {
      const before = upstream.forwarded.length;
      const proxied = await warm.newTaskContext({ upstreamProxy: upstream.url });
      expect(await visit(proxied, "/about")).toBe("About us");
      expect(upstream.forwarded.slice(before)).toContain(site.urlFor("/about"));
      expect(egressProxyOf(await warm.browser())?.upstream).toBe(`127.0.0.1:${port(upstream.url)}`);
      await proxied.close();
      expect(egressProxyOf(await warm.browser())?.upstream).toBeUndefined();

      const count = upstream.forwarded.length;
      const direct = await warm.newTaskContext();
      try {
        const siteHits = site.requests.filter((path) => path === "/products?id=1").length;
        expect(await visit(direct, "/products?id=1")).toBe("Product 1");
        expect(site.requests.filter((path) => path === "/products?id=1").length).toBe(siteHits + 1);
        expect(upstream.forwarded.length).toBe(count);
      } finally {
        await direct.close();
      }
    } finally {
      await warm.close();
    }
  });

  it("multi-process: contexts side by side keep their own proxy", async () => {
    const warm = new WarmBrowser({ singleProcess: false });
    try {
      const [proxied, direct] = await Promise.all([
        warm.newTaskContext({ upstreamProxy: upstream.url }),
        warm.newTaskContext(),
      ]);
      try {
        const before = [...upstream.forwarded];
        const [viaProxy, viaDirect] = await Promise.all([visit(proxied, "/chain/1"), visit(direct, "/chain/2")]);
        expect([viaProxy, viaDirect]).toEqual(["Chain 1", "Chain 2"]);
        const added = upstream.forwarded.slice(before.length);
        expect(added).toContain(site.urlFor("/chain/1"));
        expect(added).not.toContain(site.urlFor("/chain/2"));
      } finally {
        await Promise.all([proxied.close(), direct.close()]);
      }
      // The route closed with its context: a new proxied context works, through a new one.
      const again = await warm.newTaskContext({ upstreamProxy: upstream.url });
      try {
        expect(await visit(again, "/chain/3")).toBe("Chain 3");
        expect(upstream.forwarded.at(-1)).toBe(site.urlFor("/chain/3"));
      } finally {
        await again.close();
      }
    } finally {
      await warm.close();
    }
  });
});
