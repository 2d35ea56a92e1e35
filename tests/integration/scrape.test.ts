/**
 * POST /api/v1/scrape through the real API handler, on real dynalite and SQS servers, with no
 * crawler running: validation, and the wait's bounds (timeout_ms, and the function's
 * remaining time). tests/e2e/scrape.test.ts crawls real pages through the whole stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqsTaskQueue } from "../../core/queue/taskQueue.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { SCRAPE_ANSWER_RESERVE_MS, ScrapeService } from "../../core/tasks/scrape.js";
import { TaskService } from "../../core/tasks/service.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

type Json = { code: number; message: string; data: any };

async function scrape(body: unknown, context = lambdaContext()) {
  const startedAt = Date.now();
  const response = await handler(httpEvent("POST", "/api/v1/scrape", { body: body as object }), context);
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? "null") as Json,
    headers: response.headers ?? {},
    tookMs: Date.now() - startedAt,
  };
}

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  await aws?.close();
});

describe("POST /api/v1/scrape, refused", () => {
  it.each([
    [{}, "urls", "urls: must be an array of URLs"],
    [{ urls: [] }, "urls", "urls: must contain at least 1 URL"],
    [
      { urls: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`) },
      "urls",
      "urls: must contain at most 10 URLs (create a detail task for more: POST /api/v1/tasks)",
    ],
    [{ urls: ["https://example.com/"], timeout_ms: 30_000 }, "timeout_ms", "timeout_ms: must be at most 25000"],
    [{ urls: ["https://example.com/"], timeout_ms: 10 }, "timeout_ms", "timeout_ms: must be at least 1000"],
    [{ urls: ["https://example.com/"], max_depth: 2 }, "max_depth", undefined],
    [{ urls: ["https://example.com/"], platform: "web" }, "platform", undefined],
    [{ urls: ["https://example.com/"], formats: ["pdf"] }, "formats.0", undefined],
    [
      { urls: ["https://example.com/"], render: "never", wait_for: "h1" },
      "wait_for",
      'wait_for: needs a browser: render "never" reads pages over plain HTTP, where no script runs (use render "auto" or "always")',
    ],
  ])("%j: 400 naming %s, no task stored", async (body, field, message) => {
    const before = await taskCount();
    const { status, body: answer } = await scrape(body);
    expect(status).toBe(400);
    expect(answer.data.error).toBe("VALIDATION_FAILED");
    expect(answer.data.field).toBe(field);
    if (message !== undefined) expect(answer.message).toBe(message);
    expect(await taskCount()).toBe(before);
  });
});

describe("POST /api/v1/scrape, not ended in time", () => {
  it("answers 202 after timeout_ms with the task, its Location and where to poll", async () => {
    const { status, body, headers, tookMs } = await scrape({ urls: ["https://example.com/"], timeout_ms: 1_000 });
    expect(status).toBe(202);
    expect(tookMs).toBeGreaterThanOrEqual(1_000);
    expect(tookMs).toBeLessThan(3_000);
    const id = body.data.task.task_id;
    expect(body.data.task).toMatchObject({
      platform: "web",
      crawler_type: "detail",
      status: "pending",
      origin: "scrape",
    });
    expect(body.data.task.params.urls).toEqual(["https://example.com/"]);
    expect(headers.location).toBe(`/api/v1/tasks/${id}`);
    expect(body.data.poll).toEqual({ task: `/api/v1/tasks/${id}`, results: `/api/v1/tasks/${id}/results` });
    expect(body.message).toBe(
      `task pending: not ended within the wait; poll GET /api/v1/tasks/${id}, then read GET /api/v1/tasks/${id}/results`,
    );
    // A task like any other: readable; only its origin says where it came from.
    const got = await handler(httpEvent("GET", `/api/v1/tasks/${id}`), lambdaContext());
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body ?? "null").data.origin).toBe("scrape");
    const created = await handler(
      httpEvent("POST", "/api/v1/tasks", {
        body: { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] },
      }),
      lambdaContext(),
    );
    expect(JSON.parse(created.body ?? "null").data).not.toHaveProperty("origin");
  });

  it("stops waiting before the function's own time runs out, whatever timeout_ms says", async () => {
    // 3 s left: the wait may last 3 s less the reserve kept for answering, not 25 s.
    const { status, tookMs } = await scrape(
      { urls: ["https://example.com/"], timeout_ms: 25_000 },
      lambdaContext(3_000),
    );
    expect(status).toBe(202);
    expect(tookMs).toBeLessThan(3_000 - SCRAPE_ANSWER_RESERVE_MS + 800);
  });
});

describe("ScrapeService, its table gone while it waits", () => {
  it("answers with the stored task to poll, not an error that loses its id", async () => {
    const own = await startTestAws({ setEnv: false });
    try {
      const { doc, sqs } = own.clients;
      const tasks = new TaskService({
        tasks: new DynamoTaskStore(doc, own.tasksTable),
        results: new DynamoResultStore(doc, own.resultsTable),
        queue: new SqsTaskQueue(sqs, own.queueUrl),
      });
      const scraping = new ScrapeService({ tasks, results: new DynamoResultStore(doc, own.resultsTable) }).scrape({
        urls: ["https://example.com/"],
        timeout_ms: 20_000,
      });
      // The first read comes 200 ms after the create; the table is gone before then.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await own.dynamo.close();
      const startedAt = Date.now();
      const outcome = await scraping;
      expect(outcome.ended).toBe(false);
      expect(outcome.task).toMatchObject({ status: "pending", platform: "web", crawler_type: "detail" });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    } finally {
      await own.close().catch(() => undefined);
    }
  });
});

async function taskCount(): Promise<number> {
  const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
  const scan = await aws.clients.doc.send(new ScanCommand({ TableName: aws.tasksTable }));
  return (scan.Items ?? []).length;
}
