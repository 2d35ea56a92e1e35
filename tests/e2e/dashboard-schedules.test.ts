/**
 * The dashboard's schedules in headless Chromium against the running stack: a schedule made
 * from the new-task form's "Repeat on a schedule" (a bad expression shown at its field, nothing
 * stored), listed on #/schedules with its first run's task, paused, resumed and deleted there.
 */
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../core/browser/index.js";
import { api } from "../support/api.js";
import { startStack, type RunningStack } from "../support/stack.js";

let stack: RunningStack;
let browser: Browser;
let page: Page;

interface ScheduleView {
  schedule_id: string;
  state: string;
  run_count: number;
}

async function schedulesInApi(): Promise<ScheduleView[]> {
  const { body } = await api<{ items: ScheduleView[] }>(stack.url, "GET", "/api/v1/schedules");
  return body.data.items;
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  stack = await startStack({
    env: { CRAWL_CONCURRENCY: "0", SCHEDULE_TICK_SECS: "1", SCHEDULE_MIN_INTERVAL_SECS: "60", LOG_LEVEL: "SILENT" },
    readyTimeoutMs: 120_000,
  });
  browser = await launchChromium({ egress: false, singleProcess: false });
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("dashboard schedules", () => {
  it("creates a schedule from the new-task form, and refuses a bad expression at its field", async () => {
    await page.goto(`${stack.url}/#/new`);
    await page.waitForSelector("#field-crawler_type");
    await page.select("#field-platform", "web");
    await page.select("#field-crawler_type", "detail");
    await page.type("#field-urls", "https://example.com/");
    await page.$eval("details.advanced:last-of-type", (details) => ((details as HTMLDetailsElement).open = true));
    await page.type("#field-schedule_expression", "rate(1 days)");
    expect(await page.$eval("form.task-form button[type=submit]", (b) => b.textContent)).toBe("Create schedule");
    await page.click("form.task-form button[type=submit]");
    await page.waitForFunction(
      () => document.querySelector("#field-schedule_expression + .field-error")?.textContent !== "",
    );
    expect(await page.$eval("#field-schedule_expression + .field-error", (e) => e.textContent)).toMatch(
      /^schedule_expression: rate unit must be singular for 1/,
    );
    expect(await schedulesInApi()).toEqual([]);

    await page.$eval("#field-schedule_expression", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#field-schedule_expression", "rate(1 day)");
    await page.click("form.task-form button[type=submit]");
    await page.waitForSelector("table.schedules tr[data-schedule-id]");
    expect(page.url()).toMatch(/#\/schedules$/);
    const [schedule] = await schedulesInApi();
    expect(schedule).toMatchObject({ state: "enabled" });
    // A rate schedule runs at once: the row links its run's task after a reload.
    await until(async () => ((await schedulesInApi())[0]?.run_count ?? 0) > 0);
    await page.reload();
    await page.waitForSelector(`tr[data-schedule-id="${schedule!.schedule_id}"] a[href^="#/tasks/"]`);
  }, 60_000);

  it("pauses, resumes and deletes from the list", async () => {
    const row = "table.schedules tr[data-schedule-id] td.row-actions";
    await page.click(`${row} button:not(.danger)`);
    await until(async () => (await schedulesInApi())[0]?.state === "paused");
    await page.waitForFunction(
      () => document.querySelector("table.schedules td.row-actions button")?.textContent === "Resume",
    );
    await page.click(`${row} button:not(.danger)`);
    await until(async () => (await schedulesInApi())[0]?.state === "enabled");
    await page.waitForFunction(
      () => document.querySelector("table.schedules td.row-actions button")?.textContent === "Pause",
    );
    await page.click(`${row} button.danger`);
    await page.click(`${row} button.danger`);
    await until(async () => (await schedulesInApi()).length === 0);
    await page.waitForSelector("table.schedules td.empty");
  }, 60_000);
});
