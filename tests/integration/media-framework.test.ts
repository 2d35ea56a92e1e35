/**
 * The shared media framework (core/platforms/media) with a made-up platform: the rules
 * crawlMedia enforces whatever a platform's iterator yields (caps, comment switches,
 * cursor, cancellation, stop), and the session's response capture against a small page
 * on 127.0.0.1, in real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "puppeteer-core";
import { WarmBrowser } from "../../core/browser/index.js";
import { NonRetryableCrawlError } from "../../core/errors.js";
import {
  crawlMedia,
  mediaTaskShape,
  openMediaSession,
  PlatformAccessError,
  type MediaCursor,
  type MediaPlatform,
  type MediaRecord,
  type MediaTaskParams,
} from "../../core/platforms/media/index.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import * as z from "zod";
import { setAccountCookies } from "../../core/platforms/media/cookies.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { testCrawlContext } from "../support/crawlContext.js";

let warm: WarmBrowser;
let site: TestSite;

// Pages whose scripts call JSON endpoints, one of them answering "blocked". They read
// the bodies as real apps do: Chromium never finishes a response nobody reads.
const PAGES = {
  "/app": `<!doctype html><title>app</title><script>
    fetch("/api/list.json?page=1").then((r) => r.json()).then(() => fetch("/api/list.json?page=2")).then((r) => r.json());
  </script>`,
  "/api/list.json?page=1": { body: JSON.stringify({ ok: true, page: 1 }), contentType: "application/json" },
  "/api/list.json?page=2": { body: JSON.stringify({ ok: true, page: 2 }), contentType: "application/json" },
  "/blocked": `<!doctype html><title>blocked</title><script>fetch("/api/blocked.json").then((r) => r.json())</script>`,
  "/api/blocked.json": { body: JSON.stringify({ ok: false, verify: true }), contentType: "application/json" },
};

beforeAll(async () => {
  [warm, site] = await Promise.all([new WarmBrowser(), startTestSite(PAGES)]);
  await warm.browser();
});

afterAll(async () => {
  delete process.env.FAKE_BASE_URL_WWW;
  await warm?.close();
  await site?.close();
});

/** Per input: `notes` posts, each with 3 comments of which the last two have a reply. */
function fakePlatform(notes: number, seen: { returned: string[] }): MediaPlatform {
  async function* posts(
    _session: unknown,
    _params: MediaTaskParams,
    input: string,
    cursor: MediaCursor,
  ): AsyncGenerator<MediaRecord> {
    try {
      for (let n = Number(cursor.page ?? 0); n < notes; n++) {
        yield {
          item_type: "content",
          id: `${input}-${n}`,
          fields: { note_id: `${input}-${n}` },
          creator: { user_id: `u${n}`, nickname: "作者" },
        };
        for (let c = 0; c < 3; c++) {
          yield { item_type: "comment", id: `${input}-${n}-c${c}`, fields: {} };
          if (c > 0)
            yield { item_type: "comment", id: `${input}-${n}-c${c}-r`, fields: {}, parentId: `${input}-${n}-c${c}` };
        }
        cursor.advance(n + 1);
      }
    } finally {
      seen.returned.push(input);
    }
  }
  return {
    name: "dy",
    baseUrls: { www: "https://www.example.com" },
    cookieUrl: "www",
    delays: { pageMs: 0, scrollMs: 0, commentMs: 0 },
    classify: (response) =>
      (response.json as { verify?: boolean } | undefined)?.verify
        ? { ok: false, code: "RISK_CONTROL", message: "verify flag" }
        : { ok: true },
    search: posts,
    detail: posts,
    creator: posts,
  };
}

const schema = z.strictObject(mediaTaskShape("dy", ["general"]));
function params(fields: Record<string, unknown>): MediaTaskParams {
  const { platform: _platform, ...rest } = schema.parse({
    platform: "dy",
    crawler_type: "search",
    keywords: "a",
    ...fields,
  });
  return rest;
}

async function withContext<T>(
  use: (browser: BrowserContext, context: CrawlContext) => Promise<T>,
  extra: Partial<CrawlContext> = {},
): Promise<T> {
  const browser = await warm.newTaskContext();
  const context = testCrawlContext("t", browser, {
    ...extra,
  });
  try {
    return await use(browser, context);
  } finally {
    await browser.close();
  }
}

async function collect(
  platform: MediaPlatform,
  task: MediaTaskParams,
  extra: Partial<CrawlContext> = {},
): Promise<{ items: ResultItem[]; openPages: number }> {
  return withContext(async (browser, context) => {
    const before = (await browser.pages()).length;
    const items: ResultItem[] = [];
    for await (const item of crawlMedia(platform, task, context)) items.push(item);
    return { items, openPages: (await browser.pages()).length - before };
  }, extra);
}

const keys = (items: ResultItem[]) => items.map((item) => item.item_key);

describe("crawlMedia rules", () => {
  it("stores no comments unless asked, caps posts per input, and lets the platform's iterator finish", async () => {
    const seen = { returned: [] as string[] };
    const { items, openPages } = await collect(fakePlatform(5, seen), params({ keywords: "a,b", max_notes_count: 2 }));

    expect(keys(items)).toEqual(["dy:content:a-0", "dy:content:a-1", "dy:content:b-0", "dy:content:b-1"]);
    expect(seen.returned).toEqual(["a", "b"]);
    expect(openPages).toBe(0); // the page it opened is closed
  });

  it("caps comments per post (replies count) and keeps replies out unless asked", async () => {
    const platform = fakePlatform(2, { returned: [] });
    const top = await collect(platform, params({ enable_comments: true, max_comments_count: 10 }));
    expect(keys(top.items).filter((key) => key.includes("a-0-"))).toEqual([
      "dy:comment:a-0-c0",
      "dy:comment:a-0-c1",
      "dy:comment:a-0-c2",
    ]);

    const replies = await collect(
      platform,
      params({ enable_comments: true, enable_sub_comments: true, max_comments_count: 4 }),
    );
    expect(keys(replies.items).filter((key) => key.includes("a-1"))).toEqual([
      "dy:content:a-1",
      "dy:comment:a-1-c0",
      "dy:comment:a-1-c1",
      "dy:comment:a-1-c1-r",
      "dy:comment:a-1-c2",
    ]);
  });

  it("caps detail posts in total across ids", async () => {
    const { items } = await collect(
      fakePlatform(1, { returned: [] }),
      params({ crawler_type: "detail", specified_ids: "x,y,z", max_notes_count: 2 }),
    );
    expect(keys(items)).toEqual(["dy:content:x-0", "dy:content:y-0"]);
  });

  it("gives every item a cursor to resume from, and resumes there", async () => {
    const platform = fakePlatform(3, { returned: [] });
    const task = params({ keywords: "a,b", max_notes_count: 3 });
    const cursors = (await collect(platform, task)).items.map((item) => item.resumeCursor?.());
    expect(cursors[0]).toEqual({ inputIndex: 0, page: null, notesDone: 0 });
    expect(cursors[1]).toEqual({ inputIndex: 0, page: 1, notesDone: 1 }); // a-1: page 0 done
    expect(cursors[3]).toEqual({ inputIndex: 1, page: null, notesDone: 0 });

    const resumed = await collect(platform, task, { resumeFrom: { inputIndex: 0, page: 2, notesDone: 2 } });
    expect(keys(resumed.items)).toEqual(["dy:content:a-2", "dy:content:b-0", "dy:content:b-1", "dy:content:b-2"]);
  });

  it("stops quietly when the task is cancelled or the run is stopped", async () => {
    let asked = 0;
    const cancelled = await collect(fakePlatform(5, { returned: [] }), params({}), {
      isCancelled: async () => ++asked > 3,
    });
    expect(cancelled.items.length).toBeLessThan(5);

    const stop = new AbortController();
    stop.abort("deadline");
    expect((await collect(fakePlatform(5, { returned: [] }), params({}), { signal: stop.signal })).items).toEqual([]);
  });
});

describe("account cookies in the task's browser", () => {
  it("sets a pasted cookie (no domain) on the site's domain, so the API hosts beside www get it", async () => {
    await withContext(async (browser) => {
      await setAccountCookies(browser, "https://www.xiaohongshu.com", [{ name: "web_session", value: "pasted" }]);
      await setAccountCookies(browser, "http://127.0.0.1:4000", [{ name: "stand_in", value: "local" }]);
      // A cookie exported for the other edition of the site is set on this one's domain.
      await setAccountCookies(browser, "https://www.rednote.com", [
        { name: "web_session", value: "exported", domain: ".xiaohongshu.com" },
      ]);
      const cookies = await browser.cookies();
      const domainOf = (name: string, value: string) =>
        cookies.find((cookie) => cookie.name === name && cookie.value === value)?.domain;
      expect(domainOf("web_session", "pasted")).toBe(".xiaohongshu.com");
      expect(domainOf("stand_in", "local")).toBe("127.0.0.1");
      expect(domainOf("web_session", "exported")).toBe(".rednote.com");
    });
  });
});

describe("media session", () => {
  const platform = fakePlatform(0, { returned: [] });
  const base = () => ({ ...platform, baseUrls: { www: site.origin } });

  it("keeps responses that arrive before they are asked for, in order", async () => {
    await withContext(async (_browser, context) => {
      const session = await openMediaSession(base(), context);
      try {
        const pages = session.collect({ path: "/api/list.json", method: "GET" });
        const first = await pages.next<{ page: number }>(() => session.open(`${site.origin}/app`));
        // The page's script fetches page 2 by itself; once it is in, asking for it must not
        // need the action (which would fail the test).
        while (!site.requests.includes("/api/list.json?page=2"))
          await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 300));
        const second = await pages.next<{ page: number }>(async () => {
          throw new Error("action ran: the early response was not kept");
        });
        expect([first.json?.page, second.json?.page]).toEqual([1, 2]);
        pages.close();
      } finally {
        await session.close();
      }
    });
  });

  it("fails a capture with PlatformAccessError when the platform's classify says so", async () => {
    await withContext(
      async (_browser, context) => {
        const session = await openMediaSession(base(), context);
        try {
          const error = await session
            .capture({ path: "/api/blocked.json" }, () => session.open(`${site.origin}/blocked`))
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(PlatformAccessError);
          expect(error).toMatchObject({ code: "RISK_CONTROL", account_id: "acct-1", platform: "dy" });
        } finally {
          await session.close();
        }
      },
      { account: { account_id: "acct-1", platform: "dy", cookies: [] } },
    );
  });

  it("fails with SITE_CHANGED naming the step and endpoint when the expected request never comes", async () => {
    await withContext(async (_browser, context) => {
      const session = await openMediaSession(base(), context);
      try {
        const error = await session
          .capture({ path: "/api/never.json", step: "search: result page" }, () => session.open(`${site.origin}/app`), {
            timeoutMs: 300,
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NonRetryableCrawlError);
        expect(error).toMatchObject({ code: "SITE_CHANGED" });
        expect((error as Error).message).toMatch(
          /search: result page \(any \/api\/never\.json\): the page should have made this request; seen: no answer within 300 ms/,
        );
      } finally {
        await session.close();
      }
    });
  });
});
