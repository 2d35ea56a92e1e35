/**
 * The pure parts of webhooks: which event a task raises and its id, the body's bytes and
 * size limit, the signature, the back-off, the queue message's shape, the create-time
 * address check, and the one-machine stack's signing key under DATA_DIR.
 */
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Task } from "../../core/tasks/model.js";
import {
  MAX_EVENT_BYTES,
  parseWebhookMessage,
  retryDelaySecs,
  serializeEvent,
  signBody,
  taskEndedEvent,
  taskPageEvent,
  taskStartedEvent,
  lostEventAttempt,
  MAX_PAGE_ITEMS_BYTES,
  PageEventBatcher,
  verifySignature,
  webhookAddressProblem,
  type WebhookMessage,
} from "../../core/webhooks/index.js";
import { ensureWebhookSecret, WEBHOOK_SECRET_FILE } from "../../local/webhook-secret.js";

function task(overrides: Partial<Task> = {}): Task {
  return {
    task_id: "01M8HTGMT0PZCB39H6NHNGWHHM",
    platform: "web",
    crawler_type: "detail",
    params: { urls: ["https://example.com/"] },
    status: "completed",
    attempts: 1,
    max_attempts: 3,
    created_at: "2026-11-28T10:00:00.000Z",
    updated_at: "2026-11-28T10:05:00.000Z",
    finished_at: "2026-11-28T10:05:00.000Z",
    progress: { pages_done: 1, items: 1, errors: 0 },
    result_count: 1,
    webhook_url: "https://hooks.example.com/crawl",
    ...overrides,
  };
}

describe("lostEventAttempt", () => {
  const record = (eventId: string, status: "delivered" | "retrying" | "failed", attempts: number) => ({
    event_id: eventId,
    event_type: "task.completed",
    event_created_at: "2026-11-28T10:00:00.000Z",
    status,
    attempts,
    updated_at: "2026-11-28T10:00:01.000Z",
  });

  it("sends a never-attempted event as attempt 1, a retrying one as its next attempt", () => {
    const ended = task({ status: "completed" });
    const id = taskEndedEvent(ended)!.id;
    expect(lostEventAttempt(ended)).toBe(1);
    expect(lostEventAttempt({ ...ended, webhook: record(id, "retrying", 3) })).toBe(4);
    // The record is of an earlier ending (the task was retried and ended again): this event was never attempted.
    expect(lostEventAttempt({ ...ended, webhook: record(`${id}0`, "delivered", 1) })).toBe(1);
  });

  it("leaves delivered and given-up events, and tasks without an event, alone", () => {
    const ended = task({ status: "completed" });
    const id = taskEndedEvent(ended)!.id;
    expect(lostEventAttempt({ ...ended, webhook: record(id, "delivered", 2) })).toBeUndefined();
    expect(lostEventAttempt({ ...ended, webhook: record(id, "failed", 8) })).toBeUndefined();
    expect(lostEventAttempt(task({ status: "running" }))).toBeUndefined();
  });
});

describe("taskEndedEvent", () => {
  it.each([
    ["completed", "task.completed"],
    ["failed", "task.failed"],
    ["cancelled", "task.cancelled"],
  ] as const)("a %s task raises %s", (status, type) => {
    const event = taskEndedEvent(task({ status }));
    expect(event?.type).toBe(type);
    expect(event?.created_at).toBe("2026-11-28T10:05:00.000Z");
    expect(event?.task.status).toBe(status);
  });

  it("raises nothing for a task that has not ended or has no webhook_url", () => {
    expect(taskEndedEvent(task({ status: "running" }))).toBeUndefined();
    expect(taskEndedEvent(task({ status: "pending" }))).toBeUndefined();
    expect(taskEndedEvent(task({ webhook_url: undefined }))).toBeUndefined();
  });

  it("gives one ending one id, and a second ending (after a retry) another", () => {
    const first = taskEndedEvent(task());
    expect(first?.id).toBe(`evt_01M8HTGMT0PZCB39H6NHNGWHHM_completed_${Date.parse("2026-11-28T10:05:00.000Z")}`);
    expect(taskEndedEvent(task())?.id).toBe(first?.id);
    expect(taskEndedEvent(task({ finished_at: "2026-11-28T11:00:00.000Z" }))?.id).not.toBe(first?.id);
    expect(taskEndedEvent(task({ status: "failed" }))?.id).not.toBe(first?.id);
  });

  it("shows the task as clients see it, without the delivery record of an earlier event", () => {
    const stored = {
      ...task(),
      lease_owner: "worker-1",
      list_pk: "task",
      webhook: { event_id: "evt_old" },
    } as unknown as Task;
    const event = taskEndedEvent(stored)!;
    expect(event.task).not.toHaveProperty("lease_owner");
    expect(event.task).not.toHaveProperty("list_pk");
    expect(event.task).not.toHaveProperty("webhook");
    expect(event.task.webhook_url).toBe("https://hooks.example.com/crawl");
  });
});

describe("webhook_events", () => {
  it("sends the ended events only when absent, and only the listed ones when given", () => {
    expect(taskEndedEvent(task())).toBeDefined();
    expect(taskStartedEvent(task({ status: "running" }))).toBeUndefined();
    expect(taskPageEvent(task({ status: "running" }), batchOf(1, 1))).toBeUndefined();
    const onlyStarted = { webhook_events: ["task.started" as const] };
    expect(taskEndedEvent(task(onlyStarted))).toBeUndefined();
    expect(lostEventAttempt(task(onlyStarted))).toBeUndefined();
    expect(taskStartedEvent(task({ ...onlyStarted, status: "running" }))?.type).toBe("task.started");
  });
});

function batchOf(sequence: number, items: number) {
  return {
    sequence,
    items: Array.from({ length: items }, (_, i) => ({
      item_key: `https://example.com/${i}`,
      url: `https://example.com/${i}`,
      ok: i % 2 === 0,
    })),
    ok_count: Math.ceil(items / 2),
    error_count: Math.floor(items / 2),
    progress: { pages_done: items, items, errors: Math.floor(items / 2) },
    result_count: items,
  };
}

describe("taskStartedEvent", () => {
  const running = task({
    status: "running",
    attempts: 2,
    started_at: "2026-11-28T10:01:00.000Z",
    finished_at: undefined,
    webhook_events: ["task.started"],
  });

  it("is one event per attempt: a retry that runs again raises a new one", () => {
    const event = taskStartedEvent(running)!;
    expect(event).toMatchObject({
      id: "evt_01M8HTGMT0PZCB39H6NHNGWHHM_started_2",
      type: "task.started",
      created_at: "2026-11-28T10:01:00.000Z",
    });
    expect(event.task.attempts).toBe(2);
    expect(taskStartedEvent({ ...running, attempts: 3 })?.id).toBe("evt_01M8HTGMT0PZCB39H6NHNGWHHM_started_3");
  });

  it("raises nothing for a task that is not running or has no webhook_url", () => {
    expect(taskStartedEvent({ ...running, status: "pending" })).toBeUndefined();
    expect(taskStartedEvent({ ...running, webhook_url: undefined })).toBeUndefined();
  });
});

describe("taskPageEvent", () => {
  const running = task({ status: "running", webhook_events: ["task.page"], metadata: { job: "j1" } });

  it("carries the batch's keys, URLs, counts and the task's progress, its id from the sequence", () => {
    const event = taskPageEvent(running, batchOf(3, 4), new Date("2026-11-28T10:02:00.000Z"))!;
    expect(event).toEqual({
      id: "evt_01M8HTGMT0PZCB39H6NHNGWHHM_page_3",
      type: "task.page",
      created_at: "2026-11-28T10:02:00.000Z",
      sequence: 3,
      items: batchOf(3, 4).items,
      items_omitted: 0,
      ok_count: 2,
      error_count: 2,
      task: {
        task_id: running.task_id,
        platform: "web",
        crawler_type: "detail",
        status: "running",
        attempts: 1,
        progress: { pages_done: 4, items: 4, errors: 2 },
        result_count: 4,
        metadata: { job: "j1" },
      },
    });
  });

  it("stays under its size limit whatever the batch, counting what it left out", () => {
    const long = (i: number) => ({ item_key: `k${i}`, url: `https://example.com/${"x".repeat(2000)}/${i}`, ok: true });
    const batch = { ...batchOf(1, 0), items: Array.from({ length: 500 }, (_, i) => long(i)), ok_count: 500 };
    const event = taskPageEvent(running, batch)!;
    expect(event.items.length).toBeGreaterThan(0);
    expect(event.items.length + event.items_omitted).toBe(500);
    expect(Buffer.byteLength(JSON.stringify(event.items))).toBeLessThanOrEqual(MAX_PAGE_ITEMS_BYTES);
    expect(Buffer.byteLength(serializeEvent(event))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
  });
});

describe("PageEventBatcher", () => {
  it("is due after N pages or T ms, or at the run's end; numbers batches on from the stored sequence", () => {
    let now = 1000;
    const batcher = new PageEventBatcher(4, { everyItems: 3, everyMs: 500 }, () => now);
    expect(batcher.due(true)).toBe(false);
    batcher.add({ item_key: "a", ok: true });
    batcher.add({ item_key: "b", ok: false });
    expect(batcher.due()).toBe(false);
    expect(batcher.due(true)).toBe(true);
    batcher.add({ item_key: "c", ok: true });
    expect(batcher.due()).toBe(true);
    expect(batcher.nextSequence()).toBe(5);
    expect(batcher.take()).toEqual({
      sequence: 5,
      items: [
        { item_key: "a", ok: true },
        { item_key: "b", ok: false },
        { item_key: "c", ok: true },
      ],
      ok_count: 2,
      error_count: 1,
    });
    batcher.add({ item_key: "d", ok: true });
    expect(batcher.due()).toBe(false);
    now += 500;
    expect(batcher.due()).toBe(true);
    expect(batcher.take().sequence).toBe(6);
    expect(batcher.due(true)).toBe(false);
  });
});

describe("serializeEvent", () => {
  it("is the event as JSON", () => {
    const event = taskEndedEvent(task())!;
    expect(JSON.parse(serializeEvent(event))).toEqual(event);
  });

  it("leaves params out of a body that would not fit in a queue message", () => {
    const huge = task({
      params: { urls: Array.from({ length: 120 }, (_, i) => `https://example.com/${"x".repeat(2000)}/${i}`) },
    });
    const body = serializeEvent(taskEndedEvent(huge)!);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const parsed = JSON.parse(body) as { task: Record<string, unknown> };
    expect(parsed.task.params).toBeUndefined();
    expect(parsed.task.params_omitted).toBe(true);
    expect(parsed.task.task_id).toBe(huge.task_id);
  });
});

describe("signature", () => {
  it("is sha256= and the hex HMAC-SHA256 of the raw body", () => {
    const body = '{"id":"evt_1","type":"task.completed"}';
    expect(signBody("s3cret-key-0123456789", body)).toBe(
      `sha256=${createHmac("sha256", "s3cret-key-0123456789").update(body).digest("hex")}`,
    );
  });

  it("verifies only the same bytes with the same key", () => {
    const body = '{"a":1}';
    const header = signBody("key-one-0123456789", body);
    expect(verifySignature("key-one-0123456789", body, header)).toBe(true);
    expect(verifySignature("key-one-0123456789", Buffer.from(body), header)).toBe(true);
    expect(verifySignature("key-two-0123456789", body, header)).toBe(false);
    expect(verifySignature("key-one-0123456789", '{"a": 1}', header)).toBe(false);
    expect(verifySignature("key-one-0123456789", body, header.slice(0, -1))).toBe(false);
    expect(verifySignature("key-one-0123456789", body, undefined)).toBe(false);
  });
});

describe("retryDelaySecs", () => {
  it("doubles from the base and stops at SQS's 900 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelaySecs(attempt))).toEqual([
      10, 20, 40, 80, 160, 320, 640, 900,
    ]);
    expect([1, 2, 3].map((attempt) => retryDelaySecs(attempt, { retryBaseDelaySecs: 1 }))).toEqual([1, 2, 4]);
    expect(retryDelaySecs(3, { retryBaseDelaySecs: 10, retryMaxDelaySecs: 5000 })).toBe(40);
    expect(retryDelaySecs(20, { retryMaxDelaySecs: 5000 })).toBe(900);
  });
});

describe("parseWebhookMessage", () => {
  const message: WebhookMessage = {
    event_id: "evt_1",
    event_type: "task.failed",
    task_id: "01M8HTGMT0PZCB39H6NHNGWHHM",
    event_created_at: "2026-11-28T10:05:00.000Z",
    url: "https://hooks.example.com/",
    body: "{}",
    attempt: 2,
  };

  it("reads back what was sent", () => {
    expect(parseWebhookMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    ["not JSON", "{"],
    ["a crawl message", JSON.stringify({ task_id: "01M8HTGMT0PZCB39H6NHNGWHHM" })],
    ["an unknown event type", JSON.stringify({ ...message, event_type: "task.exploded" })],
    ["attempt 0", JSON.stringify({ ...message, attempt: 0 })],
    ["an empty body", JSON.stringify({ ...message, body: "" })],
    ["null", "null"],
  ])("refuses %s", (_case, body) => {
    expect(parseWebhookMessage(body)).toBeUndefined();
  });
});

describe("webhookAddressProblem", () => {
  it("lets public addresses and host names through (names are checked at delivery)", () => {
    expect(webhookAddressProblem("https://93.184.215.14/hook", { allowPrivate: false })).toBeUndefined();
    expect(webhookAddressProblem("http://localhost/hook", { allowPrivate: false })).toBeUndefined();
  });

  it("refuses private literals unless private targets are allowed", () => {
    expect(webhookAddressProblem("http://192.168.1.10/hook", { allowPrivate: false })).toContain(
      "192.168.0.0/16 private",
    );
    expect(webhookAddressProblem("http://192.168.1.10/hook", { allowPrivate: true })).toBeUndefined();
    expect(webhookAddressProblem("http://[::ffff:127.0.0.1]/hook", { allowPrivate: false })).toContain("loopback");
  });

  it("refuses link-local (cloud metadata) even when private targets are allowed", () => {
    expect(webhookAddressProblem("http://169.254.169.254/latest/meta-data", { allowPrivate: true })).toContain(
      "link-local",
    );
  });

  it("lets an exact allowed endpoint through, and only on its port", () => {
    const policy = { allowPrivate: false, allowTargets: ["127.0.0.1:8080"] };
    expect(webhookAddressProblem("http://127.0.0.1:8080/hook", policy)).toBeUndefined();
    expect(webhookAddressProblem("http://127.0.0.1/hook", policy)).toContain("loopback");
  });
});

describe("ensureWebhookSecret", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "webhook-secret-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a private key file once and gives the same key after a restart", () => {
    const first = ensureWebhookSecret(dir, {});
    const path = join(dir, WEBHOOK_SECRET_FILE);
    expect(first).toMatchObject({ source: "created", path });
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim()).toBe(first.key);
    expect(ensureWebhookSecret(dir, {})).toEqual({ ...first, source: "file" });
  });

  it("prefers WEBHOOK_SECRET and then writes no file", () => {
    expect(ensureWebhookSecret(dir, { WEBHOOK_SECRET: "from-the-environment-0123" })).toEqual({
      key: "from-the-environment-0123",
      source: "env",
    });
    expect(existsSync(join(dir, WEBHOOK_SECRET_FILE))).toBe(false);
  });

  it("refuses a short key without showing it", () => {
    expect(() => ensureWebhookSecret(dir, { WEBHOOK_SECRET: "tiny-key" })).toThrow(
      /^WEBHOOK_SECRET must hold at least 16 characters/,
    );
    expect(() => ensureWebhookSecret(dir, { WEBHOOK_SECRET: "tiny-key" })).not.toThrow(/tiny-key/);
  });
});
