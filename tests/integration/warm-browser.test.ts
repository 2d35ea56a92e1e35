import type { BrowserContext } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH_ENV, launchChromium, taskContextIsolation, WarmBrowser } from "../../core/browser/index.js";
import { RetryableCrawlError } from "../../core/errors.js";
import { startTestSite, type TestSite } from "../support/site.js";

let site: TestSite;

beforeAll(async () => {
  site = await startTestSite({
    "/set": {
      body: "<title>set</title><script>localStorage.setItem('k', 'v')</script>",
      headers: { "set-cookie": "session=abc; Path=/" },
    },
    "/read": "<title>read</title>",
  });
});

afterAll(async () => {
  await site?.close();
});

/** Visits /set in `context`, or just reads /read; returns what state the page sees. */
async function visit(
  context: BrowserContext,
  path: "/set" | "/read",
): Promise<{ cookie: string; stored: string | null }> {
  const page = await context.newPage();
  try {
    await page.goto(site.urlFor(path));
    return await page.evaluate(() => ({ cookie: document.cookie, stored: localStorage.getItem("k") }));
  } finally {
    await page.close();
  }
}

describe("WarmBrowser (single-process, as on Lambda)", () => {
  let warm: WarmBrowser;
  beforeAll(() => {
    warm = new WarmBrowser();
  });
  afterAll(async () => {
    await warm?.close();
  });

  it("launches lazily, once, and reuses the browser", async () => {
    expect(warm.launchCount).toBe(0);
    const [first, second] = await Promise.all([warm.browser(), warm.browser()]);
    expect(first).toBe(second);
    expect(await warm.browser()).toBe(first);
    expect(warm.launchCount).toBe(1);
  });

  it("gives each task a context that forgets the previous task's cookies and storage", async () => {
    const first = await warm.newTaskContext();
    expect(taskContextIsolation(first)).toBe("cleared-default");
    expect(await visit(first, "/set")).toEqual({ cookie: "session=abc", stored: "v" });
    expect(await visit(first, "/read")).toEqual({ cookie: "session=abc", stored: "v" });
    await first.close();
    expect(first.closed).toBe(true);

    const second = await warm.newTaskContext();
    try {
      expect(await visit(second, "/read")).toEqual({ cookie: "", stored: null });
      expect((await second.pages()).filter((page) => page.url() !== "about:blank")).toEqual([]);
    } finally {
      await second.close();
    }
    expect(warm.launchCount).toBe(1);
  });

  it("lends the browser to one task at a time", async () => {
    const first = await warm.newTaskContext();
    let secondReady = false;
    const second = warm.newTaskContext().then((context) => {
      secondReady = true;
      return context;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondReady).toBe(false);
    await first.close();
    await (await second).close();
    expect(secondReady).toBe(true);
  });

  it("relaunches after Chromium crashed", async () => {
    const crashed = await warm.browser();
    const context = await warm.newTaskContext();
    crashed.process()?.kill("SIGKILL");
    await new Promise<void>((resolve) => crashed.once("disconnected", () => resolve()));
    await context.close(); // must not throw or hang although the browser is gone

    const relaunched = await warm.browser();
    expect(relaunched).not.toBe(crashed);
    expect(relaunched.connected).toBe(true);
    expect(warm.launchCount).toBe(2);
    const next = await warm.newTaskContext();
    await next.close();
  });

  it("refuses to hand out a browser once closed", async () => {
    const closing = new WarmBrowser();
    await closing.browser();
    await closing.close();
    await closing.close();
    await expect(closing.browser()).rejects.toThrow(/closed/);
  });
});

describe("WarmBrowser (multi-process)", () => {
  it("gives concurrent tasks their own incognito contexts", async () => {
    const warm = new WarmBrowser({ singleProcess: false });
    try {
      const [a, b] = await Promise.all([warm.newTaskContext(), warm.newTaskContext()]);
      expect(taskContextIsolation(a)).toBe("incognito");
      expect(await visit(a, "/set")).toEqual({ cookie: "session=abc", stored: "v" });
      expect(await visit(b, "/read")).toEqual({ cookie: "", stored: null });
      await Promise.all([a.close(), b.close()]);
    } finally {
      await warm.close();
    }
  });
});

describe("launchChromium", () => {
  it("uses the executablePath option, then CHROMIUM_PATH, and fails as retryable", async () => {
    await expect(launchChromium({ executablePath: "/nonexistent/chromium" })).rejects.toMatchObject({
      code: "BROWSER_LAUNCH_FAILED",
      message: expect.stringContaining("/nonexistent/chromium"),
    });

    const previous = process.env[CHROMIUM_PATH_ENV];
    process.env[CHROMIUM_PATH_ENV] = "/nonexistent/from-env";
    try {
      const launch = launchChromium();
      await expect(launch).rejects.toBeInstanceOf(RetryableCrawlError);
      await expect(launch).rejects.toThrow(/from-env/);
    } finally {
      if (previous === undefined) delete process.env[CHROMIUM_PATH_ENV];
      else process.env[CHROMIUM_PATH_ENV] = previous;
    }
  });
});
