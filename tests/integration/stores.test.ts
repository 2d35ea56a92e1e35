/**
 * DynamoTaskStore and DynamoResultStore against a real dynalite server over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoResultStore } from "../../core/results/store.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import type { Task } from "../../core/tasks/model.js";
import { DependencyUnavailableError } from "../../core/errors.js";
import { createAwsClients } from "../../core/aws/clients.js";
import { startTestAws, type TestAws } from "../support/aws.js";

let aws: TestAws;
let tasks: DynamoTaskStore;
let results: DynamoResultStore;
let counter = 0;

function newTask(overrides: Partial<Task> = {}): Task {
  const now = new Date().toISOString();
  counter++;
  return {
    task_id: `01J${String(counter).padStart(23, "0")}`,
    platform: "web",
    crawler_type: "detail",
    params: { urls: ["https://example.com/"] },
    status: "pending",
    attempts: 0,
    max_attempts: 3,
    created_at: now,
    updated_at: now,
    progress: { pages_done: 0, items: 0, errors: 0 },
    result_count: 0,
    ...overrides,
  };
}

beforeAll(async () => {
  aws = await startTestAws({ setEnv: false });
  tasks = new DynamoTaskStore(aws.clients.doc, aws.tasksTable);
  results = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
});

afterAll(async () => {
  await aws?.close();
});

describe("DynamoTaskStore", () => {
  it("lets exactly one of many concurrent claims win", async () => {
    const task = newTask();
    await tasks.create(task);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => tasks.transition(task, ["pending"], "running", { incrementAttempts: true })),
    );
    const winners = claims.filter((claim) => claim !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ status: "running", attempts: 1 });
    const stored = await tasks.get(task.task_id);
    expect(stored).toMatchObject({ status: "running", attempts: 1, platform_status: "web#running" });
  });

  it("refuses moves from the wrong status and removes attributes set to undefined", async () => {
    const task = newTask({ error: { code: "X", message: "old" } });
    await tasks.create(task);
    expect(await tasks.transition(task, ["running"], "completed")).toBeUndefined();
    const moved = await tasks.transition(task, ["pending"], "running", { error: undefined, started_at: "2026-01-01T00:00:00.000Z" });
    expect(moved?.error).toBeUndefined();
    expect(moved?.started_at).toBe("2026-01-01T00:00:00.000Z");
    expect(await tasks.transition({ ...task, platform: "xhs" }, ["running"], "failed")).toBeUndefined();
  });

  it("writes progress only while running", async () => {
    const task = newTask();
    await tasks.create(task);
    expect(await tasks.updateProgress(task.task_id, { pages_done: 1, items: 1, errors: 0 }, 1)).toBe(false);
    await tasks.transition(task, ["pending"], "running");
    expect(await tasks.updateProgress(task.task_id, { pages_done: 2, items: 2, errors: 1 }, 2)).toBe(true);
    expect((await tasks.get(task.task_id))?.progress).toEqual({ pages_done: 2, items: 2, errors: 1 });
  });

  it("creates one task per idempotency key even when requests race, and repairs a lone marker", async () => {
    const marker = { keyHash: "k-race", requestHash: "r1", expiresAtEpochSecs: 2_000_000_000 };
    const racers = Array.from({ length: 6 }, () => newTask());
    const outcomes = await Promise.all(racers.map((task) => tasks.create(task, { ...marker })));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    const ids = new Set(outcomes.map((o, i) => (o.created ? racers[i]!.task_id : o.existingTaskId)));
    expect(ids.size).toBe(1);
    const [winner] = [...ids];
    expect(await tasks.get(winner!)).toBeDefined();
    expect(await tasks.get(`idempotency#k-race`)).toBeUndefined();
  });

  it("lists by status oldest first, optionally only those not updated since a time", async () => {
    const old = newTask({ status: "failed", updated_at: "2020-01-01T00:00:00.000Z" });
    const recent = newTask({ status: "failed" });
    await tasks.create(old);
    await tasks.create(recent);
    const all: string[] = [];
    for await (const task of tasks.listByStatus("failed")) all.push(task.task_id);
    expect(all).toEqual([old.task_id, recent.task_id]);
    const stale: string[] = [];
    for await (const task of tasks.listByStatus("failed", "2021-01-01T00:00:00.000Z")) stale.push(task.task_id);
    expect(stale).toEqual([old.task_id]);
  });

  it("names the table when it cannot be reached", async () => {
    const dead = createAwsClients({ dynamoEndpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    const store = new DynamoTaskStore(dead.doc, aws.tasksTable);
    const error = await store.get("01J00000000000000000000000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe("tasks_table");
    dead.dynamo.destroy();
  });
});

describe("DynamoResultStore", () => {
  it("writes many items in batches, overwrites same keys, and pages through them", async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      item_key: `page:https://example.com/${String(i).padStart(2, "0")}`,
      ok: i % 10 !== 0,
      data: { url: `https://example.com/${i}`, n: i },
    }));
    await results.putMany("T1", items);
    await results.putMany("T1", [{ item_key: items[5]!.item_key, ok: true, data: { url: "again", n: 5 } }]);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const page = await results.list("T1", { limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(seen.find((item) => item.item_key === items[5]!.item_key)).toMatchObject({ url: "again", ok: true, task_id: "T1" });
    expect(seen.filter((item) => item.ok === false)).toHaveLength(6);
  });

  it("refuses a cursor from another task", async () => {
    await results.putMany("T2", [
      { item_key: "a", ok: true, data: {} },
      { item_key: "b", ok: true, data: {} },
    ]);
    const page = await results.list("T2", { limit: 1 });
    await expect(results.list("T3", { limit: 1, cursor: page.next_cursor! })).rejects.toThrow(/^cursor: belongs to another task/);
  });

  it("stores an oversized page cut to fit and marked truncated", async () => {
    await results.putMany("T4", [{ item_key: "big", ok: true, data: { text: "x".repeat(600_000) } }]);
    const [item] = (await results.list("T4", { limit: 1 })).items;
    expect(item?.truncated).toBe(true);
    expect((item?.text as string).length).toBeLessThan(360_000);
    expect((item?.text as string).length).toBeGreaterThan(300_000);
  });
});
