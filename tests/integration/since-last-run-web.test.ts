/**
 * since_last_run on a web crawl, through runTask (docs/schedules.md#since_last_run): tasks a
 * schedule's runs made (created through the task service with the schedule's fields, as
 * core/schedules/runner.ts does), crawled in real Chromium from a local site, with the
 * results, the tasks and the schedule's record in dynalite through the real DynamoDB clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunTaskDeps } from "../../core/crawl/index.js";
import type { TaskService } from "../../core/tasks/index.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";
import type { ResultStore } from "../../core/results/store.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startTestSite, type TestPages, type TestSite } from "../support/site.js";

let aws: TestAws;
let site: TestSite;
let service: TaskService;
let results: ResultStore;
let crawl: typeof import("../../core/crawl/index.js");
let browser: import("../../core/browser/index.js").WarmBrowser;
let deps: RunTaskDeps;

/** The site's pages, changed between runs (the site reads this object at each request). */
const pages: TestPages = {
  "/": '<title>Index</title><a href="/a">a</a> <a href="/b">b</a>',
  "/a": "<title>A</title><p>first version of a</p>",
  "/b": "<title>B</title><p>b never changes</p>",
};

beforeAll(async () => {
  aws = await startTestAws();
  site = await startTestSite(pages);
  crawl = await import("../../core/crawl/index.js");
  const { WarmBrowser } = await import("../../core/browser/index.js");
  const built = buildDependencies({ ...taskParts, ...taskServiceParts });
  service = built.taskService;
  browser = new WarmBrowser();
  deps = buildDependencies({ ...taskParts, ...taskServiceParts, ...accountParts, ...crawlerParts(browser) }).runDeps;
  results = deps.results;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await aws?.close();
});

/** One run of the schedule: its task created as the runner creates it, crawled, and what it stored. */
async function scheduledRun(scheduleId: string, sinceLastRun: boolean) {
  const { task } = await service.create(
    { platform: "web", render: "always", crawler_type: "crawl", urls: [site.url], max_depth: 1 },
    { origin: "schedule", schedule: { schedule_id: scheduleId, since_last_run: sinceLastRun } },
  );
  const outcome = await crawl.runTask(task.task_id, deps);
  const stored = await results.list(task.task_id, { limit: 100 });
  return {
    outcome,
    task: await service.get(task.task_id),
    paths: stored.items.map((item) => new URL(String(item.url)).pathname).sort(),
  };
}

describe("since_last_run, web crawl", () => {
  it("stores every page on the first run; the next run stores only the pages whose content changed", async () => {
    const first = await scheduledRun("01SCHEDULEWEB0000000000001", true);
    expect(first.outcome.kind).toBe("completed");
    expect(first.paths).toEqual(["/", "/a", "/b"]);

    pages["/a"] = "<title>A</title><p>second version of a</p>";
    const second = await scheduledRun("01SCHEDULEWEB0000000000001", true);
    expect(second.outcome.kind).toBe("completed");
    // Every page was fetched again (a site crawl has no order to stop on), only /a stored.
    expect(second.paths).toEqual(["/a"]);
    expect(second.task?.result_count).toBe(1);

    // Nothing new is not a failure: the run completes with no results.
    const third = await scheduledRun("01SCHEDULEWEB0000000000001", true);
    expect(third.outcome.kind).toBe("completed");
    expect(third.paths).toEqual([]);
  });

  it("a schedule without since_last_run stores every page on every run", async () => {
    await scheduledRun("01SCHEDULEWEB0000000000002", false);
    const second = await scheduledRun("01SCHEDULEWEB0000000000002", false);
    expect(second.paths).toEqual(["/", "/a", "/b"]);
  });
});
