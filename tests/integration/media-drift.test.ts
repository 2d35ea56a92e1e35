/**
 * What the media framework does when a site changes or pushes back, in real Chromium
 * against pages on 127.0.0.1: in-page API calls signed by the page's own function, shape
 * checks (SITE_CHANGED on a mismatch, warnings for missing optional fields, new fields listed
 * for the probe), missing elements,
 * throttling (back-off, then RATE_LIMITED), and the probe's report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { WarmBrowser } from "../../core/browser/index.js";
import {
  absentOk,
  checkShape,
  crawlMedia,
  mediaTaskShape,
  openMediaSession,
  type MediaPlatform,
  type OwnedMediaSession,
  type MediaTaskParams,
} from "../../core/platforms/media/index.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { testCrawlContext } from "../support/crawlContext.js";

let warm: WarmBrowser;
let site: TestSite;

// The page exposes a signing function, as xhs's does (window._webmsxyw); the API accepts
// only calls carrying its signature. A stand-in of a signature, not a real one.
const PAGES = {
  "/app": `<!doctype html><title>app</title><div id="ready"></div><script>
    window.signIt = (path) => ({ "x-sign": "signed:" + path });
  </script>`,
  "/bare": `<!doctype html><title>bare</title>`,
};

beforeAll(async () => {
  [warm, site] = await Promise.all([
    new WarmBrowser(),
    startTestSite((origins) => ({
      ...PAGES,
      "/api/items?page=1": {
        body: JSON.stringify({ items: [{ id: "a", title: "t", brand_new: 1 }], has_more: false }),
        contentType: "application/json",
      },
      "/api/changed?page=1": { body: JSON.stringify({ entries: [] }), contentType: "application/json" },
      "/api/slow-down": { body: JSON.stringify({ result: 2 }), contentType: "application/json" },
      "/api/origin": { body: JSON.stringify({ origin: origins.origin }), contentType: "application/json" },
    })),
  ]);
  await warm.browser();
});

afterAll(async () => {
  await warm?.close();
  await site?.close();
});

const itemsShape = z.object({
  items: z.array(z.object({ id: z.string(), title: z.string().optional(), cover: z.string().optional() })),
  has_more: z.boolean(),
});

function platform(overrides: Partial<MediaPlatform> = {}): MediaPlatform {
  return {
    name: "ks",
    baseUrls: { www: site.origin },
    cookieUrl: "www",
    delays: { pageMs: 0, scrollMs: 0, commentMs: 0 },
    classify: (response) =>
      (response.json as { result?: number } | undefined)?.result === 2
        ? { ok: false, code: "THROTTLED", message: "result 2" }
        : { ok: true },
    pageRequests: {
      signer: `(request) => typeof window.signIt === "function" ? window.signIt(request.path) : { missing: "window.signIt" }`,
    },
    async *search() {},
    async *detail() {},
    async *creator() {},
    ...overrides,
  };
}

async function withSession<T>(
  definition: MediaPlatform,
  use: (session: OwnedMediaSession, warnings: string[]) => Promise<T>,
  options: { probe?: boolean } = {},
): Promise<T> {
  const browser = await warm.newTaskContext();
  const warnings: string[] = [];
  const context = testCrawlContext("t", browser, {
    warn: (w) => warnings.push(w),
  });
  const session = await openMediaSession(definition, context, options);
  try {
    return await use(session, warnings);
  } finally {
    await session.close();
    await browser.close();
  }
}

describe("in-page API calls", () => {
  it("leave from the page, signed by the page's own function, and are judged like captured answers", async () => {
    await withSession(platform(), async (session) => {
      await session.open(`${site.origin}/app`);
      const answer = await session.call<{ items: unknown[] }>({
        url: "/api/items?page=1",
        step: "search: result page",
      });
      expect(answer.status).toBe(200);
      expect(answer.json?.items).toHaveLength(1);
      const request = site.requestTimes.at(-1);
      expect(request?.path).toBe("/api/items?page=1");
    });
  });

  it("fail with SITE_CHANGED when the page no longer has its signing function", async () => {
    await withSession(platform(), async (session) => {
      await session.open(`${site.origin}/bare`);
      await expect(session.call({ url: "/api/items?page=1", step: "search: result page" })).rejects.toMatchObject({
        code: "SITE_CHANGED",
        message: expect.stringContaining("the page has no window.signIt"),
      });
    });
  });

  it("back off when the site asks to slow down, then fail RATE_LIMITED, retryable, not an access problem", async () => {
    await withSession(platform(), async (session) => {
      await session.open(`${site.origin}/app`);
      const before = site.requests.filter((path) => path === "/api/slow-down").length;
      await expect(session.call({ url: "/api/slow-down", step: "search: result page" })).rejects.toMatchObject({
        code: "RATE_LIMITED",
        name: "PlatformThrottledError",
      });
      expect(site.requests.filter((path) => path === "/api/slow-down").length - before).toBe(3);
    });
  });
});

describe("shape checks", () => {
  it("return the parsed body, count missing optional fields and (once per task) new fields as warnings; only missing ones are drift", async () => {
    await withSession(
      platform(),
      async (session, warnings) => {
        await session.open(`${site.origin}/app`);
        const answer = await session.call({ url: "/api/items?page=1", step: "search: result page" });
        const data = session.expect(itemsShape, answer, "search: result page");
        expect(data.items[0]?.id).toBe("a");
        // A field the site added is a warning but not drift (live sites add them all the time); one we read that is gone is.
        expect(warnings).toEqual([
          "ks search: result page (/api/items): missing optional field items[].cover",
          "ks search: result page (/api/items): new field items[].brand_new",
        ]);
        session.expect(
          itemsShape,
          await session.call({ url: "/api/items?page=1", step: "search: result page" }),
          "search: result page",
        );
        expect(warnings.filter((warning) => warning.includes("new field"))).toHaveLength(1);
        expect(session.trace?.steps.at(-1)).toMatchObject({
          kind: "shape",
          shape: "warnings",
          detail: expect.stringContaining("new fields: items[].brand_new"),
        });
      },
      { probe: true },
    );
  });

  it("never warn about a field declared absentOk (absent by design)", () => {
    const shape = z.looseObject({
      id: z.string(),
      video: absentOk(z.object({ url: z.string() })),
      cover: z.string().optional(),
    });
    const check = checkShape(shape, { id: "a", cover: "c" });
    expect(check).toMatchObject({ ok: true, warnings: [], newFields: [] });
    expect(checkShape(shape, { id: "a" })).toMatchObject({
      ok: true,
      warnings: [{ path: "cover", kind: "missing optional field" }],
    });
  });

  it("keep a missing field in view however many new fields a live body carries, each noted once", () => {
    const shape = z.looseObject({
      items: z.array(z.looseObject({ id: z.string(), cover: z.string().optional() })),
      meta: z.looseObject({ version: z.string().optional() }),
    });
    const item = (n: number) => ({
      id: `i${n}`,
      ...Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`extra_${k}`, k])),
    });
    const check = checkShape(shape, { items: [item(1), item(2), item(3)], meta: {} });
    expect(check.ok && check.warnings).toEqual([
      { path: "items[].cover", kind: "missing optional field" },
      { path: "meta.version", kind: "missing optional field" },
    ]);
    expect(check.ok && check.newFields).toHaveLength(20);
    expect(check.ok && new Set(check.newFields).size).toBe(20);
  });

  it("fail with SITE_CHANGED naming the step, the endpoint and what was seen when the shape changed", async () => {
    await withSession(platform(), async (session) => {
      await session.open(`${site.origin}/app`);
      const answer = await session.call({ url: "/api/changed?page=1", step: "search: result page" });
      expect(() => session.expect(itemsShape, answer, "search: result page")).toThrow(
        expect.objectContaining({
          code: "SITE_CHANGED",
          message: expect.stringMatching(
            /^ks search: result page \(\/api\/changed\): the body no longer has the expected shape; seen: items: /,
          ),
        }),
      );
    });
  });

  it("fail with SITE_CHANGED naming the selector when an element is gone", async () => {
    await withSession(platform(), async (session) => {
      await session.open(`${site.origin}/app`);
      expect(await session.element("#ready", "search: results")).toBeDefined();
      await expect(
        session.element(".comment-list >>> .reply", "comments: replies", { timeoutMs: 300 }),
      ).rejects.toMatchObject({
        code: "SITE_CHANGED",
        message: expect.stringContaining("ks comments: replies (selector .comment-list >>> .reply)"),
      });
    });
  });
});

describe("the probe", () => {
  const schema = z.strictObject(mediaTaskShape("ks", ["general"]));
  const params = (fields: Record<string, unknown>): MediaTaskParams => {
    const { platform: _p, ...rest } = schema.parse({
      platform: "ks",
      crawler_type: "search",
      keywords: "k",
      ...fields,
    });
    return rest;
  };

  it("stores the steps it saw as one probe item, also when a step fails", async () => {
    const drifting = platform({
      async *search(session) {
        await session.open(`${site.origin}/app`);
        const page = session.expect(
          itemsShape,
          await session.call({ url: "/api/items?page=1", step: "search: result page" }),
          "search: result page",
        );
        for (const item of page.items)
          yield { item_type: "content" as const, id: item.id, fields: { title: item.title } };
        session.expect(
          itemsShape,
          await session.call({ url: "/api/changed?page=1", step: "search: next page" }),
          "search: next page",
        );
      },
    });
    const browser = await warm.newTaskContext();
    const items: ResultItem[] = [];
    const context = testCrawlContext("t", browser);
    let failure: unknown;
    try {
      for await (const item of crawlMedia(drifting, params({ probe: true, keep_user_info: true }), context))
        items.push(item);
    } catch (error) {
      failure = error;
    } finally {
      await browser.close();
    }
    expect(failure).toMatchObject({ code: "SITE_CHANGED" });
    const report = items.find((item) => item.data.item_type === "probe");
    expect(report).toMatchObject({
      item_key: "ks:probe:search",
      ok: false,
      data: { counts: { content: 1 }, error: { code: "SITE_CHANGED" } },
    });
    const steps = report!.data.steps as Array<{ kind: string; step: string; shape?: string; status?: number }>;
    expect(steps.map((s) => `${s.kind} ${s.step}${s.shape ? ` ${s.shape}` : ""}`)).toEqual([
      "open open",
      "call search: result page",
      "shape search: result page warnings",
      "items search: content items",
      "call search: next page",
      "shape search: next page mismatch",
    ]);
  });
});
