/**
 * Delivery guarantees through the whole one-machine stack: a message delivered to two
 * workers at once, kill -9 of the whole stack mid-crawl, and a task that always fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { stackAws, startStack, type RunningStack } from "../support/stack.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { allResults, api, isTerminal, waitForTask, type TaskView } from "../support/api.js";

const PAGES = 30;
const PAGE_DELAY_MS = 300;
const dataDir = mkdtempSync(join(tmpdir(), "crawl-recovery-"));
let site: TestSite;
let stack: RunningStack;

function wideSite() {
  const pages: Record<string, { body: string; delayMs?: number }> = {
    "/": {
      body: `<title>Index</title>${Array.from({ length: PAGES }, (_, i) => `<a href="/p/${i}">p${i}</a>`).join(" ")}`,
    },
  };
  for (let i = 0; i < PAGES; i++)
    pages[`/p/${i}`] = { body: `<title>Page ${i}</title><p>page ${i}</p>`, delayMs: PAGE_DELAY_MS };
  return pages;
}

const sitePaths = ["/", ...Array.from({ length: PAGES }, (_, i) => `/p/${i}`)];

/** How often each page was fetched since `from` (robots.txt aside: it is shared through the politeness table). */
function fetchCounts(from: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of site.requests.slice(from))
    if (path !== "/robots.txt") counts.set(path, (counts.get(path) ?? 0) + 1);
  return counts;
}

async function createCrawl(): Promise<string> {
  const created = await api<TaskView>(stack.url, "POST", "/api/v1/tasks", {
    platform: "web",
    crawler_type: "crawl",
    urls: [site.url],
    max_depth: 1,
  });
  expect(created.status).toBe(201);
  return created.body.data.task_id;
}

function storedPaths(items: Record<string, unknown>[]): string[] {
  return items.map((item) => new URL(String(item.url)).pathname).sort();
}

beforeAll(async () => {
  site = await startTestSite(wideSite());
  stack = await startStack({ dataDir, env: { CRAWL_CONCURRENCY: "2" } });
});

afterAll(async () => {
  await stack?.kill();
  await site?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("delivery through the one-machine stack", () => {
  it("crawls once when the same message reaches two workers at the same time", async () => {
    const from = site.requests.length;
    const taskId = await createCrawl();
    // A second copy of the message, as SQS may deliver: both workers are idle and take one each.
    const aws = stackAws(dataDir);
    const sqs = new SQSClient({ endpoint: aws.sqsEndpoint, region: aws.region, credentials: aws.credentials });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "crawl-tasks" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ task_id: taskId }) }));
    sqs.destroy();

    const done = await waitForTask(stack.url, taskId, isTerminal, 60_000);
    expect(done).toMatchObject({ status: "completed", attempts: 1, result_count: PAGES + 1 });
    const counts = fetchCounts(from);
    expect([...counts.keys()].sort()).toEqual([...sitePaths].sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(site.requests.slice(from).filter((path) => path === "/robots.txt").length).toBeLessThanOrEqual(1);
    expect(storedPaths(await allResults(stack.url, taskId))).toEqual([...sitePaths].sort());
  }, 90_000);

  it("survives kill -9 of the whole stack mid-crawl: the restart resumes, stored pages are not fetched again, results exact", async () => {
    const from = site.requests.length;
    const taskId = await createCrawl();
    await waitForTask(stack.url, taskId, (task) => task.result_count >= 8, 30_000);
    const storedBefore = new Set(storedPaths(await allResults(stack.url, taskId)));
    // Let the checkpoint that follows those results be written, then crash everything.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stack.kill();
    const fetchedBeforeKill = fetchCounts(from);
    expect(fetchedBeforeKill.size).toBeLessThan(PAGES + 1);

    const resumeFrom = site.requests.length;
    stack = await startStack({ dataDir, env: { CRAWL_CONCURRENCY: "2" } });
    expect(stack.stdout()).toMatch(/1 interrupted task\(s\) reset/);
    const done = await waitForTask(stack.url, taskId, isTerminal, 60_000);
    expect(done).toMatchObject({
      status: "completed",
      result_count: PAGES + 1,
      progress: { pages_done: PAGES + 1, items: PAGES + 1, errors: 0 },
    });

    const results = await allResults(stack.url, taskId);
    expect(storedPaths(results)).toEqual([...sitePaths].sort());
    expect(new Set(results.map((item) => item.item_key)).size).toBe(PAGES + 1);
    const fetchedAfter = fetchCounts(resumeFrom);
    for (const path of storedBefore) expect(fetchedAfter.has(path), `${path} was stored before the crash`).toBe(false);
  }, 120_000);
});

describe("a task that always fails", () => {
  it("is retried max_attempts times with back-off, then failed with its reason", async () => {
    const failingDir = mkdtempSync(join(tmpdir(), "crawl-failing-"));
    const failing = await startStack({
      dataDir: failingDir,
      env: { CRAWL_CONCURRENCY: "1", CHROMIUM_PATH: "/bin/false", RETRY_BASE_DELAY_SECS: "1" },
    });
    try {
      const created = await api<TaskView>(failing.url, "POST", "/api/v1/tasks", {
        platform: "web",
        crawler_type: "detail",
        urls: [site.url],
        max_attempts: 2,
        render: "always",
      });
      const done = await waitForTask(failing.url, created.body.data.task_id, isTerminal, 60_000);
      expect(done).toMatchObject({ status: "failed", attempts: 2, error: { code: "BROWSER_LAUNCH_FAILED" } });
      expect(done.error?.message).toMatch(/^could not start Chromium/);
    } finally {
      await failing.kill();
      rmSync(failingDir, { recursive: true, force: true });
    }
  }, 90_000);
});
