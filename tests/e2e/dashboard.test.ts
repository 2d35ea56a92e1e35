/**
 * The dashboard in real headless Chromium (the project's own, @sparticuz/chromium) against
 * the real one-machine stack, which builds and serves it at `/`: create a web crawl through
 * the form (a field error first, with nothing sent), watch it complete, download its CSV,
 * find it in the list, and add then delete an account.
 *
 * `npm run screenshots` runs this file with DASHBOARD_SCREENSHOTS=docs/screenshots: each
 * page is then also saved as a PNG for docs/dashboard.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../core/browser/index.js";
import { api, type TaskView } from "../support/api.js";
import { parseCsv } from "../support/csv.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { toResultItem } from "../../core/platforms/media/crawl.js";
import { commentRecord, noteRecord } from "../../core/platforms/xhs/items.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { stackAws, startStack, type RunningStack } from "../support/stack.js";

const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS
  ? resolve(import.meta.dirname, "../..", process.env.DASHBOARD_SCREENSHOTS)
  : undefined;
const MAX_PAGES = 4;

let site: TestSite;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let downloads: string;
let taskId = "";

async function screenshot(name: string): Promise<void> {
  if (SCREENSHOTS === undefined) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) as `${string}.png`, fullPage: true });
}

const textOf = (selector: string) => page.$eval(selector, (element) => element.textContent ?? "");

async function tasksInApi(): Promise<Array<TaskView & { platform: string }>> {
  const { body } = await api<{ items: Array<TaskView & { platform: string }> }>(stack.url, "GET", "/api/v1/tasks");
  return body.data.items;
}

/** Waits for a finished download named `name` (Chromium writes `<name>.crdownload` first). */
async function downloaded(name: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(join(downloads, name))) return readFileSync(join(downloads, name), "utf8");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `no ${name} in ${downloads} after ${timeoutMs} ms (found: ${readdirSync(downloads).join(", ") || "nothing"})`,
  );
}

beforeAll(async () => {
  [site, stack] = await Promise.all([
    startTestSite(),
    startStack({ env: { CRAWL_CONCURRENCY: "1" }, readyTimeoutMs: 120_000 }),
  ]);
  // The page talks to the stack on 127.0.0.1: no egress proxy between them.
  browser = await launchChromium({ egress: false, singleProcess: false });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  downloads = mkdtempSync(join(tmpdir(), "dashboard-downloads-"));
  const session = await browser.target().createCDPSession();
  await session.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await site?.close();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

describe("dashboard", () => {
  it("is served at / with its assets, and the API keeps its paths", async () => {
    const index = await fetch(`${stack.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await index.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.url}/${script}`);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    // Not a file of the dashboard: the API's own 404 envelope.
    const missing = await fetch(`${stack.url}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: number }).code).toBe(404);
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
  });

  it("opens on the task list", async () => {
    await page.goto(`${stack.url}/`, { waitUntil: "networkidle0" });
    expect(new URL(page.url()).hash).toBe("#/tasks");
    await page.waitForSelector("table.tasks td.empty");
    expect(await textOf("table.tasks tbody")).toContain("No tasks yet");
  });

  it("refuses an invalid field in the browser, with the API's message, sending nothing", async () => {
    await page.click('a[data-nav="new"]');
    await page.waitForSelector("#field-crawler_type");
    // Every platform is offered, with its Chinese name.
    const platforms = await page.$$eval("#field-platform option", (options) => options.map((o) => o.textContent));
    expect(platforms).toEqual(
      expect.arrayContaining([
        "web",
        "小红书 xhs",
        "抖音 dy",
        "快手 ks",
        "B站 bili",
        "微博 wb",
        "贴吧 tieba",
        "知乎 zhihu",
      ]),
    );

    await page.select("#field-platform", "web");
    await page.select("#field-crawler_type", "crawl");
    await page.type("#field-urls", site.url);
    await page.type("#field-max_pages", "0");
    await page.type("#field-max_depth", "2");
    await page.click("form.task-form button[type=submit]");
    await page.waitForFunction(
      () => (document.querySelector('[data-error-for="max_pages"]')?.textContent ?? "") !== "",
    );
    expect(await textOf('[data-error-for="max_pages"]')).toBe("max_pages: must be at least 1");
    // The API answers the same body with the same words.
    const refused = await api(stack.url, "POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "crawl",
      urls: [site.url],
      max_pages: 0,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe("max_pages: must be at least 1");
    expect(new URL(page.url()).hash).toBe("#/new");
    // Only the direct request above reached the API, and it was refused: no task exists.
    expect(await tasksInApi()).toEqual([]);
    await screenshot("new-task");
  });

  it("shows a refusal only the API can make (a webhook to cloud metadata) at its field", async () => {
    await page.$eval("#field-max_pages", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#field-max_pages", String(MAX_PAGES));
    await page.$eval("details.advanced", (details) => ((details as HTMLDetailsElement).open = true));
    await page.type("#field-webhook_url", "http://169.254.169.254/hook");
    await page.click("form.task-form button[type=submit]");
    await page.waitForFunction(
      () => (document.querySelector('[data-error-for="webhook_url"]')?.textContent ?? "") !== "",
    );
    expect(await textOf('[data-error-for="webhook_url"]')).toMatch(
      /^webhook_url: 169\.254\.169\.254 is not a public address/,
    );
    expect(await tasksInApi()).toEqual([]);
    await page.$eval("#field-webhook_url", (input) => ((input as HTMLInputElement).value = ""));
  });

  it("creates the task and shows it running to completion with its results", async () => {
    await page.click("form.task-form button[type=submit]");
    await page.waitForFunction(() => /^#\/tasks\/[0-9A-Z]{26}$/.test(location.hash), { timeout: 15_000 });
    taskId = new URL(page.url()).hash.slice("#/tasks/".length);

    const created = (await tasksInApi()).find((task) => task.task_id === taskId);
    expect(created?.platform).toBe("web");

    await page.waitForFunction(() => document.querySelector('[data-summary="status"]')?.textContent === "completed", {
      timeout: 120_000,
      polling: 250,
    });
    const task = (await api<TaskView>(stack.url, "GET", `/api/v1/tasks/${taskId}`)).body.data;
    expect(task.status).toBe("completed");
    expect(task.result_count).toBeGreaterThan(0);
    expect(task.result_count).toBeLessThanOrEqual(MAX_PAGES);
    await page.waitForFunction(
      (count) => document.querySelectorAll("table.results tbody tr").length === count,
      { timeout: 10_000 },
      task.result_count,
    );
    expect(await textOf('[data-summary="pages"]')).toBe(String(task.progress.pages_done));
    expect(await textOf("table.results tbody")).toContain(site.url);
    // The Settings panel says what the task was asked to do.
    expect(await textOf('[data-setting="urls"]')).toBe(site.url);
    expect(await textOf('[data-setting="max_pages"]')).toBe(String(MAX_PAGES));
    // url is the results' first column; platform and item_type, the same on every page, are not shown.
    expect(await textOf("table.results thead th")).toBe("url");
    const headers = await page.$$eval("table.results thead th", (cells) => cells.map((cell) => cell.textContent));
    expect(headers).toEqual(expect.arrayContaining(["title", "status"]));
    expect(headers).not.toContain("platform");
    expect(headers).not.toContain("item_type");
    // Every result is on the first page: nothing more to load.
    expect(
      await page.$eval('button[data-more="results"]', (button) => (button as HTMLElement).offsetParent === null),
    ).toBe(true);
    await screenshot("task");
  });

  it("shows a task that does not exist as not found, with no results or downloads", async () => {
    await page.goto(`${stack.url}/#/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    await page.waitForFunction(() => (document.querySelector(".notice-error")?.textContent ?? "") !== "");
    expect(await textOf(".notice-error")).toMatch(/not found/);
    const shown = await page.$$eval(
      ".results-section, .task-settings, [data-download]",
      (elements) => elements.filter((element) => (element as HTMLElement).offsetParent !== null).length,
    );
    expect(shown).toBe(0);
    await page.goto(`${stack.url}/#/tasks/${taskId}`);
    await page.waitForSelector('[data-summary="status"]');
  });

  it("is usable at phone width: nothing is cut off the page", async () => {
    await page.setViewport({ width: 390, height: 844 });
    try {
      // The task page last: the next test downloads from it.
      for (const hash of ["#/tasks", "#/new", "#/schedules", `#/tasks/${taskId}`]) {
        await page.goto(`${stack.url}/${hash}`);
        await page.waitForSelector("main h1");
        await page.waitForNetworkIdle({ idleTime: 300 });
        // The page itself never scrolls sideways; wide tables scroll inside their own box.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, hash).toBeLessThanOrEqual(0);
      }
      await screenshot("task-phone");
    } finally {
      await page.setViewport({ width: 1280, height: 800 });
    }
  });

  it("downloads every result as CSV", async () => {
    await page.click('button[data-download="csv"]');
    const csv = await downloaded(`${taskId}.csv`);
    // The API's byte-order mark survives the download (Excel reads the file as UTF-8).
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(csv.slice(1));
    expect(header).toEqual(expect.arrayContaining(["item_key", "url", "title"]));
    const task = (await api<TaskView>(stack.url, "GET", `/api/v1/tasks/${taskId}`)).body.data;
    expect(rows).toHaveLength(task.result_count);
    const urlColumn = header!.indexOf("url");
    expect(rows.map((row) => row[urlColumn])).toContain(site.url);
  });

  it("lists the task, newest first, with what it crawls and its status", async () => {
    await page.click('a[data-nav="tasks"]');
    await page.waitForSelector(`tr[data-task-id="${taskId}"] [data-status="completed"]`, { timeout: 10_000 });
    const firstRow = await page.$eval("table.tasks tbody tr", (row) => row.getAttribute("data-task-id"));
    expect(firstRow).toBe(taskId);
    expect(await textOf(`tr[data-task-id="${taskId}"] td.target`)).toBe(site.url);
    await screenshot("tasks");
  });

  it("offers MediaCrawler's files for a media task only, named as MediaCrawler names them", async () => {
    // The web task's page has no MediaCrawler downloads.
    await page.goto(`${stack.url}/#/tasks/${taskId}`);
    await page.waitForSelector('button[data-download="csv"]');
    expect(await page.$eval("[data-mc-downloads]", (element) => (element as HTMLElement).hidden)).toBe(true);
    const created = await api<TaskView & { created_at: string }>(stack.url, "POST", "/api/v1/tasks", {
      platform: "xhs",
      crawler_type: "search",
      keywords: "咖啡",
      enable_comments: true,
    });
    const mediaId = created.body.data.task_id;
    const day = created.body.data.created_at.slice(0, 10);
    // No account is stored, so the crawl stores nothing: its items are written here, as the crawler writes them.
    const aws = stackAws(stack.dataDir);
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: aws.dynamoEndpoint, region: aws.region, credentials: aws.credentials }),
    );
    try {
      const context = { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_search", sourceKeyword: "咖啡" };
      const note = noteRecord({ note_id: "n1", title: "手冲", user: { user_id: "u1", nickname: "咖啡师" } }, context);
      const comment = commentRecord(
        { id: "c1", content: "好喝", user_info: { user_id: "u2", nickname: "路人甲" } },
        "n1",
      );
      await new DynamoResultStore(doc, "results").putMany(mediaId, [
        toResultItem("xhs", note, false),
        toResultItem("xhs", comment, false),
      ]);
    } finally {
      doc.destroy();
    }
    await page.goto(`${stack.url}/#/tasks/${mediaId}`);
    await page.waitForSelector("[data-mc-downloads]:not([hidden])");
    await page.click('button[data-mc-download="contents"]');
    const csv = await downloaded(`search_contents_${day}.csv`);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(csv.slice(1));
    expect(header!.slice(0, 3)).toEqual(["note_id", "type", "title"]);
    expect(rows.map((row) => row[0])).toEqual(["n1"]);
    await page.select("select[data-mc-format]", "json");
    await page.click('button[data-mc-download="comments"]');
    const json = await downloaded(`search_comments_${day}.json`);
    expect(json.startsWith('[\n    {\n        "comment_id": "c1",')).toBe(true);
    expect(JSON.parse(json)).toEqual([expect.objectContaining({ content: "好喝", nickname: "路***" })]);
  });

  it("adds an account and deletes it, never showing its cookies", async () => {
    const cookie = `a1=dashboard-e2e-${Date.now()}; web_session=secret-session-value`;
    await page.click('a[data-nav="accounts"]');
    await page.waitForSelector("#account-cookies");
    await page.select("#account-platform", "xhs");
    await page.type("#account-note", "e2e account");
    await page.type("#account-cookies", cookie);
    await page.click("form.account-form button[type=submit]");
    await page.waitForSelector("tr[data-account-id]", { timeout: 10_000 });

    const stored = (
      await api<{ items: Array<{ account_id: string; note: string }> }>(stack.url, "GET", "/api/v1/accounts")
    ).body.data.items;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.note).toBe("e2e account");
    const row = `tr[data-account-id="${stored[0]!.account_id}"]`;
    expect(await textOf(row)).toContain("小红书 xhs");
    expect(await page.content()).not.toContain("secret-session-value");
    await screenshot("accounts");

    await page.click(`${row} button[data-action="delete"]`);
    expect(await textOf(`${row} button[data-action="delete"]`)).toBe("Confirm delete");
    await page.click(`${row} button[data-action="delete"]`);
    await page.waitForSelector(row, { hidden: true, timeout: 10_000 });
    expect((await api<{ items: unknown[] }>(stack.url, "GET", "/api/v1/accounts")).body.data.items).toEqual([]);
  });
});

describe("dashboard when the API requires a key", () => {
  const KEY = "dashboard-e2e-key-0123456789";
  let keyed: RunningStack;

  beforeAll(async () => {
    keyed = await startStack({ env: { API_KEY: KEY, CRAWL_CONCURRENCY: "0" }, readyTimeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await keyed?.stop();
  });

  it("loads without a key, says the API wants one, and works once it is set", async () => {
    // Another port is another origin: this page starts with no stored key.
    const keyPage = await browser.newPage();
    try {
      await keyPage.goto(`${keyed.url}/`, { waitUntil: "networkidle0" });
      await keyPage.waitForSelector(".notice-error:not([hidden])");
      expect(await keyPage.$eval(".notice-error", (element) => element.textContent)).toContain("set the API key");

      await keyPage.click(".settings summary");
      await keyPage.type("#api-key", KEY);
      await keyPage.click("#api-key-form button[type=submit]");
      await keyPage.waitForSelector("table.tasks td.empty", { timeout: 10_000 });
      expect(await keyPage.$eval(".notice-error", (element) => (element as HTMLElement).hidden)).toBe(true);
      expect(await keyPage.evaluate(() => Object.values(localStorage))).toContain(KEY);
    } finally {
      await keyPage.close();
    }
  });
});
