/**
 * Both SDKs against a small local HTTP server that answers as API Gateway does in front of the
 * API: its own `{"message":"Too Many Requests"}` 429 (no envelope), `{"message":"Internal Server
 * Error"}` 500, and the API's 503 with `Retry-After`. Checks what is retried, how long each wait
 * is, and what is thrown. The TypeScript client is imported from its source; the Python one runs
 * in python3, as users run it.
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, CrawlTasksClient, WaitTimeoutError } from "../../sdk/typescript/src/index.js";
import { REPO_ROOT } from "../support/markdown.js";

const run = promisify(execFile);

interface Seen {
  method: string;
  url: string;
  at: number;
  idempotencyKey: string | undefined;
}

/** `stall`: send the headers and the body, then nothing more, never ending (a stuck connection). */
type Answer = { status: number; body: string; headers?: Record<string, string>; stall?: boolean };

/** What the server answers to the n-th request (0-based); the last entry repeats. */
let script: Answer[] = [];
let seen: Seen[] = [];
let server: Server;
let baseUrl: string;

const TOO_MANY = { status: 429, body: '{"message":"Too Many Requests"}' };
const GATEWAY_500 = { status: 500, body: '{"message":"Internal Server Error"}' };
const task = (status: string) => ({
  task_id: "01M8HTGMT0PZCB39H6NHNGWHHM",
  platform: "web",
  crawler_type: "crawl",
  params: {},
  status,
  attempts: 1,
  max_attempts: 3,
  created_at: "2026-11-28T19:36:03.648Z",
  updated_at: "2026-11-28T19:36:03.648Z",
  progress: { pages_done: 1, items: 1, errors: 0 },
  result_count: 1,
});
const ok = (data: unknown, status = 200): Answer => ({
  status,
  body: JSON.stringify({ code: 0, message: "ok", data }),
});
const unavailable = (retryAfter: string): Answer => ({
  status: 503,
  headers: { "retry-after": retryAfter },
  body: JSON.stringify({
    code: 503,
    message: "queue: did not answer; try again later",
    data: { error: "DEPENDENCY_UNAVAILABLE", dependency: "queue" },
  }),
});

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers["idempotency-key"];
    seen.push({
      method: request.method ?? "",
      url: request.url ?? "",
      at: Date.now(),
      idempotencyKey: typeof header === "string" ? header : undefined,
    });
    request.resume();
    const answer = script[Math.min(seen.length - 1, script.length - 1)]!;
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    if (answer.stall) response.write(answer.body);
    else response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

const CSV_HEADER = "task_id,item_key,ok\r\n";
const STALLED_PAGE: Answer = { status: 200, body: CSV_HEADER, headers: { "content-type": "text/csv" }, stall: true };

beforeEach(() => {
  seen = [];
  script = [];
});

const gaps = () => seen.slice(1).map((request, i) => request.at - seen[i]!.at);

describe("TypeScript SDK: answers that are not the envelope, and retries", () => {
  const client = (options: Partial<ConstructorParameters<typeof CrawlTasksClient>[0]> = {}) =>
    new CrawlTasksClient({ baseUrl, retryBaseMs: 50, ...options });

  it("asks again after API Gateway's 429, waiting Retry-After, and then answers the task", async () => {
    script = [{ ...TOO_MANY, headers: { "retry-after": "1" } }, TOO_MANY, ok(task("running"))];
    const got = await client().getTask("01M8HTGMT0PZCB39H6NHNGWHHM");
    expect(got.status).toBe("running");
    expect(seen).toHaveLength(3);
    // Retry-After: 1 was waited out; the second wait (no header) is the short backoff.
    expect(gaps()[0]).toBeGreaterThanOrEqual(950);
    expect(gaps()[1]).toBeLessThan(900);
  });

  it("gives up after maxRetries with a typed error: status 429, the gateway's message, no envelope", async () => {
    script = [TOO_MANY];
    const error = await client({ maxRetries: 2 })
      .listTasks()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, message: "Too Many Requests", envelope: false, code: undefined });
    expect((error as ApiError).transient).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it("throws API Gateway's 500 at once, as an ApiError with its message", async () => {
    script = [GATEWAY_500];
    const error = await client()
      .getTask("x")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ApiError", status: 500, message: "Internal Server Error", envelope: false });
    expect(seen).toHaveLength(1);
  });

  it("retries a 503 to createTask only with an idempotency key, sending the same key again", async () => {
    script = [unavailable("0")];
    const error = await client()
      .createTask({ platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: "DEPENDENCY_UNAVAILABLE", retryAfterMs: 0, envelope: true });
    expect(seen).toHaveLength(1);

    seen = [];
    script = [unavailable("0"), ok(task("pending"), 201)];
    const created = await client().createTask(
      { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] },
      { idempotencyKey: "order-42" },
    );
    expect(created.status).toBe("pending");
    expect(seen.map((request) => request.idempotencyKey)).toEqual(["order-42", "order-42"]);
  });

  it("does not wait out a Retry-After longer than retryMaxMs: the error carries it", async () => {
    script = [unavailable("120")];
    const startedAt = Date.now();
    const error = await client()
      .getTask("x")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 120_000 });
    expect(seen).toHaveLength(1);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("waitForTask rides out throttling, then stops at its timeout with the last task", async () => {
    script = [ok(task("running")), TOO_MANY, ok(task("running"))];
    const error = await client({ maxRetries: 0 })
      .waitForTask("01M8HTGMT0PZCB39H6NHNGWHHM", { timeoutMs: 1_500, pollIntervalMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).task?.status).toBe("running");
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it("exportResults gives up on a page whose body stops arriving, with a NetworkError, after the bytes that came", async () => {
    script = [STALLED_PAGE];
    const chunks: string[] = [];
    const startedAt = Date.now();
    const error = await (async () => {
      for await (const chunk of client().exportResults("01M8HTGMT0PZCB39H6NHNGWHHM", {
        format: "csv",
        idleTimeoutMs: 300,
      }))
        chunks.push(new TextDecoder().decode(chunk));
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "NetworkError", message: expect.stringMatching(/no data from the API/) });
    expect(chunks.join("")).toBe(CSV_HEADER);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it("exportResults stops reading a page at once when its signal aborts (no wait for the idle timeout)", async () => {
    script = [STALLED_PAGE];
    const startedAt = Date.now();
    const error = await (async () => {
      for await (const _ of client().exportResults("01M8HTGMT0PZCB39H6NHNGWHHM", {
        format: "csv",
        idleTimeoutMs: 20_000,
        signal: AbortSignal.timeout(300),
      }));
    })().catch((e: unknown) => e);
    // The signal's own reason, as fetch would throw it.
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it("waitForTask stops when its signal aborts, and resolves a task that ended", async () => {
    script = [ok(task("running"))];
    const aborted = await client()
      .waitForTask("01M8HTGMT0PZCB39H6NHNGWHHM", { signal: AbortSignal.timeout(300), pollIntervalMs: 100 })
      .catch((e: unknown) => e);
    expect(aborted).toMatchObject({ name: "TimeoutError" });

    seen = [];
    script = [ok(task("running")), ok(task("failed"))];
    const progress: string[] = [];
    const ended = await client().waitForTask("01M8HTGMT0PZCB39H6NHNGWHHM", {
      pollIntervalMs: 50,
      onProgress: (t) => progress.push(t.status),
    });
    expect(ended.status).toBe("failed");
    expect(progress).toEqual(["running"]);
  });
});

describe("Python SDK: answers that are not the envelope, and retries", () => {
  /** Runs Python that prints one JSON value; the client is `client`, made with these arguments. */
  async function python(code: string, clientArgs = ""): Promise<unknown> {
    const program = [
      "import json, time",
      "from crawl_tasks import Client, ApiError, WaitTimeout",
      `client = Client(${JSON.stringify(baseUrl)}, retry_base=0.05${clientArgs})`,
      code,
    ].join("\n");
    const { stdout } = await run("python3", ["-c", program], {
      env: { ...process.env, PYTHONPATH: join(REPO_ROOT, "sdk/python/src"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    return JSON.parse(stdout);
  }

  const describeError = [
    "def described(call):",
    "    try:",
    "        call()",
    "    except ApiError as e:",
    "        return {'status': e.status, 'message': e.message, 'code': e.code, 'envelope': e.envelope, 'retry_after': e.retry_after, 'transient': e.transient}",
    "",
  ].join("\n");

  it("asks again after API Gateway's 429, waiting Retry-After, and then returns the task", async () => {
    script = [{ ...TOO_MANY, headers: { "retry-after": "1" } }, TOO_MANY, ok(task("running"))];
    const out = await python("print(json.dumps(client.get('01M8HTGMT0PZCB39H6NHNGWHHM').status))");
    expect(out).toBe("running");
    expect(seen).toHaveLength(3);
    expect(gaps()[0]).toBeGreaterThanOrEqual(950);
    expect(gaps()[1]).toBeLessThan(900);
  });

  it("gives up after max_retries, and throws API Gateway's 500 at once, as ApiErrors without an envelope", async () => {
    script = [TOO_MANY];
    const throttled = await python(
      `${describeError}print(json.dumps(described(lambda: client.list())))`,
      ", max_retries=2",
    );
    expect(throttled).toEqual({
      status: 429,
      message: "Too Many Requests",
      code: null,
      envelope: false,
      retry_after: null,
      transient: true,
    });
    expect(seen).toHaveLength(3);

    seen = [];
    script = [GATEWAY_500];
    const failed = await python(`${describeError}print(json.dumps(described(lambda: client.get('x'))))`);
    expect(failed).toMatchObject({ status: 500, message: "Internal Server Error", envelope: false });
    expect(seen).toHaveLength(1);
  });

  it("retries a 503 to create only with an idempotency key; a long Retry-After is raised, not waited", async () => {
    const body = "{'platform': 'web', 'crawler_type': 'crawl', 'urls': ['https://example.com/']}";
    script = [unavailable("0")];
    const refused = await python(`${describeError}print(json.dumps(described(lambda: client.create(${body}))))`);
    expect(refused).toMatchObject({ status: 503, code: "DEPENDENCY_UNAVAILABLE", envelope: true, retry_after: 0 });
    expect(seen).toHaveLength(1);

    seen = [];
    script = [unavailable("0"), ok(task("pending"), 201)];
    const created = await python(`print(json.dumps(client.create(${body}, idempotency_key='order-42').status))`);
    expect(created).toBe("pending");
    expect(seen.map((request) => request.idempotencyKey)).toEqual(["order-42", "order-42"]);

    seen = [];
    script = [unavailable("120")];
    const long = await python(`${describeError}print(json.dumps(described(lambda: client.get('x'))))`);
    expect(long).toMatchObject({ status: 503, retry_after: 120 });
    expect(seen).toHaveLength(1);
  });

  it("export gives up on a page whose body stops arriving (NetworkError) and leaves no partial file", async () => {
    script = [STALLED_PAGE];
    const out = await python(
      [
        "import os, tempfile",
        "from crawl_tasks import NetworkError",
        "target = os.path.join(tempfile.mkdtemp(), 'results.csv')",
        "try:",
        "    client.export('01M8HTGMT0PZCB39H6NHNGWHHM', 'csv', target)",
        "except NetworkError as e:",
        "    print(json.dumps({'error': str(e), 'files': os.listdir(os.path.dirname(target))}))",
      ].join("\n"),
      ", timeout=0.5",
    );
    expect(out).toEqual({ error: expect.stringMatching(/did not answer within 0.5 s/), files: [] });
  });

  it("wait rides out throttling, then raises WaitTimeout with the last task", async () => {
    script = [ok(task("running")), TOO_MANY, ok(task("running"))];
    const out = await python(
      [
        "try:",
        "    client.wait('01M8HTGMT0PZCB39H6NHNGWHHM', timeout=1.5, poll_interval=0.1)",
        "except WaitTimeout as e:",
        "    print(json.dumps(e.task.status))",
      ].join("\n"),
      ", max_retries=0",
    );
    expect(out).toBe("running");
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
