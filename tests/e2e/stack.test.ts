/**
 * The whole one-machine stack over HTTP: `npm start` as a child process, a local website,
 * a crawl task created with a POST, its results read back, a second stack on a busy port,
 * a stop in the middle of a task, and a restart that keeps and resumes the work.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killTree } from "../../local/process-tree.js";
import { spawnStack, startStack, type RunningStack } from "../support/stack.js";
import { api, waitForTask, type TaskView } from "../support/api.js";
import { DEFAULT_SITE_PAGES, JS_RENDERED_TEXT, startTestSite, type TestSite } from "../support/site.js";

type Task = TaskView;
type ResultItem = Record<string, unknown> & { url: string };

const SLOW_PAGE_MS = 4000;
const dataDir = mkdtempSync(join(tmpdir(), "crawl-e2e-"));
let site: TestSite;
let stack: RunningStack;
let crawlTaskId: string;

/** Process ids of the stack's crawler workers (Linux /proc). */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const slowRequests = () => site.requests.filter((path) => path === "/slow").length;

/** A detail task of one page that takes {@link SLOW_PAGE_MS} to answer; returns its id. */
async function createSlowTask(): Promise<string> {
  const created = await api<Task>(stack.url, "POST", "/api/v1/tasks", {
    platform: "web",
    crawler_type: "detail",
    urls: [site.urlFor("/slow")],
  });
  expect(created.status).toBe(201);
  return created.body.data.task_id;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

beforeAll(async () => {
  site = await startTestSite(undefined, { slowPageDelayMs: SLOW_PAGE_MS });
  stack = await startStack({ dataDir });
});

afterAll(async () => {
  await stack?.kill();
  await site?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("one-machine stack", () => {
  it("prints one line per dependency, then the URL", () => {
    const lines = stack.stdout().trim().split("\n");
    expect(lines.map((line) => line.split(/\s{2,}/)[0])).toEqual([
      "✓ DynamoDB API",
      "✓ SQS API",
      "✓ AWS keys",
      "✓ Tables",
      "✓ Accounts key",
      "✓ Queues",
      "✓ Recovery",
      "✓ Workers",
      "✓ Webhooks",
      "! API keys",
      "✓ Targets",
      "✓ Dashboard",
      `API ready: ${stack.url}`,
    ]);
    expect(lines[0]).toContain(`(data in ${join(dataDir, "dynamodb")})`);
    expect(stack.stderr()).toBe("");
  });

  it("refuses a second start on the same port with one line, starting nothing", async () => {
    const otherDataDir = join(dataDir, "never-created");
    const second = spawnStack({ port: stack.port, dataDir: otherDataDir });
    const exit = await second.exited;

    expect(exit.code).toBe(1);
    expect(second.stderr()).toBe(
      `error: port ${stack.port} on 127.0.0.1 is already in use — set PORT to use another\n`,
    );
    expect(second.stdout()).toBe("");
    expect(existsSync(otherDataDir)).toBe(false);
    expect((await api(stack.url, "GET", "/health")).status).toBe(200);
  });

  it("crawls a site with a JavaScript page and a 404, storing every field", async () => {
    const startedAt = new Date().toISOString();
    const created = await api<Task>(stack.url, "POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "crawl",
      urls: [site.url],
      max_depth: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe("pending");
    crawlTaskId = created.body.data.task_id;

    const task = await waitForTask(stack.url, crawlTaskId, (t) => t.status !== "pending" && t.status !== "running");
    const expected = DEFAULT_SITE_PAGES.filter((page) => page.depth <= 2);
    expect(task.status).toBe("completed");
    expect(task.attempts).toBe(1);
    expect(task.result_count).toBe(expected.length);
    expect(task.progress).toEqual({ pages_done: expected.length, items: expected.length, errors: 1 });

    const results = await api<{ items: ResultItem[]; next_cursor: string | null }>(
      stack.url,
      "GET",
      `/api/v1/tasks/${crawlTaskId}/results?limit=100`,
    );
    expect(results.status).toBe(200);
    const items = results.body.data.items;
    expect(items.map((item) => item.url).sort()).toEqual(expected.map((page) => site.urlFor(page.path)).sort());

    for (const page of expected) {
      const item = items.find((i) => i.url === site.urlFor(page.path))!;
      expect(Object.keys(item), page.path).toEqual(
        expect.arrayContaining([
          "url",
          "final_url",
          "status",
          "title",
          "description",
          "text",
          "links",
          "depth",
          "fetched_at",
          "error",
        ]),
      );
      expect(item, page.path).toMatchObject({
        final_url: site.urlFor(page.path),
        status: page.status,
        depth: page.depth,
      });
      expect(typeof item.fetched_at === "string" && item.fetched_at >= startedAt, `${page.path} fetched_at`).toBe(true);
      if (page.status === 200) {
        expect(item, page.path).toMatchObject({ title: page.title, error: null });
        expect(typeof item.text === "string" && item.text.length > 0, `${page.path} text`).toBe(true);
        expect(typeof item.links === "number", `${page.path} links`).toBe(true);
      } else {
        expect(item.error, page.path).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
    }
    const byPath = (path: string) => items.find((i) => i.url === site.urlFor(path))!;
    // about, js-rendered, chain/1, missing, products ×2, the other origin; not the #fragment twin, not mailto:
    expect(byPath("/")).toMatchObject({ description: "A site for crawler tests", links: 7 });
    expect(byPath("/about")).toMatchObject({ description: "Who we are", links: 2 });
    expect(byPath("/").text).toContain("Welcome");
    // The paragraph exists only once the script ran; the script's own source is not text.
    expect(byPath("/js-rendered")).toMatchObject({ title: "Rendered by script", links: 0 });
    expect(byPath("/js-rendered").text).toContain(JS_RENDERED_TEXT);
    expect(byPath("/js-rendered").text).not.toContain("addEventListener");
    expect(byPath("/chain/2")).toMatchObject({ title: "Chain 2", links: 1, description: null, text: "Chain 2 next" });
    expect(byPath("/missing")).toMatchObject({
      status: 404,
      title: "Not found",
      error: { code: "HTTP_404", message: expect.stringContaining("404") },
    });
    // Depth 3 is beyond max_depth, the other origin is not followed, images are blocked.
    expect(site.requests).not.toContain("/chain/3");
    expect(site.external.requests).toEqual([]);
    expect(site.requests.filter((path) => path.startsWith("/img/"))).toEqual([]);
  });

  it("refuses a second stack on the same DATA_DIR with one line", async () => {
    const second = spawnStack({ dataDir });
    expect(await second.exited).toMatchObject({ code: 1 });
    const line =
      /^error: DATA_DIR (.+) is in use by another stack \(pid (\d+)\) — stop it or set DATA_DIR to another directory\n$/.exec(
        second.output(),
      );
    expect(line, second.output()).not.toBeNull();
    expect(line![1]).toBe(dataDir);
    // The holder is the first stack's main process.
    expect(Number(line![2])).toBe(stack.child.pid);
    expect((await api(stack.url, "GET", "/health")).status).toBe(200);
  });

  it("refuses a bad setting with one line", async () => {
    const bad = spawnStack({ env: { CRAWL_CONCURRENCY: "lots" } });
    expect(await bad.exited).toMatchObject({ code: 1 });
    expect(bad.output()).toBe('error: CRAWL_CONCURRENCY must be a whole number from 0 to 64 (got "lots")\n');
  });

  it("replaces worker processes that die, and queues again the task one was running", async () => {
    const before = stack.workerPids();
    expect(before).toHaveLength(2);
    const slowBefore = slowRequests();
    const task = await createSlowTask();
    await waitForTask(stack.url, task, (t) => t.status === "running" && slowRequests() > slowBefore, 30_000);

    // A crash of the whole sandbox: each worker and the browser it started.
    for (const pid of before) killTree(pid);

    await until(() => (stack.stderr().match(/worker \d died/g) ?? []).length === 2, 5000);
    expect(stack.stderr()).toMatch(
      new RegExp(`worker \\d died during task ${task} \\(killed by SIGKILL\\); starting a new one`),
    );
    // The re-queue is a table write and a queue send after the death is noticed: on a busy machine it takes a moment.
    await until(() => stack.stderr().includes(`task ${task} queued again after its worker died`), 15_000);
    expect(stack.stderr()).toContain(`task ${task} queued again after its worker died`);
    const resumed = await waitForTask(
      stack.url,
      task,
      (t) => t.status === "completed" || t.status === "failed",
      60_000,
    );
    expect(resumed).toMatchObject({ status: "completed", attempts: 2, result_count: 1 });
    const after = stack.workerPids();
    expect(after).toHaveLength(2);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  }, 90_000);

  it("stops within 5 s in the middle of a task, and the next start keeps and resumes the work", async () => {
    const slowBefore = slowRequests();
    const slowTaskId = await createSlowTask();
    await waitForTask(stack.url, slowTaskId, (t) => t.status === "running" && slowRequests() > slowBefore, 30_000);

    const stopped = await stack.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.durationMs).toBeLessThan(5000);
    expect(await portIsFree(stack.port)).toBe(true);
    expect(stack.stdout()).toContain(`during task ${slowTaskId}; it resumes at the next start`);

    const port = stack.port;
    stack = await startStack({ port, dataDir });
    expect(stack.port).toBe(port);
    expect(stack.stdout()).toMatch(/✓ Recovery\s+1 pending task\(s\) queued, 1 interrupted task\(s\) reset/);

    const kept = await api<Task>(stack.url, "GET", `/api/v1/tasks/${crawlTaskId}`);
    expect(kept.status).toBe(200);
    expect(kept.body.data).toMatchObject({
      status: "completed",
      result_count: DEFAULT_SITE_PAGES.filter((p) => p.depth <= 2).length,
    });

    // Stopping the stack is not the task's fault: it resumes without spending an attempt.
    const resumed = await waitForTask(
      stack.url,
      slowTaskId,
      (t) => t.status === "completed" || t.status === "failed",
      60_000,
    );
    expect(resumed).toMatchObject({ status: "completed", attempts: 1, result_count: 1 });
    const results = await api<{ items: ResultItem[] }>(stack.url, "GET", `/api/v1/tasks/${slowTaskId}/results`);
    expect(results.body.data.items).toMatchObject([{ url: site.urlFor("/slow"), status: 200, title: "Slow page" }]);
  }, 90_000);

  it("frees every port on SIGTERM", async () => {
    const ports = [
      stack.port,
      ...[...stack.stdout().matchAll(/API\s+http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    ];
    expect(ports).toHaveLength(3);
    const stopped = await stack.stop();
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.durationMs).toBeLessThan(5000);
    for (const port of ports) expect(await portIsFree(port), `port ${port}`).toBe(true);
  });
});
