/**
 * The SSRF guard with real Chromium: every request of a page goes through the egress
 * proxy, which refuses non-public targets before connecting, and each refusal ends up in
 * the page's result (`blocked_requests`, or the page's error `BLOCKED_TARGET`).
 *
 * The strict policy is on (ALLOW_PRIVATE_TARGETS is removed for this file); only the test
 * site's own 127.0.0.1 port is allowed. The "other" loopback server stands for an
 * internal service: it must never see a request. Refused private and metadata addresses
 * (10.0.0.1, 169.254.169.254) are never connected to — beforeAll proves the proxy is in
 * the path before any page names one.
 */
import { request as httpRequest } from "node:http";
import { connect, createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { egressProxyOf, launchChromium, WarmBrowser } from "../../core/browser/index.js";
import { EgressProxy, type EgressRecord } from "../../core/net/index.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import { webTaskInput, type WebTaskParams } from "../../core/platforms/web/schema.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { testCrawlContext } from "../support/crawlContext.js";

delete process.env.ALLOW_PRIVATE_TARGETS;

let site: TestSite;
let warm: WarmBrowser;
let proxy: EgressProxy;
/** The internal service: another port of 127.0.0.1 (the test site's second server). */
let other: { origin: string; port: number; requests: string[] };
/** An allowed 127.0.0.1 port nothing listens on. */
let closedPort: number;

const layout = (title: string, body: string) => `<!doctype html><title>${title}</title><body>${body}</body>`;
/** Adds `#done` once every promise settled, for `wait_for`. */
const whenSettled = (promises: string) =>
  `<script>Promise.allSettled([${promises}]).then(() => document.body.append(Object.assign(document.createElement("div"), { id: "done" })));</script>`;

beforeAll(async () => {
  site = await startTestSite(({ externalOrigin }) => {
    const port = new URL(externalOrigin).port;
    return {
      "/": layout("Home", "<p>an allowed page</p>"),
      "/redirect-out": { status: 302, headers: { location: `http://127.0.0.1:${port}/secret` }, body: "" },
      "/redirect-tls": { status: 302, headers: { location: `https://127.0.0.1:${port}/secret` }, body: "" },
      "/metadata-image": layout("Image", `<img src="http://169.254.169.254/latest/meta-data/"><p>hello</p>`),
      "/script-fetch": layout(
        "Fetch",
        whenSettled(`fetch("http://10.0.0.1/"), fetch("http://[::1]:${port}/v6"), fetch("https://127.0.0.1:${port}/tls"),
          new Promise((done) => { const ws = new WebSocket("ws://127.0.0.1:${port}/ws"); ws.onerror = ws.onclose = done; })`),
      ),
      "/script-navigates": layout("Leaving", `<script>location.href = "http://127.0.0.1:${port}/elsewhere";</script>`),
      "/spoofed-403": {
        status: 403,
        headers: { "x-egress-blocked": "made up by the site" },
        body: layout("Forbidden", "no"),
      },
    };
  });
  other = {
    origin: site.external.origin,
    port: Number(new URL(site.external.origin).port),
    requests: site.external.requests,
  };
  closedPort = await freePort();
  warm = new WarmBrowser({
    egress: {
      allowPrivate: false,
      allowTargets: [`127.0.0.1:${new URL(site.origin).port}`, `127.0.0.1:${closedPort}`],
    },
  });
  const found = egressProxyOf(await warm.browser());
  if (found === undefined) throw new Error("the browser has no egress proxy");
  proxy = found;

  // Prove the proxy is in Chromium's path (with loopback targets only) before any page names a private address.
  const [item] = await run(task({ urls: [`${other.origin}/probe`] }));
  if (item?.data.error === null || other.requests.length > 0 || proxy.stats.blocked === 0) {
    throw new Error("Chromium reached the loopback server past the egress proxy; not running the SSRF tests");
  }
});

afterAll(async () => {
  await warm?.close();
  await site?.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Pages in Chromium: these tests are about its egress proxy (the HTTP path: "over plain HTTP" below). */
function task(fields: Record<string, unknown>): WebTaskParams {
  const { platform: _platform, ...params } = webTaskInput.parse({
    platform: "web",
    crawler_type: "detail",
    urls: [site.url],
    render: "always",
    ...fields,
  });
  return params;
}

async function run(params: WebTaskParams): Promise<ResultItem[]> {
  const browser = await warm.newTaskContext();
  const context = testCrawlContext("ssrf", browser);
  const items: ResultItem[] = [];
  try {
    for await (const item of crawlWeb(params, context)) items.push(item);
  } finally {
    await browser.close();
  }
  return items;
}

const byUrl = (items: ResultItem[], url: string) => items.find((item) => item.data.url === url);
const loopback = "resolves to 127.0.0.1 (127.0.0.0/8 loopback)";

describe("the main navigation", () => {
  it("crawls the allowed site as before, with no blocked requests", async () => {
    const [item] = await run(task({}));
    expect(item).toMatchObject({ ok: true, data: { status: 200, title: "Home", error: null, blocked_requests: [] } });
  });

  it("fails a start URL on another loopback port, by IP, by name or over https, with BLOCKED_TARGET", async () => {
    const urls = [`${other.origin}/`, `http://localhost:${other.port}/`, `https://127.0.0.1:${other.port}/`];
    const items = await run(task({ urls }));
    expect(items).toHaveLength(3);
    for (const url of urls) {
      const item = byUrl(items, url);
      expect(item?.ok).toBe(false);
      expect(item?.data).toMatchObject({
        status: null,
        final_url: url,
        title: null,
        error: { code: "BLOCKED_TARGET" },
      });
      expect((item?.data.error as { message: string }).message).toMatch(
        new RegExp(
          `^${url.replace(/[.[\]/]/g, "\\$&")} resolves to (127\\.0\\.0\\.1|::1) \\((127\\.0\\.0\\.0/8|::1/128) loopback\\)$`,
        ),
      );
    }
    expect((byUrl(items, urls[0]!)?.data.error as { message: string }).message).toBe(`${other.origin}/ ${loopback}`);
    expect(other.requests).toEqual([]);
  });

  it("fails a page whose redirect (http or https) leads to a refused address, naming the redirect target", async () => {
    const items = await run(task({ urls: [site.urlFor("/redirect-out"), site.urlFor("/redirect-tls")] }));
    const plain = byUrl(items, site.urlFor("/redirect-out"));
    expect(plain).toMatchObject({
      ok: false,
      data: {
        final_url: `${other.origin}/secret`,
        status: null,
        error: { code: "BLOCKED_TARGET", message: `${other.origin}/secret ${loopback}` },
        blocked_requests: [{ url: `${other.origin}/secret`, reason: loopback }],
      },
    });
    const tls = byUrl(items, site.urlFor("/redirect-tls"));
    expect(tls).toMatchObject({
      ok: false,
      data: { error: { code: "BLOCKED_TARGET", message: `https://127.0.0.1:${other.port}/secret ${loopback}` } },
    });
    expect(tls?.data.blocked_requests).toEqual([{ url: `https://127.0.0.1:${other.port}/secret`, reason: loopback }]);
    expect(other.requests).toEqual([]);
  });

  it("fails a page whose own script navigates it to a refused address (its document would be the proxy's answer)", async () => {
    const [item] = await run(task({ urls: [site.urlFor("/script-navigates")] }));
    expect(item?.data).toMatchObject({
      final_url: `${other.origin}/elsewhere`,
      title: null,
      error: { code: "BLOCKED_TARGET", message: `${other.origin}/elsewhere ${loopback}` },
      blocked_requests: [{ url: `${other.origin}/elsewhere`, reason: loopback }],
    });
  });

  it("reports an allowed target that cannot be reached as NAVIGATION_FAILED, not as the proxy's 502", async () => {
    const urls = [`http://127.0.0.1:${closedPort}/`, `https://127.0.0.1:${closedPort}/`];
    // Without robots.txt, whose fetch would meet the closed port first (web-robots-sitemaps.test.ts).
    const items = await run(task({ urls, respect_robots_txt: false }));
    for (const url of urls) {
      expect(byUrl(items, url)?.data).toMatchObject({
        status: null,
        title: null,
        error: { code: "NAVIGATION_FAILED", message: expect.stringMatching(/ECONNREFUSED/) },
        blocked_requests: [],
      });
    }
  });

  it("does not take a site's own 403 with the proxy's header for a refusal", async () => {
    const [item] = await run(task({ urls: [site.urlFor("/spoofed-403")] }));
    expect(item?.data).toMatchObject({ status: 403, error: { code: "HTTP_403" }, blocked_requests: [] });
  });
});

describe("requests of a loaded page", () => {
  it("lists an image from the metadata address, refused before any connection, and keeps the page", async () => {
    const [item] = await run(task({ urls: [site.urlFor("/metadata-image")], block_resources: [] }));
    const url = "http://169.254.169.254/latest/meta-data/";
    expect(item).toMatchObject({ ok: true, data: { status: 200, title: "Image", error: null } });
    expect(item?.data.blocked_requests).toEqual([
      { url, reason: "resolves to 169.254.169.254 (169.254.0.0/16 link-local (cloud metadata))" },
    ]);
    expect(proxy.recordFor(url)).toMatchObject<Partial<EgressRecord>>({
      kind: "blocked",
      target: url,
      connectAttempted: false,
    });
  });

  it("lists script fetches (http, IPv6, https) and a WebSocket to refused addresses", async () => {
    const [item] = await run(task({ urls: [site.urlFor("/script-fetch")], wait_for: "#done" }));
    expect(item).toMatchObject({ ok: true, data: { title: "Fetch", error: null } });
    const blocked = item?.data.blocked_requests as { url: string; reason: string }[];
    expect(blocked).toEqual(
      expect.arrayContaining([
        { url: "http://10.0.0.1/", reason: "resolves to 10.0.0.1 (10.0.0.0/8 private)" },
        { url: `http://[::1]:${other.port}/v6`, reason: "resolves to ::1 (::1/128 loopback)" },
        { url: `https://127.0.0.1:${other.port}/tls`, reason: loopback },
        { url: `ws://127.0.0.1:${other.port}/ws`, reason: loopback },
      ]),
    );
    expect(blocked).toHaveLength(4);
    expect(other.requests).toEqual([]);
  });
});

describe("the egress proxy on its own", () => {
  /** A plain-HTTP request through the proxy, as Chromium sends it. */
  function viaProxy(
    target: EgressProxy,
    url: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const { port } = new URL(target.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: url, headers: { host: new URL(url).host } }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject).end();
    });
  }

  it("connects to the address it checked: a name that changes its answer (DNS rebinding) is resolved once", async () => {
    const sitePort = Number(new URL(site.origin).port);
    const answers = ["127.0.0.1", "127.0.0.2"];
    const asked: string[] = [];
    const rebinding = await EgressProxy.start({
      policy: { allowPrivate: false, allowTargets: [`127.0.0.1:${sitePort}`] },
      // Every request resolves anew here, so the second one sees the changed answer.
      dnsCacheTtlMs: 0,
      resolveHost: async (host) => {
        asked.push(host);
        if (host === "internal.test") return [{ address: "10.1.2.3", family: 4 }];
        return [{ address: answers[Math.min(asked.length - 1, 1)]!, family: 4 }];
      },
    });
    try {
      const first = await viaProxy(rebinding, `http://rebind.test:${sitePort}/`);
      expect(first).toMatchObject({ status: 200, body: expect.stringContaining("an allowed page") });
      expect(asked).toEqual(["rebind.test"]);

      // The name now points elsewhere (127.0.0.2 here, safely on loopback): refused before connecting.
      const second = await viaProxy(rebinding, `http://rebind.test:${sitePort}/`);
      expect(second.status).toBe(403);
      // The page learns only that it was refused; the address is in the proxy's record.
      expect(second.headers["x-egress-blocked"]).toBe("refused by egress policy");
      expect(second.body).not.toContain("127.0.0.2");
      expect(rebinding.recordFor(`http://rebind.test:${sitePort}/`)?.reason).toBe(
        `http://rebind.test:${sitePort}/ resolves to 127.0.0.2 (127.0.0.0/8 loopback)`,
      );

      const mapped = await viaProxy(rebinding, "http://internal.test/admin");
      expect(mapped.status).toBe(403);
      expect(rebinding.recordFor("http://internal.test/admin")).toMatchObject({
        kind: "blocked",
        connectAttempted: false,
        refusal: { address: "10.1.2.3" },
      });
      expect(rebinding.stats).toMatchObject({ requests: 3, blocked: 2 });
    } finally {
      await rebinding.close();
    }
  });

  it("refuses a CONNECT tunnel to a refused address with 403", async () => {
    const { port } = new URL(proxy.url);
    const socket = connect(Number(port), "127.0.0.1");
    socket.write(`CONNECT 127.0.0.1:${other.port} HTTP/1.1\r\nhost: 127.0.0.1:${other.port}\r\n\r\n`);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("close", () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer).toContain("x-egress-blocked: refused by egress policy");
    expect(proxy.recordFor(`https://127.0.0.1:${other.port}/`)).toMatchObject({
      kind: "blocked",
      target: `127.0.0.1:${other.port}`,
      reason: `127.0.0.1:${other.port} ${loopback}`,
    });
    expect(other.requests).toEqual([]);
  });

  it("lives as long as its browser", async () => {
    const browser = await launchChromium({ egress: { allowPrivate: false } });
    const own = egressProxyOf(browser)!;
    const { port } = new URL(own.url);
    await browser.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(
      new Promise((resolve, reject) => connect(Number(port), "127.0.0.1").on("connect", resolve).on("error", reject)),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("pages read over plain HTTP (render auto)", () => {
  it("are held to the browser's egress policy: a redirect to another loopback port is refused before connecting", async () => {
    const items = await run(task({ urls: [site.urlFor("/redirect-out"), site.url], render: "auto" }));
    expect(byUrl(items, site.urlFor("/redirect-out"))).toMatchObject({
      ok: false,
      data: {
        rendered: false,
        final_url: `${other.origin}/secret`,
        error: { code: "BLOCKED_TARGET", message: `${other.origin}/secret ${loopback}` },
        blocked_requests: [{ url: `${other.origin}/secret`, reason: loopback }],
      },
    });
    // The allowed page is read over HTTP, under the same policy that allowed it.
    expect(byUrl(items, site.url)).toMatchObject({ ok: true, data: { rendered: false, title: "Home" } });
    expect(other.requests).toEqual([]);
  });
});

describe("a task run", () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => {
    await aws?.close();
  });

  it("stores the blocked requests in the results and fails the redirected page", async () => {
    const crawl = await import("../../core/crawl/index.js");
    const { taskService: service, runDeps } = buildDependencies({
      ...taskParts,
      ...taskServiceParts,
      ...accountParts,
      ...crawlerParts(warm),
    });
    const urls = [site.urlFor("/redirect-out"), site.urlFor("/metadata-image"), site.urlFor("/script-fetch")];
    // Rendered: the page's subresources and script requests are what the browser's proxy refuses.
    const { task: created } = await service.create({
      platform: "web",
      crawler_type: "detail",
      urls,
      block_resources: [],
      wait_for: "#done, p",
      render: "always",
    });
    const outcome = await crawl.runTask(created.task_id, runDeps);
    expect(outcome.kind).toBe("completed");

    const done = await service.get(created.task_id);
    expect(done).toMatchObject({ status: "completed", result_count: 3, progress: { pages_done: 3, errors: 1 } });
    const { items } = await service.results(created.task_id, { limit: "100" });
    const stored = (url: string) => items.find((item) => item.url === url);
    expect(stored(urls[0]!)).toMatchObject({
      ok: false,
      error: { code: "BLOCKED_TARGET", message: `${other.origin}/secret ${loopback}` },
      blocked_requests: [{ url: `${other.origin}/secret`, reason: loopback }],
    });
    expect(stored(urls[1]!)).toMatchObject({
      ok: true,
      blocked_requests: [{ url: "http://169.254.169.254/latest/meta-data/" }],
    });
    expect((stored(urls[2]!)?.blocked_requests as unknown[]).length).toBe(4);
    expect(other.requests).toEqual([]);
  });
});
