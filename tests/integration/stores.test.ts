/**
 * DynamoTaskStore and DynamoResultStore against a real dynalite server over HTTP.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { monotonicFactory } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoResultStore } from "../../core/results/store.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import type { Task } from "../../core/tasks/model.js";
import { indexAttributes, taskShard } from "../../core/tasks/indexKeys.js";
import type { TaskStatus } from "../../core/tasks/status.js";
import type { PlatformName } from "../../core/platforms/types.js";
import { DependencyUnavailableError, ValidationError } from "../../core/errors.js";
import { createAwsClients } from "../../core/aws/clients.js";
import { TASK_INDEX_SHARDS, TASK_INDEXES } from "../../core/aws/tables.js";
import { encodeShardCursor } from "../../core/pagination.js";
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
    // The status indexes' keys moved with the status, in the task's shard.
    const shard = taskShard(task.task_id);
    expect(stored).toMatchObject({
      status: "running",
      attempts: 1,
      status_pk: `running#${shard}`,
      platform_status_pk: `web#running#${shard}`,
      list_pk: `task#${shard}`,
    });
  });

  it("refuses moves from the wrong status and removes attributes set to undefined", async () => {
    const task = newTask({ error: { code: "X", message: "old" } });
    await tasks.create(task);
    expect(await tasks.transition(task, ["running"], "completed")).toBeUndefined();
    const moved = await tasks.transition(task, ["pending"], "running", {
      error: undefined,
      started_at: "2026-01-01T00:00:00.000Z",
    });
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
    expect(seen.find((item) => item.item_key === items[5]!.item_key)).toMatchObject({
      url: "again",
      ok: true,
      task_id: "T1",
    });
    expect(seen.filter((item) => item.ok === false)).toHaveLength(6);
  });

  it("refuses a cursor from another task", async () => {
    await results.putMany("T2", [
      { item_key: "a", ok: true, data: {} },
      { item_key: "b", ok: true, data: {} },
    ]);
    const page = await results.list("T2", { limit: 1 });
    await expect(results.list("T3", { limit: 1, cursor: page.next_cursor! })).rejects.toThrow(
      /^cursor: belongs to another task/,
    );
  });

  it("answers a web page stored before items had platform and item_type with both, and leaves media items as stored", async () => {
    await results.putMany("T5", [
      { item_key: "page:https://example.com/", ok: true, data: { url: "https://example.com/", title: "Old" } },
      {
        item_key: "xhs:content:1",
        ok: true,
        data: { item_type: "content", platform: "xhs", note_id: "1" },
      },
    ]);
    const { items } = await results.list("T5", { limit: 10 });
    expect(items.find((item) => item.item_key.startsWith("page:"))).toMatchObject({
      platform: "web",
      item_type: "page",
      title: "Old",
    });
    expect(items.find((item) => item.item_key.startsWith("xhs:"))).toMatchObject({
      platform: "xhs",
      item_type: "content",
    });
  });

  it("stores an oversized page cut to fit and marked truncated", async () => {
    await results.putMany("T4", [{ item_key: "big", ok: true, data: { text: "x".repeat(600_000) } }]);
    const [item] = (await results.list("T4", { limit: 1 })).items;
    expect(item?.truncated).toBe(true);
    expect((item?.text as string).length).toBeLessThan(360_000);
    expect((item?.text as string).length).toBeGreaterThan(300_000);
  });
});

/** Every index entry of a task: what each of the four GSIs holds for it (undefined when none). */
async function indexEntries(aws: TestAws, task: Pick<Task, "task_id" | "platform" | "status">) {
  const keys = indexAttributes(task);
  const entries: Record<string, Record<string, unknown> | undefined> = {};
  for (const index of Object.values(TASK_INDEXES)) {
    const page = await aws.clients.doc.send(
      new QueryCommand({
        TableName: aws.tasksTable,
        IndexName: index.name,
        KeyConditionExpression: "#pk = :pk AND task_id = :id",
        ExpressionAttributeNames: { "#pk": index.hashKey },
        ExpressionAttributeValues: { ":pk": keys[index.hashKey], ":id": task.task_id },
      }),
    );
    entries[index.name] = page.Items?.[0];
  }
  return entries;
}

describe("index writes while a task runs", () => {
  it("a progress write and a lease renewal leave every index entry as it was: keys only, no progress", async () => {
    const task = newTask();
    await tasks.create(task);
    const owner = "worker-1";
    await tasks.transition(task, ["pending"], "running", {
      lease_owner: owner,
      lease_expires_at: "2030-01-01T00:00:00.000Z",
      incrementAttempts: true,
    });
    const running = { ...task, status: "running" as const };
    const before = await indexEntries(aws, running);
    expect(Object.values(before).every((entry) => entry !== undefined)).toBe(true);

    expect(await tasks.updateProgress(task.task_id, { pages_done: 7, items: 7, errors: 1 }, 7, owner)).toBe(true);
    expect(await tasks.renewLease(task.task_id, owner, "2030-01-01T00:01:00.000Z")).toBe(true);
    const after = await indexEntries(aws, running);

    expect(after).toEqual(before);
    for (const index of Object.values(TASK_INDEXES)) {
      // Keys only: a write that changes none of them is not copied to the index (DynamoDB's rule).
      expect(Object.keys(after[index.name]!).sort()).toEqual([index.hashKey, "task_id"].sort());
    }
    expect(await tasks.get(task.task_id)).toMatchObject({
      progress: { pages_done: 7 },
      result_count: 7,
      lease_expires_at: "2030-01-01T00:01:00.000Z",
    });
  });

  it("a status move re-keys the status indexes only; by_created and by_platform keep their entry", async () => {
    const task = newTask({ platform: "xhs" });
    await tasks.create(task);
    const pending = await indexEntries(aws, task);
    await tasks.transition(task, ["pending"], "cancelled");
    const cancelled = await indexEntries(aws, { ...task, status: "cancelled" });
    expect(cancelled.by_created).toEqual(pending.by_created);
    expect(cancelled.by_platform).toEqual(pending.by_platform);
    expect(cancelled.by_status?.status_pk).toBe(`cancelled#${taskShard(task.task_id)}`);
    expect(cancelled.by_platform_status?.platform_status_pk).toBe(`xhs#cancelled#${taskShard(task.task_id)}`);
    // The pending entries are gone: the task is no longer listed as pending.
    expect((await indexEntries(aws, task)).by_status).toBeUndefined();
  });
});

describe("listing across index shards", () => {
  // A table of its own: the listings below must see exactly the tasks created here.
  let own: TestAws;
  let store: DynamoTaskStore;
  const created: Task[] = [];
  const newId = monotonicFactory();
  const statuses: TaskStatus[] = ["pending", "failed", "completed"];
  const platforms: PlatformName[] = ["web", "web", "xhs"];

  beforeAll(async () => {
    own = await startTestAws({ setEnv: false });
    store = new DynamoTaskStore(own.clients.doc, own.tasksTable);
    for (let i = 0; i < 61; i++) {
      const task = newTask({ task_id: newId(), status: statuses[i % 3]!, platform: platforms[(i >> 1) % 3]! });
      await store.create(task);
      created.push(task);
    }
  });

  afterAll(async () => {
    await own?.close();
  });

  /** Every page of a listing, followed by its cursors. */
  async function allPages(query: { status?: TaskStatus; platform?: PlatformName; limit: number }) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ ...query, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((task) => task.task_id));
      cursor = page.next_cursor ?? undefined;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return pages;
  }

  const newestFirst = (filter: (task: Task) => boolean) =>
    created
      .filter(filter)
      .map((task) => task.task_id)
      .sort()
      .reverse();

  it("spreads the tasks over every shard of every index", async () => {
    expect(new Set(created.map((task) => taskShard(task.task_id))).size).toBe(TASK_INDEX_SHARDS);
    const counts: number[] = [];
    for (let shard = 0; shard < TASK_INDEX_SHARDS; shard++) {
      const page = await own.clients.doc.send(
        new QueryCommand({
          TableName: own.tasksTable,
          IndexName: TASK_INDEXES.byCreated.name,
          KeyConditionExpression: "list_pk = :pk",
          ExpressionAttributeValues: { ":pk": `task#${shard}` },
          Select: "COUNT",
        }),
      );
      counts.push(page.Count ?? 0);
    }
    // No one partition key holds them all: every shard has some, and together they have every task.
    expect(counts.every((count) => count > 0 && count < created.length)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(created.length);
  });

  it("pages through all tasks newest first: no duplicates, no gaps, full pages, cursor null at the end", async () => {
    const pages = await allPages({ limit: 7 });
    expect(pages.flat()).toEqual(newestFirst(() => true));
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    expect(pages.at(-1)!.length).toBe(61 % 7);
    // One page with everything: the same order, and no cursor.
    const one = await store.list({ limit: 100 });
    expect(one.items.map((task) => task.task_id)).toEqual(newestFirst(() => true));
    expect(one.next_cursor).toBeNull();
  });

  it.each([
    [{ status: "failed" as const }, (task: Task) => task.status === "failed"],
    [{ platform: "xhs" as const }, (task: Task) => task.platform === "xhs"],
    [
      { status: "pending" as const, platform: "web" as const },
      (task: Task) => task.status === "pending" && task.platform === "web",
    ],
  ])("pages through %o newest first", async (filter, keep) => {
    const expected = newestFirst(keep);
    expect(expected.length).toBeGreaterThan(4);
    const pages = await allPages({ ...filter, limit: 4 });
    expect(pages.flat()).toEqual(expected);
  });

  it("goes on where it stopped when newer tasks arrive between pages, in shards the first page did not reach too", async () => {
    const first = await store.list({ limit: 2 });
    // A newer task in a shard none of the first page's tasks came from: it must not show on a later page.
    const reached = new Set(first.items.map((task) => taskShard(task.task_id)));
    let laterId = newId();
    while (reached.has(taskShard(laterId))) laterId = newId();
    const later = newTask({ task_id: laterId });
    await store.create(later);
    try {
      const rest: string[] = [];
      let cursor = first.next_cursor;
      while (cursor) {
        const page = await store.list({ limit: 10, cursor });
        rest.push(...page.items.map((task) => task.task_id));
        cursor = page.next_cursor;
      }
      // The newer task is before the first page, not among the rest.
      expect([...first.items.map((task) => task.task_id), ...rest]).toEqual(newestFirst(() => true));
      expect((await store.list({ limit: 1 })).items[0]?.task_id).toBe(later.task_id);
    } finally {
      await store.transition(later, ["pending"], "cancelled");
      created.push({ ...later, status: "cancelled" });
    }
  });

  it("leaves out a task whose status moved after its index entry was written (the table decides)", async () => {
    const failed = newestFirst((task) => task.status === "failed");
    const target = created.find((task) => task.task_id === failed[0])!;
    await store.transition(target, ["failed"], "pending");
    try {
      const page = await store.list({ status: "failed", limit: 100 });
      expect(page.items.map((task) => task.task_id)).toEqual(failed.slice(1));
      expect(page.items.every((task) => task.status === "failed")).toBe(true);
    } finally {
      await store.transition({ ...target }, ["pending"], "failed");
    }
  });

  it("lists one status oldest first across the shards", async () => {
    const seen: string[] = [];
    for await (const task of store.listByStatus("completed")) seen.push(task.task_id);
    expect(seen).toEqual(newestFirst((task) => task.status === "completed").reverse());
  });

  it("refuses a cursor of another listing, and a forged one", async () => {
    const cursor = (await store.list({ status: "failed", limit: 2 })).next_cursor!;
    await expect(store.list({ status: "pending", limit: 2, cursor })).rejects.toThrow(
      /^cursor: does not belong to this listing/,
    );
    await expect(store.list({ limit: 2, cursor })).rejects.toBeInstanceOf(ValidationError);
    const listing = "by_created=task";
    const forged = [
      encodeShardCursor(listing, [null, null]),
      encodeShardCursor(
        listing,
        Array.from({ length: TASK_INDEX_SHARDS }, () => "not-a-task-id"),
      ),
      Buffer.from(JSON.stringify({ l: listing, s: Array(TASK_INDEX_SHARDS).fill(null), x: 1 })).toString("base64url"),
    ];
    for (const bad of forged)
      await expect(store.list({ limit: 2, cursor: bad })).rejects.toThrow(
        /^cursor: is not a cursor returned by this API/,
      );
  });
});
