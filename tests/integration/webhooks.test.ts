/**
 * Webhooks against real dynalite and local-aws-sqs servers and a real HTTP receiver: tasks
 * created and cancelled through the API handler, events queued on the webhook queue, and
 * the webhook function run on them by the one-machine stack's queue poller — signatures,
 * retries with back-off, the egress policy at create time and at delivery, the timeout.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../core/aws/clients.js";
import { TaskService, type Task } from "../../core/tasks/index.js";
import {
  deliverWebhook,
  DynamoWebhookRecords,
  QueueWebhookNotifier,
  SqsWebhookQueue,
  REPLAY_WINDOW_SECS,
  verifySignature,
  verifyTimestamped,
  type DispatchOptions,
  type WebhookEvent,
} from "../../core/webhooks/index.js";
import { buildOpenApiDocument } from "../../functions/api/openapi.js";
import { ensureWebhookQueues } from "../../local/webhooks.js";
import { DocumentValidator } from "../support/curlExamples.js";
import { startWorker, type Worker } from "../../local/worker.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts } from "../../core/wiring/tasks.js";
import { crawlerParts } from "../../core/wiring/crawler.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { runTask } from "../../core/crawl/index.js";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { startTestSite } from "../support/site.js";

const SECRET = "integration-webhook-secret-0123456789";

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: Buffer;
  at: number;
}

/** A webhook receiver: records every request; `answer` decides what each path gets. */
interface Receiver {
  server: Server;
  port: number;
  hits: Hit[];
  url(path: string, host?: string): string;
  close(): Promise<void>;
}

async function startReceiver(answer: (path: string, count: number, res: ServerResponse) => void): Promise<Receiver> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      hits.push({ path, headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() });
      answer(path, hits.filter((hit) => hit.path === path).length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    hits,
    url: (path, host = "127.0.0.1") => `http://${host}:${port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let aws: TestAws;
let webhookQueueUrl: string;
let receiver: Receiver;
let apiHandler: typeof import("../../functions/api/handler.js").handler;
let createWebhookHandler: typeof import("../../functions/webhooks/handler.js").createWebhookHandler;
let worker: Worker | undefined;

type Json = { code: number; message: string; data: any };
async function call(method: string, path: string, body?: object): Promise<{ status: number; body: Json }> {
  const response = await apiHandler(httpEvent(method, path, body === undefined ? {} : { body }), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? "") as Json };
}

const webTask = (webhook_url: string) => ({
  platform: "web",
  crawler_type: "detail",
  urls: ["https://example.com/"],
  webhook_url,
});

/** Runs the webhook function on the webhook queue until the test ends. */
function startDelivering(options: Partial<DispatchOptions> = {}): void {
  const handler = createWebhookHandler({
    deps: {
      queue: new SqsWebhookQueue(aws.clients.sqs, webhookQueueUrl),
      records: new DynamoWebhookRecords(aws.clients.doc, aws.tasksTable),
    },
    // Strict policy: only the receiver's own endpoint is let through, not loopback as a whole.
    options: {
      secret: SECRET,
      retryBaseDelaySecs: 1,
      timeoutMs: 2000,
      policy: { allowPrivate: false, allowTargets: [`127.0.0.1:${receiver.port}`] },
      ...options,
    },
  });
  worker = startWorker({
    sqs: aws.clients.sqs,
    queueUrl: webhookQueueUrl,
    handler,
    timeoutMs: 30_000,
    functionName: "webhooks",
    waitTimeSecs: 1,
  });
}

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function getTask(taskId: string): Promise<Task> {
  return (await call("GET", `/api/v1/tasks/${taskId}`)).body.data as Task;
}

async function webhookQueueDepth(): Promise<number> {
  const answer = await aws.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: webhookQueueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
      ],
    }),
  );
  const a = answer.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages) +
    Number(a.ApproximateNumberOfMessagesDelayed) +
    Number(a.ApproximateNumberOfMessagesNotVisible)
  );
}

async function createAndCancel(webhookUrl: string, fields: Record<string, unknown> = {}): Promise<Task> {
  const created = await call("POST", "/api/v1/tasks", { ...webTask(webhookUrl), ...fields });
  expect(created.status).toBe(201);
  const cancelled = await call("POST", `/api/v1/tasks/${created.body.data.task_id}/cancel`);
  expect(cancelled.body.data.status).toBe("cancelled");
  return cancelled.body.data as Task;
}

beforeAll(async () => {
  aws = await startTestAws();
  ({ queueUrl: webhookQueueUrl } = await ensureWebhookQueues(aws.clients.sqs));
  // Before the API handler loads: its task service sends events to this queue.
  process.env.WEBHOOK_QUEUE_URL = webhookQueueUrl;
  // Loaded after startTestAws set the log level: the functions' loggers read it when they load.
  ({ handler: apiHandler } = await import("../../functions/api/handler.js"));
  ({ createWebhookHandler } = await import("../../functions/webhooks/handler.js"));
  receiver = await startReceiver((path, count, res) => {
    if (path === "/hang") return; // never answers
    if (path === "/flaky" && count <= 2) return void res.writeHead(503).end("not now");
    res.writeHead(204).end();
  });
});

afterEach(async () => {
  if (worker === undefined) return;
  worker.stop();
  await worker.done;
  worker = undefined;
  // local-aws-sqs still hands messages to a stopped worker's long poll until its wait ends
  // (local/worker.ts); the next test's first event must not vanish into it.
  await new Promise((resolve) => setTimeout(resolve, 1200));
});

afterAll(async () => {
  await receiver?.close();
  await aws?.close();
});

describe("webhook_url at create", () => {
  it("is stored and shown back", async () => {
    const created = await call("POST", "/api/v1/tasks", webTask(receiver.url("/shown")));
    expect(created.status).toBe(201);
    expect(created.body.data.webhook_url).toBe(receiver.url("/shown"));
    expect((await getTask(created.body.data.task_id)).webhook_url).toBe(receiver.url("/shown"));
  });

  it.each([
    [
      "a link-local literal (cloud metadata), refused even with ALLOW_PRIVATE_TARGETS=1",
      "http://169.254.169.254/hook",
      "1",
      "169.254.0.0/16",
    ],
    ["a private literal with ALLOW_PRIVATE_TARGETS=0", "http://10.1.2.3:8080/hook", "0", "10.0.0.0/8 private"],
    ["a loopback IPv6 literal with ALLOW_PRIVATE_TARGETS=0", "http://[::1]/hook", "0", "::1/128 loopback"],
    [
      "a loopback literal spelled as a number with ALLOW_PRIVATE_TARGETS=0",
      "http://2130706433/hook",
      "0",
      "127.0.0.0/8",
    ],
    ["another scheme", "ftp://example.com/hook", "1", "must be an absolute http or https URL"],
    [
      "credentials in the URL",
      "https://user:hunter2@example.com/hook",
      "1",
      "must not contain a user name or password",
    ],
    ["an over-long URL", `https://example.com/${"a".repeat(2100)}`, "1", "at most 2048 characters"],
  ])("refuses %s with a 400 naming webhook_url", async (_case, url, allowPrivate, reason) => {
    const saved = process.env.ALLOW_PRIVATE_TARGETS;
    process.env.ALLOW_PRIVATE_TARGETS = allowPrivate;
    try {
      const { status, body } = await call("POST", "/api/v1/tasks", webTask(url));
      expect(status).toBe(400);
      expect(body.message).toMatch(/^webhook_url: /);
      expect(body.message).toContain(reason);
      expect(body.message).not.toContain("hunter2");
    } finally {
      process.env.ALLOW_PRIVATE_TARGETS = saved;
    }
  });

  it("accepts a host name whatever it resolves to (checked at each delivery instead)", async () => {
    const saved = process.env.ALLOW_PRIVATE_TARGETS;
    process.env.ALLOW_PRIVATE_TARGETS = "0";
    try {
      expect((await call("POST", "/api/v1/tasks", webTask("http://localhost:9/hook"))).status).toBe(201);
    } finally {
      process.env.ALLOW_PRIVATE_TARGETS = saved;
    }
  });
});

describe("delivery", () => {
  it("POSTs a cancelled task's event, signed with the secret over the exact raw body, and records it", async () => {
    startDelivering();
    const metadata = { job: "nightly", batch: 7 };
    const cancelled = await createAndCancel(receiver.url("/ok"), { metadata });
    const hit = await until(() => receiver.hits.find((h) => h.path === "/ok"), Boolean);

    expect(hit!.headers["content-type"]).toBe("application/json");
    expect(hit!.headers["x-webhook-event"]).toBe("task.cancelled");
    expect(hit!.headers["x-webhook-attempt"]).toBe("1");
    expect(hit!.headers["user-agent"]).toMatch(/^crawl-tasks-webhooks\//);
    // The receiver's own computation, not ours: HMAC-SHA256 of the bytes received.
    const expected = `sha256=${createHmac("sha256", SECRET).update(hit!.raw).digest("hex")}`;
    expect(hit!.headers["x-signature"]).toBe(expected);
    expect(verifySignature(SECRET, hit!.raw, hit!.headers["x-signature"] as string)).toBe(true);
    expect(verifySignature("another-secret-0123456789", hit!.raw, hit!.headers["x-signature"] as string)).toBe(false);
    expect(
      verifySignature(SECRET, Buffer.concat([hit!.raw, Buffer.from(" ")]), hit!.headers["x-signature"] as string),
    ).toBe(false);
    // The attempt's time, signed with the body: again the receiver's own computation.
    const timestamped = hit!.headers["x-webhook-signature"] as string;
    const [, t] = /^t=(\d+),/.exec(timestamped) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(timestamped).toBe(
      `t=${t},sha256=${createHmac("sha256", SECRET).update(`${t}.`).update(hit!.raw).digest("hex")}`,
    );
    expect(verifyTimestamped(SECRET, hit!.raw, timestamped)).toBe(true);
    // Replayed later than the window, the same bytes and header are refused.
    expect(verifyTimestamped(SECRET, hit!.raw, timestamped, Number(t) + REPLAY_WINDOW_SECS + 1)).toBe(false);

    const event = JSON.parse(hit!.raw.toString("utf8")) as WebhookEvent;
    expect(event.id).toBe(hit!.headers["x-webhook-id"]);
    expect(event.id).toMatch(new RegExp(`^evt_${cancelled.task_id}_cancelled_\\d+$`));
    expect(event.type).toBe("task.cancelled");
    expect(event.created_at).toBe(cancelled.finished_at);
    expect(event.task).toMatchObject({
      task_id: cancelled.task_id,
      status: "cancelled",
      webhook_url: receiver.url("/ok"),
      // The caller's labels come back with the event.
      metadata,
    });
    // The document's webhooks section describes this very delivery: body and headers.
    const documented = buildOpenApiDocument().webhooks.taskEnded!.post;
    const validator = new DocumentValidator(buildOpenApiDocument());
    expect(validator.errors({ $ref: "#/components/schemas/WebhookEvent" }, event)).toEqual([]);
    for (const header of documented.parameters) {
      expect(validator.errors(header.schema, hit!.headers[header.name.toLowerCase()]), header.name).toEqual([]);
    }

    const recorded = await until(
      () => getTask(cancelled.task_id),
      (task) => task.webhook?.status === "delivered",
    );
    expect(recorded.webhook).toMatchObject({
      event_id: event.id,
      event_type: "task.cancelled",
      attempts: 1,
      last_status: 204,
    });
    expect(recorded.webhook?.last_error).toBeUndefined();
  });

  it("retries a failing receiver with the same event id and growing delays, through the queue", async () => {
    startDelivering();
    // A dead-lettered crawl message fails its task: the dead-letter path raises task.failed.
    const created = await call("POST", "/api/v1/tasks", webTask(receiver.url("/flaky")));
    const maintenance = buildDependencies(taskParts).taskMaintenance;
    const failed = await maintenance.failDeadLettered(created.body.data.task_id, 5);
    expect(failed?.status).toBe("failed");

    const hits = await until(
      () => receiver.hits.filter((h) => h.path === "/flaky"),
      (found) => found.length >= 3,
      30_000,
    );
    expect(new Set(hits.map((h) => h.headers["x-webhook-id"])).size).toBe(1);
    expect(hits.map((h) => h.headers["x-webhook-attempt"])).toEqual(["1", "2", "3"]);
    expect(hits.map((h) => h.headers["x-webhook-event"])).toEqual(["task.failed", "task.failed", "task.failed"]);
    // Every attempt sends the same bytes, so the same signature.
    expect(new Set(hits.map((h) => h.raw.toString("base64"))).size).toBe(1);
    const gaps = [hits[1]!.at - hits[0]!.at, hits[2]!.at - hits[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(900); // 1 s back-off
    expect(gaps[1]).toBeGreaterThanOrEqual(1900); // then 2 s
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);

    const recorded = await until(
      () => getTask(failed!.task_id),
      (task) => task.webhook?.status === "delivered",
    );
    expect(recorded.webhook).toMatchObject({ attempts: 3, last_status: 204 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.hits.filter((h) => h.path === "/flaky")).toHaveLength(3);
  });

  it("refuses a host name that resolves to a private address, without retrying", async () => {
    startDelivering();
    // "localhost" resolves to loopback; only 127.0.0.1:<the receiver's port> is allowed, not this port.
    const other = await startReceiver((_path, _count, res) => void res.writeHead(204).end());
    try {
      const cancelled = await createAndCancel(other.url("/private", "localhost"));
      const recorded = await until(
        () => getTask(cancelled.task_id),
        (task) => task.webhook !== undefined,
      );
      expect(recorded.webhook).toMatchObject({ status: "failed", attempts: 1 });
      expect(recorded.webhook?.last_error).toMatch(
        /resolves to (127\.0\.0\.1|::1) \((127\.0\.0\.0\/8|::1\/128) loopback\)/,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(other.hits).toHaveLength(0);
      expect(await webhookQueueDepth()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("gives up on a receiver that never answers after the timeout, and drops the event after the last attempt", async () => {
    startDelivering({ timeoutMs: 800, maxAttempts: 2 });
    const cancelled = await createAndCancel(receiver.url("/hang"));
    const recorded = await until(
      () => getTask(cancelled.task_id),
      (task) => task.webhook?.status === "failed",
      30_000,
    );
    expect(recorded.webhook).toMatchObject({ attempts: 2, last_error: "no answer within 800 ms" });
    expect(receiver.hits.filter((h) => h.path === "/hang")).toHaveLength(2);
    expect(await webhookQueueDepth()).toBe(0);
  });
});

describe("deliverWebhook", () => {
  it("ends an attempt with no answer at the timeout", async () => {
    const startedAt = Date.now();
    const result = await deliverWebhook(
      {
        event_id: "evt_x",
        event_type: "task.completed",
        task_id: "x",
        event_created_at: new Date().toISOString(),
        url: receiver.url("/hang"),
        body: "{}",
        attempt: 1,
      },
      { secret: SECRET, timeoutMs: 700, policy: { allowTargets: [`127.0.0.1:${receiver.port}`] } },
    );
    const took = Date.now() - startedAt;
    expect(result).toMatchObject({ delivered: false, retryable: true, error: "no answer within 700 ms" });
    expect(took).toBeGreaterThanOrEqual(650);
    expect(took).toBeLessThan(2500);
  });

  it("connects to the address it checked, not to a second lookup of the name", async () => {
    let lookups = 0;
    const before = receiver.hits.length;
    const result = await deliverWebhook(
      {
        event_id: "evt_z",
        event_type: "task.completed",
        task_id: "z",
        event_created_at: new Date().toISOString(),
        url: `http://hooks.invalid:${receiver.port}/ok`,
        body: "{}",
        attempt: 1,
      },
      {
        secret: SECRET,
        policy: { allowPrivate: false, allowTargets: [`127.0.0.1:${receiver.port}`] },
        // One answer, checked; ".invalid" never resolves, so the request can only have used it.
        resolveHost: async () => {
          lookups++;
          return [{ address: "127.0.0.1", family: 4 }];
        },
      },
    );
    expect(result).toMatchObject({ delivered: true, status: 204 });
    expect(lookups).toBe(1);
    expect(receiver.hits.length).toBe(before + 1);
    expect(receiver.hits.at(-1)?.headers.host).toBe(`hooks.invalid:${receiver.port}`);
  });

  it("refuses a name with one public and one private address, without connecting", async () => {
    const before = receiver.hits.length;
    const result = await deliverWebhook(
      {
        event_id: "evt_r",
        event_type: "task.completed",
        task_id: "r",
        event_created_at: new Date().toISOString(),
        url: `http://rebind.invalid:${receiver.port}/ok`,
        body: "{}",
        attempt: 1,
      },
      {
        secret: SECRET,
        policy: { allowPrivate: false },
        resolveHost: async () => [
          { address: "93.184.215.14", family: 4 },
          { address: "127.0.0.1", family: 4 },
        ],
      },
    );
    expect(result).toMatchObject({ delivered: false, retryable: false });
    expect((result as { error: string }).error).toContain("resolves to 127.0.0.1");
    expect(receiver.hits.length).toBe(before);
  });

  it("does not follow a redirect", async () => {
    const redirecting = await startReceiver((path, _count, res) => {
      if (path === "/moved") return void res.writeHead(307, { location: receiver.url("/ok") }).end();
      res.writeHead(204).end();
    });
    try {
      const before = receiver.hits.length;
      const result = await deliverWebhook(
        {
          event_id: "evt_y",
          event_type: "task.completed",
          task_id: "y",
          event_created_at: new Date().toISOString(),
          url: redirecting.url("/moved"),
          body: "{}",
          attempt: 1,
        },
        { secret: SECRET, policy: { allowPrivate: true } },
      );
      expect(result).toMatchObject({ delivered: false, retryable: true, status: 307, error: "HTTP 307" });
      expect(receiver.hits.length).toBe(before);
    } finally {
      await redirecting.close();
    }
  });
});

describe("queueing events", () => {
  it("never fails a cancel because the webhook queue is down", async () => {
    const dead = createAwsClients({ sqsEndpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    const logged: string[] = [];
    const service = new TaskService({
      ...buildDependencies(taskParts).taskDeps,
      webhooks: new QueueWebhookNotifier(new SqsWebhookQueue(dead.sqs, webhookQueueUrl), (message) =>
        logged.push(message),
      ),
    });
    const { task } = await service.create(webTask(receiver.url("/never")));
    const cancelled = await service.cancel(task.task_id);
    expect(cancelled.status).toBe("cancelled");
    expect(logged).toEqual(["webhook event not queued"]);
    dead.sqs.destroy();
    dead.dynamo.destroy();
  });

  it("queues nothing for a task without webhook_url", async () => {
    const before = await webhookQueueDepth();
    const created = await call("POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: ["https://example.com/"],
    });
    await call("POST", `/api/v1/tasks/${created.body.data.task_id}/cancel`);
    expect(await webhookQueueDepth()).toBe(before);
  });
});

describe("webhook_events", () => {
  it.each([
    ["without a webhook_url", { webhook_events: ["task.started"] }, "webhook_events: needs a webhook_url"],
    [
      "an unknown type",
      { webhook_url: "https://hooks.example.com/", webhook_events: ["task.exploded"] },
      "webhook_events.0: must be one of",
    ],
    ["an empty list", { webhook_url: "https://hooks.example.com/", webhook_events: [] }, "webhook_events"],
    [
      "a type twice",
      { webhook_url: "https://hooks.example.com/", webhook_events: ["task.page", "task.page"] },
      "webhook_events: must not name an event type twice",
    ],
    ["not an array", { webhook_url: "https://hooks.example.com/", webhook_events: "task.page" }, "webhook_events"],
  ])("refuses %s with a 400 naming the field, storing nothing", async (_case, fields, message) => {
    const created = await call("POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: ["https://example.com/"],
      ...fields,
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain(message);
    expect(created.body.data.errors[0].field).toMatch(/^webhook_events/);
  });

  it("sends task.started, task.page batches in sequence and task.completed of a real crawl, each as the document describes it", async () => {
    startDelivering();
    const site = await startTestSite();
    try {
      const paths = ["/about", "/products?id=1", "/products?id=2", "/missing", "/chain/1"];
      const created = await call("POST", "/api/v1/tasks", {
        platform: "web",
        crawler_type: "detail",
        render: "never",
        urls: paths.map((path) => site.urlFor(path)),
        webhook_url: receiver.url("/events"),
        webhook_events: ["task.started", "task.page", "task.completed"],
        metadata: { job: "events" },
      });
      expect(created.status).toBe(201);
      const taskId = created.body.data.task_id as string;
      expect(created.body.data.webhook_events).toEqual(["task.started", "task.page", "task.completed"]);

      const noBrowser = { newTaskContext: () => Promise.reject(new Error("a render: never task opened a browser")) };
      const deps = buildDependencies({ ...taskParts, ...accountParts, ...crawlerParts(noBrowser) }).runDeps;
      // A flush per page and an event per 2 pages: 2 + 2 + the last one at the run's end.
      const outcome = await runTask(taskId, deps, {
        flushEveryItems: 1,
        pageEvents: { everyItems: 2, everyMs: 60_000 },
      });
      expect(outcome.kind).toBe("completed");

      const hits = await until(
        () => receiver.hits.filter((hit) => hit.path === "/events"),
        (got) => got.length >= 5,
      );
      const events = hits.map((hit) => ({ hit, event: JSON.parse(hit.raw.toString("utf8")) as WebhookEvent }));
      const ofType = (type: string) => events.filter(({ event }) => event.type === type);
      expect(events).toHaveLength(5);

      const [started] = ofType("task.started");
      expect(started!.event).toMatchObject({
        id: `evt_${taskId}_started_1`,
        task: { task_id: taskId, status: "running", attempts: 1, metadata: { job: "events" } },
      });

      const pages = ofType("task.page")
        .map(({ event }) => event)
        .filter((event) => event.type === "task.page")
        .sort((a, b) => a.sequence - b.sequence);
      expect(pages.map((page) => [page.id, page.sequence, page.items.length])).toEqual([
        [`evt_${taskId}_page_1`, 1, 2],
        [`evt_${taskId}_page_2`, 2, 2],
        [`evt_${taskId}_page_3`, 3, 1],
      ]);
      expect(pages.flatMap((page) => page.items.map((item) => item.url)).sort()).toEqual(
        paths.map((path) => site.urlFor(path)).sort(),
      );
      expect(pages.reduce((sum, page) => sum + page.error_count, 0)).toBe(1); // /missing is a 404
      expect(pages.at(-1)!.task).toMatchObject({ progress: { pages_done: 5, items: 5 }, result_count: 5 });
      // The keys are those GET …/results lists.
      const results = await call("GET", `/api/v1/tasks/${taskId}/results?limit=100`);
      expect(pages.flatMap((page) => page.items.map((item) => item.item_key)).sort()).toEqual(
        (results.body.data.items as Array<{ item_key: string }>).map((item) => item.item_key).sort(),
      );

      const [completed] = ofType("task.completed");
      expect(completed!.event.task).toMatchObject({ status: "completed", result_count: 5 });

      // Each delivery is valid against its operation of the document's webhooks section.
      const document = buildOpenApiDocument();
      const validator = new DocumentValidator(document);
      const operationOf = { "task.started": "taskStarted", "task.page": "taskPage", "task.completed": "taskEnded" };
      for (const { hit, event } of events) {
        const operation = document.webhooks[operationOf[event.type as keyof typeof operationOf]]!.post;
        const body = operation.requestBody.content["application/json"]!.schema;
        expect(validator.errors(body, event), event.id).toEqual([]);
        for (const header of operation.parameters)
          expect(validator.errors(header.schema, hit.headers[header.name.toLowerCase()]), header.name).toEqual([]);
        expect(hit.headers["x-webhook-id"]).toBe(event.id);
      }

      // The sequence rode on the progress writes (no write of its own) and is never shown.
      const stored = await aws.clients.doc.send(
        new GetCommand({ TableName: aws.tasksTable, Key: { task_id: taskId } }),
      );
      expect(stored.Item?.webhook_page_seq).toBe(3);
      expect(await getTask(taskId)).not.toHaveProperty("webhook_page_seq");
    } finally {
      await site.close();
    }
  });

  it("sends a new task.started for each attempt, and numbers page batches on across a retry", async () => {
    startDelivering();
    const site = await startTestSite();
    try {
      const created = await call("POST", "/api/v1/tasks", {
        platform: "web",
        crawler_type: "detail",
        render: "never",
        // Both 404: every attempt fails (ALL_PAGES_FAILED), and a retry runs it again.
        urls: [site.urlFor("/gone-1"), site.urlFor("/gone-2")],
        webhook_url: receiver.url("/retried"),
        webhook_events: ["task.started", "task.page"],
      });
      const taskId = created.body.data.task_id as string;
      const noBrowser = { newTaskContext: () => Promise.reject(new Error("a render: never task opened a browser")) };
      const deps = buildDependencies({ ...taskParts, ...accountParts, ...crawlerParts(noBrowser) }).runDeps;
      expect((await runTask(taskId, deps)).kind).toBe("failed");
      expect((await call("POST", `/api/v1/tasks/${taskId}/retry`)).status).toBe(200);
      expect((await runTask(taskId, deps)).kind).toBe("failed");

      const hits = await until(
        () => receiver.hits.filter((hit) => hit.path === "/retried"),
        (got) => got.length >= 4,
      );
      const ids = hits.map((hit) => String(hit.headers["x-webhook-id"])).sort();
      // No task.failed: webhook_events leaves it out.
      expect(ids).toEqual([
        `evt_${taskId}_page_1`,
        `evt_${taskId}_page_2`,
        `evt_${taskId}_started_1`,
        `evt_${taskId}_started_2`,
      ]);
      const bodies = hits.map((hit) => JSON.parse(hit.raw.toString("utf8")) as WebhookEvent);
      const second = bodies.find((event) => event.id === `evt_${taskId}_page_2`);
      expect(second).toMatchObject({ sequence: 2, error_count: 2, task: { attempts: 2 } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.hits.filter((hit) => hit.path === "/retried")).toHaveLength(4);
    } finally {
      await site.close();
    }
  });
});
