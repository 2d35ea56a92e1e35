/**
 * POST /api/v1/scrape through the one-machine stack (`npm start` as a child process): real
 * pages of a test site, crawled by the stack's workers in real Chromium, their items in the
 * answer; a page slower than timeout_ms gives 202 and a task that ends later like any other.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, waitForTask, allResults, isTerminal } from "../support/api.js";
import { JS_RENDERED_TEXT, startTestSite, type TestSite } from "../support/site.js";
import { startStack, type RunningStack } from "../support/stack.js";

const SLOW_PAGE_MS = 6_000;
let site: TestSite;
let stack: RunningStack;

beforeAll(async () => {
  site = await startTestSite(undefined, { slowPageDelayMs: SLOW_PAGE_MS });
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

async function scrape(body: unknown) {
  const startedAt = Date.now();
  const response = await fetch(`${stack.url}/api/v1/scrape`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { code: number; message: string; data: any },
    tookMs: Date.now() - startedAt,
  };
}

describe("POST /api/v1/scrape", () => {
  it("answers 200 with the ended task and every page's item, rendered in Chromium", async () => {
    const urls = [site.urlFor("/"), site.urlFor("/about"), site.urlFor("/js-rendered")];
    const { status, body, headers, tookMs } = await scrape({
      urls,
      render: "always",
      formats: ["text", "markdown"],
      selectors: { heading: "h1" },
      timeout_ms: 25_000,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(tookMs).toBeLessThan(25_000);
    expect(body.message).toBe("task completed");
    expect(body.data.task).toMatchObject({
      status: "completed",
      platform: "web",
      crawler_type: "detail",
      origin: "scrape",
    });
    expect(body.data.task.result_count).toBe(3);
    const items = body.data.items as Array<Record<string, any>>;
    expect(items.map((item) => item.url).sort()).toEqual([...urls].sort());
    const byUrl = Object.fromEntries(items.map((item) => [item.url, item]));
    expect(byUrl[site.urlFor("/")]).toMatchObject({ status: 200, heading: "Welcome", rendered: true });
    expect(byUrl[site.urlFor("/about")].title).toBe("About us");
    expect(byUrl[site.urlFor("/js-rendered")].text).toContain(JS_RENDERED_TEXT);
    expect(byUrl[site.urlFor("/")].markdown).toContain("# Welcome");
    // The same items GET /results gives: the answer is the task's results, not a copy.
    expect(await allResults(stack.url, body.data.task.task_id)).toEqual(
      [...items].sort((a, b) => (a.item_key < b.item_key ? -1 : 1)),
    );
    // Task creation is rate limited: the headers come through the gateway.
    expect(headers.get("ratelimit-policy")).toBe('"create";q=600;w=60');
    expect(headers.get("ratelimit")).toMatch(/^"create";r=\d+;t=\d+$/);
  });

  it("answers 202 with the task to poll when a page is slower than timeout_ms; the task ends later", async () => {
    const { status, body, headers, tookMs } = await scrape({
      urls: [site.urlFor("/slow")],
      render: "never",
      timeout_ms: 2_000,
    });
    expect(status, JSON.stringify(body)).toBe(202);
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(SLOW_PAGE_MS);
    const id = body.data.task.task_id as string;
    expect(["pending", "running"]).toContain(body.data.task.status);
    expect(headers.get("location")).toBe(`/api/v1/tasks/${id}`);
    expect(body.data.poll.results).toBe(`/api/v1/tasks/${id}/results`);

    const ended = await waitForTask(stack.url, id, isTerminal, 60_000);
    expect(ended.status).toBe("completed");
    const [item] = await allResults(stack.url, id);
    expect(item).toMatchObject({ url: site.urlFor("/slow"), status: 200 });
    expect(String(item!.text)).toContain("finally");
    // Listed like any other task.
    const list = await api<{ items: Array<{ task_id: string }> }>(stack.url, "GET", "/api/v1/tasks?limit=5");
    expect(list.body.data.items.map((task) => task.task_id)).toContain(id);
  });
});

const BIN = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));

/** `crawl-tasks …` as a user runs it, against the stack; resolves with its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, API_URL: stack.url, API_KEY: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("POST /api/v1/scrape, a task that fails", () => {
  it("answers 200 with status failed, its error and the failed page's item", async () => {
    const { status, body } = await scrape({ urls: [site.urlFor("/missing")], render: "never", timeout_ms: 20_000 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.message).toBe("task failed");
    expect(body.data.task.status).toBe("failed");
    expect(body.data.task.error.code).toBe("ALL_PAGES_FAILED");
    expect(body.data.items).toHaveLength(1);
    expect(body.data.items[0]).toMatchObject({ url: site.urlFor("/missing"), status: 404 });
  });
});

describe("crawl-tasks tasks scrape", () => {
  it("prints each page's item: its URL, status, title, selector fields and content", async () => {
    const run = await cli([
      "tasks",
      "scrape",
      ...["--url", site.urlFor("/"), "--url", site.urlFor("/about")],
      ...["--format", "markdown", "--selector", "heading=h1", "--render", "never"],
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [home, about] = run.stdout.split(/\n(?=== )/);
    expect(home).toMatch(new RegExp(`^== ${site.urlFor("/")} \\(200\\) Test site home\nheading: Welcome\n# Welcome`));
    expect(about).toMatch(new RegExp(`^== ${site.urlFor("/about")} \\(200\\) About us\n`));
  });

  it("exits 5 with the commands to follow a task that has not ended within the wait", async () => {
    const run = await cli([
      "tasks",
      "scrape",
      "--url",
      site.urlFor("/slow"),
      "--render",
      "never",
      "--timeout-ms",
      "1000",
    ]);
    expect(run.code).toBe(5);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^task (\w{26}) is still (pending|running): follow it with `crawl-tasks tasks watch \1`, then `crawl-tasks tasks results \1`\n$/,
    );
  });

  it("reports a refused field as the API names it, exit 3", async () => {
    const run = await cli(["tasks", "scrape", "--url", site.urlFor("/"), "--timeout-ms", "30000"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("error: timeout_ms: must be at most 25000 (HTTP 400)\n");
  });
});
