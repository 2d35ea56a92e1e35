/**
 * A web `detail` task as a batch: thousands of URLs across hosts. The list is stored beside
 * the task (which stays small), the crawler reads it back, progress is counted per host, a
 * checkpoint names the pages left by position (kilobytes, not the list twice), and a run
 * with render "never" never asks for a browser. Real stores (the embedded DynamoDB API),
 * real HTTP to sites served here.
 */
import { DeleteCommand, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BROWSER } from "../../core/browser/noBrowser.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import type { TaskService } from "../../core/tasks/index.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";

let aws: TestAws;
let sites: TestSite[];
let service: TaskService;

const pagesOf = (count: number, title: string) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`/p/${i}`, `<!doctype html><title>${title} ${i}</title><p>page ${i}</p>`]),
  );

beforeAll(async () => {
  aws = await startTestAws();
  sites = await Promise.all([
    startTestSite(pagesOf(700, "A")),
    startTestSite(pagesOf(600, "B")),
    startTestSite(pagesOf(290, "C")),
  ]);
  service = buildDependencies({ ...taskParts, ...taskServiceParts }).taskService;
});

afterAll(async () => {
  await Promise.all([aws?.close(), ...(sites ?? []).map((site) => site.close())]);
});

/** 700 + 600 + 300 URLs; site C has 290 pages, so 10 of its URLs are 404s. */
function batchUrls(): string[] {
  const [a, b, c] = sites as [TestSite, TestSite, TestSite];
  return [
    ...Array.from({ length: 700 }, (_, i) => a.urlFor(`/p/${i}`)),
    ...Array.from({ length: 600 }, (_, i) => b.urlFor(`/p/${i}`)),
    ...Array.from({ length: 300 }, (_, i) => c.urlFor(`/p/${i}`)),
  ];
}

const hostOf = (site: TestSite) => new URL(site.origin).host;

describe("a detail batch", () => {
  it("is stored beside the task, runs without a browser, and reports progress per host", async () => {
    const urls = batchUrls();
    const { task } = await service.create({ platform: "web", crawler_type: "detail", urls, render: "never" });
    const [a, b, c] = sites as [TestSite, TestSite, TestSite];

    // The task item keeps a reference to the list, not the list.
    const raw = (await aws.clients.doc.send(new GetCommand({ TableName: "tasks", Key: { task_id: task.task_id } })))
      .Item!;
    expect(raw.params.urls).toBeUndefined();
    expect(raw.params.url_list).toMatchObject({
      count: 1600,
      pieces: 1,
      hosts: { [hostOf(a)]: 700, [hostOf(b)]: 600, [hostOf(c)]: 300 },
      preview: urls.slice(0, 5),
    });
    expect(Buffer.byteLength(JSON.stringify(raw))).toBeLessThan(4096);
    expect(task.params).toMatchObject({ url_list: { count: 1600 } });

    const crawl = await import("../../core/crawl/index.js");
    const noBrowser = {
      newTaskContext: async () => Promise.reject(new Error("a render: never task asked for a browser")),
    };
    const outcome = await crawl.runTask(
      task.task_id,
      buildDependencies({ ...taskParts, ...taskServiceParts, ...accountParts, ...crawlerParts(noBrowser) }).runDeps,
    );
    expect(outcome.kind).toBe("completed");

    const done = await service.get(task.task_id);
    expect(done).toMatchObject({
      status: "completed",
      result_count: 1600,
      progress: {
        pages_done: 1600,
        errors: 10,
        hosts: {
          [hostOf(a)]: { done: 700, errors: 0 },
          [hostOf(b)]: { done: 600, errors: 0 },
          [hostOf(c)]: { done: 300, errors: 10 },
        },
      },
    });
    const page = await service.results(task.task_id, { limit: "1000" });
    expect(page.items).toHaveLength(1000);
    expect(page.items.every((item) => item.rendered === false)).toBe(true);
  });

  it("takes up to 10,000 URLs for detail and names the field past that, or past 100 start URLs for a crawl", async () => {
    const many = (count: number) => Array.from({ length: count }, (_, i) => `https://example.com/item/${i}`);
    const { task } = await service.create({
      platform: "web",
      crawler_type: "detail",
      urls: many(10_000),
      render: "never",
    });
    expect(task.params).toMatchObject({ url_list: { count: 10_000, hosts: { "example.com": 10_000 } } });
    await expect(service.create({ platform: "web", crawler_type: "detail", urls: many(10_001) })).rejects.toMatchObject(
      { field: "urls", message: expect.stringContaining("at most 10000 URLs") },
    );
    await expect(service.create({ platform: "web", crawler_type: "crawl", urls: many(101) })).rejects.toMatchObject({
      field: "urls",
      message: expect.stringContaining("at most 100 start URLs"),
    });
    // 100 URLs stay in the task itself.
    const { task: small } = await service.create({ platform: "web", crawler_type: "detail", urls: many(100) });
    expect((small.params.urls as string[]).length).toBe(100);
  });

  it("keeps one stored list per task: under the task's id, and once for a replayed Idempotency-Key", async () => {
    const listRows = async () => {
      const rows = await aws.clients.doc.send(new ScanCommand({ TableName: "tasks", ProjectionExpression: "task_id" }));
      return (rows.Items ?? []).map((row) => String(row.task_id)).filter((id) => id.startsWith("urls#"));
    };
    const urls = Array.from({ length: 150 }, (_, i) => `https://example.com/replayed/${i}`);
    const before = await listRows();
    const { task } = await service.create({ platform: "web", crawler_type: "detail", urls });
    expect(task.params).toMatchObject({ url_list: { id: task.task_id } });
    const first = await service.create(
      { platform: "web", crawler_type: "detail", urls },
      { idempotencyKey: "batch-1" },
    );
    const replay = await service.create(
      { platform: "web", crawler_type: "detail", urls },
      { idempotencyKey: "batch-1" },
    );
    expect(replay).toMatchObject({ created: false, task: { task_id: first.task.task_id } });
    expect((await listRows()).length - before.length).toBe(2);
  });

  it("fails a task whose stored list lost a piece with URL_LIST_UNAVAILABLE, at once", async () => {
    const urls = Array.from({ length: 120 }, (_, i) => `https://example.com/lost/${i}`);
    const { task } = await service.create({
      platform: "web",
      crawler_type: "detail",
      urls,
      render: "never",
      max_attempts: 3,
    });
    await aws.clients.doc.send(new DeleteCommand({ TableName: "tasks", Key: { task_id: `urls#${task.task_id}#0` } }));
    const crawl = await import("../../core/crawl/index.js");
    expect(
      (
        await crawl.runTask(
          task.task_id,
          buildDependencies({
            ...taskParts,
            ...taskServiceParts,
            ...accountParts,
            ...crawlerParts({ newTaskContext: async () => Promise.reject(new Error("no browser")) }),
          }).runDeps,
        )
      ).kind,
    ).toBe("failed");
    expect(await service.get(task.task_id)).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "URL_LIST_UNAVAILABLE", message: expect.stringContaining("is missing piece 0 of 1") },
    });
  });

  it("checkpoints the pages left by their position, and resumes with exactly those", async () => {
    const urls = batchUrls();
    const { platform: _platform, ...params } = webTaskInput.parse({
      platform: "web",
      crawler_type: "detail",
      urls,
      render: "never",
    });
    const context = (resumeFrom?: unknown): CrawlContext => ({
      taskId: "batch",
      browser: NO_BROWSER,
      signal: new AbortController().signal,
      isCancelled: async () => false,
      log: () => undefined,
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
    });
    const first: ResultItem[] = [];
    let cursor: unknown;
    for await (const item of crawlWeb(params, context())) {
      first.push(item);
      if (first.length === 500) {
        cursor = JSON.parse(JSON.stringify(item.resumeCursor?.()));
        break;
      }
    }
    expect(cursor).toMatchObject({ kind: "detail", done: 500 });
    expect(JSON.stringify(cursor).length).toBeLessThan(8 * 1024);

    const rest: ResultItem[] = [];
    for await (const item of crawlWeb(params, context(cursor))) rest.push(item);
    expect(rest).toHaveLength(1100);
    const all = new Set([...first, ...rest].map((item) => item.data.url));
    expect(all.size).toBe(1600);
  });
});
