/**
 * Webhooks through the whole one-machine stack (`npm start` as a child process): a web task
 * with a webhook_url crawled by a real Chromium worker, its task.completed event POSTed to a
 * local receiver by the stack's webhook consumer and signed with WEBHOOK_SECRET; a cancelled
 * task's task.cancelled event the same way; task.started and task.page for a task that asks for them.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, waitForTask, type TaskView } from "../support/api.js";
import { startStack, type RunningStack } from "../support/stack.js";
import { startTestSite, type TestSite } from "../support/site.js";

const SECRET = "e2e-webhook-secret-0123456789abcdef";

interface Hit {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

let stack: RunningStack;
let site: TestSite;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];

async function eventFor(taskId: string, type: string, timeoutMs = 30_000): Promise<Hit> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = hits.find(
      (h) => h.headers["x-webhook-event"] === type && String(h.headers["x-webhook-id"]).startsWith(`evt_${taskId}_`),
    );
    if (hit) return hit;
    if (Date.now() > deadline)
      throw new Error(
        `no ${type} for ${taskId} within ${timeoutMs} ms; got ${hits.length} request(s)\n${stack.output()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const signatureOf = (raw: Buffer) => `sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      hits.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/crawl`;
  site = await startTestSite(undefined, { slowPageDelayMs: 8000 });
  // Loopback stacks allow private targets by default: the receiver and the site are on 127.0.0.1.
  stack = await startStack({ env: { CRAWL_CONCURRENCY: "1", WEBHOOK_SECRET: SECRET } });
});

afterAll(async () => {
  await stack?.kill();
  await site?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("webhooks on the one-machine stack", () => {
  it("says where the signing key comes from", () => {
    expect(stack.stdout()).toMatch(/^✓ Webhooks\s+signed with WEBHOOK_SECRET/m);
  });

  it("POSTs task.completed, signed over the raw body, when a crawl completes", async () => {
    const created = await api<TaskView & { webhook_url: string }>(stack.url, "POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: [site.urlFor("/")],
      webhook_url: receiverUrl,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.webhook_url).toBe(receiverUrl);
    const taskId = created.body.data.task_id;
    const done = await waitForTask(stack.url, taskId, (task) => task.status === "completed", 90_000);

    const hit = await eventFor(taskId, "task.completed");
    expect(hit.headers["x-signature"]).toBe(signatureOf(hit.raw));
    expect(hit.headers["content-type"]).toBe("application/json");
    const event = JSON.parse(hit.raw.toString("utf8")) as { id: string; type: string; task: TaskView };
    expect(event.id).toBe(hit.headers["x-webhook-id"]);
    expect(event.type).toBe("task.completed");
    expect(event.task).toMatchObject({ task_id: taskId, status: "completed", result_count: done.result_count });
    expect(done.result_count).toBeGreaterThan(0);

    const delivered = await waitForTask(
      stack.url,
      taskId,
      (task) => (task as TaskView & { webhook?: { status: string } }).webhook?.status === "delivered",
      15_000,
    );
    expect((delivered as TaskView & { webhook?: unknown }).webhook).toMatchObject({
      event_id: event.id,
      attempts: 1,
      last_status: 200,
    });
  }, 150_000);

  it("POSTs task.cancelled when a task is cancelled", async () => {
    const created = await api<TaskView>(stack.url, "POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: [site.urlFor("/slow")],
      webhook_url: receiverUrl,
    });
    const taskId = created.body.data.task_id;
    await waitForTask(stack.url, taskId, (task) => task.status === "running", 60_000);
    const cancelled = await api<TaskView>(stack.url, "POST", `/api/v1/tasks/${taskId}/cancel`);
    expect(cancelled.body.data.status).toBe("cancelled");

    const hit = await eventFor(taskId, "task.cancelled");
    expect(hit.headers["x-signature"]).toBe(signatureOf(hit.raw));
    expect(JSON.parse(hit.raw.toString("utf8"))).toMatchObject({
      type: "task.cancelled",
      task: { task_id: taskId, status: "cancelled" },
    });
    // The crawl stops on its own afterwards; it raises no second event.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(hits.filter((h) => String(h.headers["x-webhook-id"]).startsWith(`evt_${taskId}_`))).toHaveLength(1);
  }, 120_000);

  it("POSTs task.started and task.page, signed, when webhook_events asks for them", async () => {
    const paths = ["/about", "/products?id=1", "/products?id=2"];
    const created = await api<TaskView>(stack.url, "POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: paths.map((path) => site.urlFor(path)),
      webhook_url: receiverUrl,
      webhook_events: ["task.started", "task.page", "task.completed"],
    });
    expect(created.status).toBe(201);
    const taskId = created.body.data.task_id;

    const started = await eventFor(taskId, "task.started", 90_000);
    expect(started.headers["x-signature"]).toBe(signatureOf(started.raw));
    expect(JSON.parse(started.raw.toString("utf8"))).toMatchObject({
      id: `evt_${taskId}_started_1`,
      task: { task_id: taskId, status: "running", attempts: 1 },
    });
    const page = await eventFor(taskId, "task.page");
    expect(page.headers["x-signature"]).toBe(signatureOf(page.raw));
    const batch = JSON.parse(page.raw.toString("utf8")) as {
      sequence: number;
      items: Array<{ url: string; ok: boolean }>;
    };
    // Three pages close one batch, at the end of the run.
    expect(batch.sequence).toBe(1);
    expect(batch.items.map((item) => item.url).sort()).toEqual(paths.map((path) => site.urlFor(path)).sort());
    await eventFor(taskId, "task.completed");
  }, 120_000);
});

describe("webhook events lost with a stop of the one-machine stack", () => {
  it("are sent again at the next start: the same event id, as the next attempt", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "webhook-restart-"));
    let answer = 500;
    const seen: Hit[] = [];
    const flaky = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hooks/flaky`;
    // The retry is 10 minutes away: only a restart can deliver it within the test.
    const env = { CRAWL_CONCURRENCY: "1", WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_SECS: "600" };
    const webhookOf = async (base: string, id: string) =>
      (
        await api<TaskView & { webhook?: { event_id: string; status: string; attempts: number } }>(
          base,
          "GET",
          `/api/v1/tasks/${id}`,
        )
      ).body.data.webhook;
    try {
      const first = await startStack({ dataDir, env });
      let taskId: string;
      try {
        const created = await api<TaskView>(first.url, "POST", "/api/v1/tasks", {
          platform: "web",
          crawler_type: "detail",
          urls: [site.urlFor("/about")],
          webhook_url: flakyUrl,
        });
        taskId = created.body.data.task_id;
        await waitForTask(first.url, taskId, (task) => task.status === "completed", 90_000);
        const deadline = Date.now() + 30_000;
        while ((await webhookOf(first.url, taskId))?.status !== "retrying") {
          if (Date.now() > deadline) throw new Error(`no failed first attempt within 30 s\n${first.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await first.stop();
      }
      expect(seen).toHaveLength(1);

      answer = 204;
      const second = await startStack({ dataDir, env });
      try {
        const deadline = Date.now() + 30_000;
        while ((await webhookOf(second.url, taskId))?.status !== "delivered") {
          if (Date.now() > deadline)
            throw new Error(`the lost retry was not delivered within 30 s\n${second.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(seen).toHaveLength(2);
        expect(seen[1]?.headers["x-webhook-id"]).toBe(seen[0]?.headers["x-webhook-id"]);
        expect(seen[1]?.headers["x-webhook-attempt"]).toBe("2");
        expect(seen[1]?.raw.equals(seen[0]!.raw)).toBe(true);
        expect(seen[1]?.headers["x-signature"]).toBe(signatureOf(seen[1]!.raw));
        expect(await webhookOf(second.url, taskId)).toMatchObject({ status: "delivered", attempts: 2 });
        expect(second.stdout()).toMatch(/^webhooks: 1 event\(s\) lost with the last stop queued again$/m);
      } finally {
        await second.stop();
      }
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
