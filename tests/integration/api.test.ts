/**
 * The API handler against real dynalite and local-aws-sqs servers (real SDK clients over HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoResultStore } from "../../core/results/store.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

type Json = { code: number; message: string; data: any };

async function call(method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) {
  const response = await handler(httpEvent(method, path, options), lambdaContext());
  const contentType = response.headers?.["content-type"] ?? "";
  const body =
    contentType.startsWith("application/json") && response.body ? (JSON.parse(response.body) as Json) : undefined;
  return { status: response.statusCode, body: body as Json, raw: response.body ?? "", headers: response.headers ?? {} };
}

const webTask = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] };

async function receiveAll(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const got = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    if (!got.Messages?.length) return bodies;
    for (const message of got.Messages) {
      bodies.push(message.Body ?? "");
      await aws.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

async function countTasks(): Promise<number> {
  const scan = await aws.clients.doc.send(new ScanCommand({ TableName: aws.tasksTable }));
  return (scan.Items ?? []).filter((item) => !String(item.task_id).startsWith("idempotency#")).length;
}

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  await aws?.close();
});

/** A cursor as the API encodes them (base64url JSON of a DynamoDB key), for forging bad ones. */
const cursorOf = (key: Record<string, string>): string =>
  Buffer.from(JSON.stringify(key), "utf8").toString("base64url");

describe("POST /api/v1/tasks", () => {
  it("stores a pending task with defaults, queues {task_id}, answers 201 in the envelope", async () => {
    await receiveAll();
    const { status, body, headers } = await call("POST", "/api/v1/tasks", { body: webTask });
    expect(status).toBe(201);
    expect(body.code).toBe(0);
    expect(body.message).toBe("task created");
    const task = body.data;
    expect(task.task_id).toMatch(/^[0-9A-Z]{26}$/);
    // Where the new task is read (RFC 9110 §15.3.2), relative to the API's origin.
    expect(headers.location).toBe(`/api/v1/tasks/${task.task_id}`);
    expect((await call("GET", headers.location as string)).body.data).toMatchObject({ task_id: task.task_id });
    expect(task).toMatchObject({
      platform: "web",
      crawler_type: "crawl",
      status: "pending",
      attempts: 0,
      result_count: 0,
      progress: { pages_done: 0, items: 0, errors: 0 },
      params: { urls: ["https://example.com/"], max_pages: 50, max_depth: 2, same_origin: true },
    });
    expect(task.list_pk).toBeUndefined();
    expect(new Date(task.created_at).toISOString()).toBe(task.created_at);

    const fetched = await call("GET", `/api/v1/tasks/${task.task_id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual(task);

    expect(await receiveAll()).toEqual([JSON.stringify({ task_id: task.task_id })]);
  });

  it.each([
    [{ ...webTask, surprise: 1 }, 400, /unknown field "surprise"/],
    [{ ...webTask, urls: [] }, 400, /^urls: /],
    [{ ...webTask, urls: ["ftp://example.com/"] }, 400, /^urls\.0: must be an absolute http or https URL/],
    [
      { ...webTask, urls: Array.from({ length: 101 }, (_, i) => `https://e.com/${i}`) },
      400,
      /^urls: must contain at most 100/,
    ],
    [{ ...webTask, max_pages: 10001 }, 400, /^max_pages: /],
    [{ ...webTask, crawler_type: "search" }, 400, /^crawler_type: /],
    [{ ...webTask, include: ["("] }, 400, /^include\.0: must be a valid regular expression/],
    [{ ...webTask, selectors: { title: "h1" } }, 400, /^selectors\.title: selector name is reserved/],
    [
      { ...webTask, platform: "xhs" },
      400,
      /^crawler_type: must be "search", "detail" or "creator"|^unknown field "urls"/,
    ],
    [{ platform: "xhs", crawler_type: "search" }, 400, /^keywords: is required for crawler_type "search"/],
    [{ ...webTask, platform: "myspace" }, 400, /^platform: must be one of/],
    [{ crawler_type: "crawl" }, 400, /^platform: is required/],
    [[webTask], 400, /^body: must be a JSON object/],
  ])("rejects %j with %i naming the field", async (body, status, message) => {
    const before = await countTasks();
    const response = await call("POST", "/api/v1/tasks", { body });
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(status);
    expect(response.body.message).toMatch(message);
    expect(await countTasks()).toBe(before);
  });

  it("stores the caller's metadata as given and shows it on the task; refuses nested values naming the key", async () => {
    const metadata = { job: "nightly-2026-12-05", batch: 7, urgent: false, note: null };
    const created = await call("POST", "/api/v1/tasks", { body: { ...webTask, metadata } });
    expect(created.status).toBe(201);
    expect(created.body.data.metadata).toEqual(metadata);
    expect((await call("GET", `/api/v1/tasks/${created.body.data.task_id}`)).body.data.metadata).toEqual(metadata);

    const nested = await call("POST", "/api/v1/tasks", { body: { ...webTask, metadata: { job: { id: 1 } } } });
    expect([nested.status, nested.body.message]).toEqual([
      400,
      "metadata.job: must be a string, a number, true, false or null",
    ]);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    expect((await call("POST", "/api/v1/tasks", { body: { ...webTask, metadata: many } })).body.message).toBe(
      "metadata: must have at most 20 keys",
    );
  });

  it("lists every problem of a refused body in data.errors, the first being message and field", async () => {
    const body = { ...webTask, max_pages: 0, max_depth: 99, max_attempts: 11, surprise: true };
    const response = await call("POST", "/api/v1/tasks", { body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 400,
      message: "max_attempts: must be at most 10",
      data: {
        error: "VALIDATION_FAILED",
        field: "max_attempts",
        errors: [
          { field: "max_attempts", message: "max_attempts: must be at most 10" },
          { field: "max_pages", message: "max_pages: must be at least 1" },
          { field: "max_depth", message: "max_depth: must be at most 20" },
          { field: "surprise", message: 'unknown field "surprise"' },
        ],
      },
    });
  });

  it("answers malformed JSON with 400, a wrong content type with 415, an oversized body with 413", async () => {
    const malformed = await call("POST", "/api/v1/tasks", { body: "{not json" });
    expect([malformed.status, malformed.body.code, malformed.body.message]).toEqual([
      400,
      400,
      "body: is not valid JSON",
    ]);

    const wrongType = await call("POST", "/api/v1/tasks", {
      body: JSON.stringify(webTask),
      headers: { "Content-Type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.message).toMatch(/^content-type: must be application\/json/);

    const huge = await call("POST", "/api/v1/tasks", { body: { ...webTask, pad: "x".repeat(4 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/^body: must be at most 4194304 bytes/);

    const empty = await call("POST", "/api/v1/tasks", { body: "" });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("body: must be a JSON object");
  });

  it("returns the same task for a repeated Idempotency-Key and 409 for the key with another body", async () => {
    const headers = { "Idempotency-Key": "order-42" };
    const first = await call("POST", "/api/v1/tasks", { body: webTask, headers });
    const again = await call("POST", "/api/v1/tasks", { body: webTask, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.data.task_id).toBe(first.body.data.task_id);

    const other = await call("POST", "/api/v1/tasks", { body: { ...webTask, max_pages: 3 }, headers });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/^Idempotency-Key: /);
  });
});

describe("reading tasks", () => {
  it("lists newest first, filters by status and platform, pages with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call("POST", "/api/v1/tasks", { body: webTask })).body.data.task_id);
    const cancelled = ids[1]!;
    expect((await call("POST", `/api/v1/tasks/${cancelled}/cancel`)).status).toBe(200);

    const firstPage = await call("GET", "/api/v1/tasks?limit=3");
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.data.items.map((t: any) => t.task_id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(firstPage.body.data.next_cursor).toEqual(expect.any(String));
    const second = await call("GET", `/api/v1/tasks?limit=2&cursor=${firstPage.body.data.next_cursor}`);
    expect(second.body.data.items.map((t: any) => t.task_id)).toEqual([ids[1], ids[0]]);

    const onlyCancelled = await call("GET", "/api/v1/tasks?status=cancelled&platform=web");
    expect(onlyCancelled.body.data.items.map((t: any) => t.task_id)).toEqual([cancelled]);
    const byStatus = await call("GET", "/api/v1/tasks?status=cancelled");
    expect(byStatus.body.data.items.map((t: any) => t.task_id)).toEqual([cancelled]);
    const pendingWeb = await call("GET", "/api/v1/tasks?status=pending&platform=web&limit=100");
    expect(pendingWeb.body.data.items.map((t: any) => t.task_id)).not.toContain(cancelled);
    expect(pendingWeb.body.data.items.map((t: any) => t.task_id)).toEqual(expect.arrayContaining([ids[0], ids[4]]));
    const otherPlatform = await call("GET", "/api/v1/tasks?platform=xhs");
    expect(otherPlatform.body.data).toEqual({ items: [], next_cursor: null });
  });

  it.each([
    ["/api/v1/tasks?limit=0", /^limit: must be at least 1$/],
    ["/api/v1/tasks?limit=500", /^limit: must be at most 100$/],
    ["/api/v1/tasks?limit=abc", /^limit: must be a number$/],
    ["/api/v1/tasks?status=done", /^status: /],
    ["/api/v1/tasks?cursor=bm90LWEtY3Vyc29y", /^cursor: /],
    ["/api/v1/tasks?colour=red", /unknown field "colour"/],
    // Forged or misused cursors: partial keys, or a key of another listing's index.
    [`/api/v1/tasks?cursor=${cursorOf({ task_id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })}`, /^cursor: /],
    [`/api/v1/tasks?cursor=${cursorOf({ list_pk: "task" })}`, /^cursor: /],
    [`/api/v1/tasks?cursor=${cursorOf({ task_id: "01ARZ3NDEKTSV4RRFFQ69G5FAV", list_pk: "other" })}`, /^cursor: /],
    [
      `/api/v1/tasks?status=pending&cursor=${cursorOf({ task_id: "01ARZ3NDEKTSV4RRFFQ69G5FAV", list_pk: "task" })}`,
      /^cursor: /,
    ],
  ])("rejects the query %s with 400", async (path, message) => {
    const response = await call("GET", path);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it("answers 404 in the envelope for an unknown task and an unknown route", async () => {
    const unknown = await call("GET", "/api/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 404, message: expect.stringMatching(/not found/) });
    const garbage = await call("GET", "/api/v1/tasks/..%2F..%2Fetc");
    expect(garbage.status).toBe(404);
    const route = await call("GET", "/api/v2/nothing");
    expect(route.status).toBe(404);
    expect(route.body.message).toBe("no route for GET /api/v2/nothing");
  });

  it("answers 405 with Allow for a method the path does not take", async () => {
    const put = await call("PUT", "/api/v1/tasks");
    expect([put.status, put.headers.allow]).toEqual([405, "POST, GET, HEAD"]);
    expect(put.body).toEqual({
      code: 405,
      message: "method not allowed: PUT /api/v1/tasks (allowed: POST, GET, HEAD)",
      data: { error: "METHOD_NOT_ALLOWED" },
    });
    const getCancel = await call("GET", "/api/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel");
    expect([getCancel.status, getCancel.headers.allow]).toEqual([405, "POST"]);
  });
});

describe("cancel and retry", () => {
  it("refuses a POST that does not say JSON, even without a body: a page on another origin could send it without a preflight", async () => {
    const id = (await call("POST", "/api/v1/tasks", { body: webTask })).body.data.task_id;
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const refused = await call("POST", `/api/v1/tasks/${id}/cancel`, { headers: { "content-type": contentType } });
      expect(refused.status, contentType).toBe(415);
      expect(refused.body).toMatchObject({
        code: 415,
        data: { error: "UNSUPPORTED_MEDIA_TYPE", field: "content-type" },
      });
    }
    expect((await call("GET", `/api/v1/tasks/${id}`)).body.data.status).toBe("pending");
  });

  it("answers HEAD wherever GET works, with GET's status and no body", async () => {
    const id = (await call("POST", "/api/v1/tasks", { body: webTask })).body.data.task_id;
    for (const path of ["/health", `/api/v1/tasks/${id}`, "/api/v1/tasks", `/api/v1/tasks/${id}/results`]) {
      const head = await call("HEAD", path);
      expect(head.status, path).toBe(200);
      expect(head.raw, path).toBe("");
    }
    expect((await call("HEAD", "/api/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(404);
  });

  it("cancels a pending task, refuses to cancel twice differently, retries it back to pending", async () => {
    const id = (await call("POST", "/api/v1/tasks", { body: webTask })).body.data.task_id;
    const cancel = await call("POST", `/api/v1/tasks/${id}/cancel`);
    expect(cancel.body.data.status).toBe("cancelled");
    expect(cancel.body.data.finished_at).toEqual(expect.any(String));
    expect((await call("POST", `/api/v1/tasks/${id}/cancel`)).body.data.status).toBe("cancelled");

    await receiveAll();
    const retry = await call("POST", `/api/v1/tasks/${id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.body.data.status).toBe("pending");
    expect(retry.body.data.finished_at).toBeUndefined();
    expect(await receiveAll()).toEqual([JSON.stringify({ task_id: id })]);

    const retryPending = await call("POST", `/api/v1/tasks/${id}/retry`);
    expect(retryPending.status).toBe(409);
    expect(retryPending.body.message).toMatch(/only failed or cancelled/);
  });
});

describe("results", () => {
  it("returns an empty page in json, jsonl and csv for a task without results, 400 for a bad format", async () => {
    const id = (await call("POST", "/api/v1/tasks", { body: webTask })).body.data.task_id;
    const json = await call("GET", `/api/v1/tasks/${id}/results`);
    expect(json.body.data).toEqual({ items: [], next_cursor: null });
    const jsonl = await call("GET", `/api/v1/tasks/${id}/results?format=jsonl`);
    expect(jsonl.headers["content-type"]).toMatch(/ndjson/);
    expect(jsonl.raw).toBe("");
    const csv = await call("GET", `/api/v1/tasks/${id}/results?format=csv`);
    // The header alone: a web task's fixed columns (core/results/export.ts), even with no rows.
    expect(csv.raw.startsWith("task_id,item_key,ok,url,final_url,status,title,")).toBe(true);
    expect(csv.raw.endsWith(",blocked_requests\r\n")).toBe(true);
    const bad = await call("GET", `/api/v1/tasks/${id}/results?format=xml`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^format: /);
    expect((await call("GET", "/api/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV/results")).status).toBe(404);
  });
});

describe("GET /health", () => {
  it("is 200 while the table and queue answer", async () => {
    const response = await call("GET", "/health");
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ tasks_table: "ok", queue: "ok" });
  });
});

describe("DELETE /api/v1/tasks/{task_id}", () => {
  it("deletes a finished task, every one of its results and its stored URL list; 409 while it may run, 404 after", async () => {
    const urls = Array.from({ length: 150 }, (_, i) => `https://example.com/p/${i}`);
    const id = (await call("POST", "/api/v1/tasks", { body: { ...webTask, crawler_type: "detail", urls } })).body.data
      .task_id as string;
    const pieces = async () =>
      ((await aws.clients.doc.send(new ScanCommand({ TableName: aws.tasksTable }))).Items ?? []).filter((item) =>
        String(item.task_id).startsWith(`urls#${id}#`),
      ).length;
    expect(await pieces()).toBeGreaterThan(0);

    // Pending: it may still run.
    const early = await call("DELETE", `/api/v1/tasks/${id}`);
    expect([early.status, early.body.message]).toEqual([409, "task is pending: cancel it first, then delete it"]);

    // 60 results (more than one batch of 25), then the task ends.
    const results = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
    await results.putMany(
      id,
      Array.from({ length: 60 }, (_, i) => ({ item_key: `k${i}`, ok: true, data: { url: urls[i] } })),
    );
    expect((await call("POST", `/api/v1/tasks/${id}/cancel`, { body: "" })).status).toBe(200);

    const deleted = await call("DELETE", `/api/v1/tasks/${id}`);
    expect([deleted.status, deleted.body]).toEqual([
      200,
      { code: 0, message: "task deleted", data: { task_id: id, results_deleted: 60 } },
    ]);
    expect((await call("GET", `/api/v1/tasks/${id}`)).status).toBe(404);
    expect((await results.list(id, { limit: 100 })).items).toEqual([]);
    expect(await pieces()).toBe(0);
    expect((await call("DELETE", `/api/v1/tasks/${id}`)).status).toBe(404);
  });
});
