/**
 * RESULT_RETENTION_DAYS against a real dynalite server over HTTP: the TTL a task gets as it
 * ends (and loses when retried), the same TTL on its URL list and checkpoint, results'
 * TTLs that outlast their task's, the API showing expires_at and never the results' TTL,
 * and the one-machine stack's own sweep of expired items, which dynalite does not do.
 */
import { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoCheckpointStore } from "../../core/crawl/checkpoints.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { toPublicTask, type Task } from "../../core/tasks/model.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import { DynamoUrlListStore, urlListPieceKeys } from "../../core/tasks/urlLists.js";
import { expiringTables, sweepExpired, sweepOrphanMedia } from "../../local/expirySweep.js";
import { FileMediaStore } from "../../core/media/fileStore.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestAws, type TestAws } from "../support/aws.js";

const DAY = 86_400;
let aws: TestAws;
let tasks: DynamoTaskStore;
let results: DynamoResultStore;
let counter = 0;

function newTask(overrides: Partial<Task> = {}): Task {
  const now = new Date().toISOString();
  counter++;
  return {
    task_id: `01K${String(counter).padStart(23, "0")}`,
    platform: "web",
    crawler_type: "detail",
    params: { urls: ["https://example.com/"] },
    status: "pending",
    attempts: 0,
    max_attempts: 3,
    max_duration_secs: 600,
    created_at: now,
    updated_at: now,
    progress: { pages_done: 0, items: 0, errors: 0 },
    result_count: 0,
    ...overrides,
  };
}

async function rawItem(table: string, key: Record<string, string>) {
  return (await aws.clients.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

async function storedResults(taskId: string) {
  const page = await aws.clients.doc.send(
    new QueryCommand({
      TableName: aws.resultsTable,
      KeyConditionExpression: "task_id = :id",
      ExpressionAttributeValues: { ":id": taskId },
    }),
  );
  return page.Items ?? [];
}

const nowSecs = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  aws = await startTestAws({ setEnv: false });
  tasks = new DynamoTaskStore(aws.clients.doc, aws.tasksTable, { retentionDays: 7 });
  results = new DynamoResultStore(aws.clients.doc, aws.resultsTable, { retentionDays: 7 });
});

afterAll(async () => {
  await aws?.close();
});

describe("dynalite (why the stack sweeps)", () => {
  it("has no TTL: it refuses UpdateTimeToLive, says DISABLED, and keeps an item long past its TTL", async () => {
    await expect(
      aws.clients.dynamo.send(
        new UpdateTimeToLiveCommand({
          TableName: aws.resultsTable,
          TimeToLiveSpecification: { AttributeName: "expires_at", Enabled: true },
        }),
      ),
    ).rejects.toThrow();
    const described = await aws.clients.dynamo.send(new DescribeTimeToLiveCommand({ TableName: aws.tasksTable }));
    expect(described.TimeToLiveDescription?.TimeToLiveStatus).toBe("DISABLED");
    await aws.clients.doc.send(
      new PutCommand({ TableName: aws.tasksTable, Item: { task_id: "ttl-fact", expires_at: nowSecs() - 3600 } }),
    );
    expect(await rawItem(aws.tasksTable, { task_id: "ttl-fact" })).toBeDefined();
  });
});

describe("a task's TTL", () => {
  it("is set as it ends, shown as expires_at, taken away when it is retried, and set again when it ends again", async () => {
    const task = newTask();
    await tasks.create(task);
    const running = await tasks.transition(task, ["pending"], "running", { incrementAttempts: true });
    expect(running?.expires_at).toBeUndefined();
    expect(toPublicTask(running!).expires_at).toBeNull();

    const before = nowSecs();
    const failed = await tasks.transition(task, ["running"], "failed", { finished_at: new Date().toISOString() });
    expect(failed?.expires_at).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(failed?.expires_at).toBeLessThanOrEqual(nowSecs() + 7 * DAY);
    expect(toPublicTask(failed!).expires_at).toBe(new Date(failed!.expires_at! * 1000).toISOString());

    const retried = await tasks.transition(task, ["failed", "cancelled"], "pending", { finished_at: undefined });
    expect(retried?.expires_at).toBeUndefined();
    expect((await rawItem(aws.tasksTable, { task_id: task.task_id }))?.expires_at).toBeUndefined();

    const cancelled = await tasks.transition(task, ["pending"], "cancelled");
    expect(cancelled?.expires_at).toBeGreaterThanOrEqual(before + 7 * DAY);
  });

  it("is none without retention (RESULT_RETENTION_DAYS=0, the default)", async () => {
    const keep = new DynamoTaskStore(aws.clients.doc, aws.tasksTable);
    const task = newTask();
    await keep.create(task);
    const ended = await keep.transition(task, ["pending"], "cancelled");
    expect(ended?.expires_at).toBeUndefined();
    expect(toPublicTask(ended!).expires_at).toBeNull();
  });

  it("goes to its stored URL list and checkpoint, and leaves them when the task runs again", async () => {
    const urls = Array.from({ length: 150 }, (_, i) => `https://example.com/${i}`);
    const task = newTask();
    const ref = await new DynamoUrlListStore(aws.clients.doc, aws.tasksTable).save(urls, task.task_id);
    task.params = { url_list: ref };
    await tasks.create(task);
    await new DynamoCheckpointStore(aws.clients.doc, aws.tasksTable).save(task.task_id, {
      cursor: { next: 3 },
      progress: { pages_done: 3, items: 3, errors: 0 },
      succeeded: 3,
      saved_at: new Date().toISOString(),
    });
    const besides = [...urlListPieceKeys(ref), `${task.task_id}#checkpoint`];
    const ttls = async () =>
      Promise.all(besides.map(async (key) => (await rawItem(aws.tasksTable, { task_id: key }))?.expires_at));

    const cancelled = await tasks.transition(task, ["pending"], "cancelled");
    expect(await ttls()).toEqual(besides.map(() => cancelled!.expires_at));
    await tasks.transition(task, ["cancelled"], "pending");
    expect(await ttls()).toEqual(besides.map(() => undefined));
  });
});

describe("results' TTL", () => {
  it("outlasts the task's when the task ends within its attempt, and is never shown", async () => {
    const task = newTask();
    const before = nowSecs();
    await results.putMany(
      task.task_id,
      [
        { item_key: "a", ok: true, data: { platform: "web", item_type: "page", url: "https://example.com/a" } },
        { item_key: "b", ok: false, data: { platform: "web", item_type: "page", url: "https://example.com/b" } },
      ],
      { attemptSecsLeft: 600 },
    );
    const stored = await storedResults(task.task_id);
    expect(stored).toHaveLength(2);
    for (const item of stored) {
      expect(item.expires_at).toBeGreaterThanOrEqual(before + 600 + 7 * DAY);
      expect(item.expires_at).toBeLessThanOrEqual(nowSecs() + 600 + 7 * DAY);
    }
    // The attempt ends within max_duration_secs (600): the task's TTL is at most the results'.
    const page = await results.list(task.task_id, { limit: 10 });
    expect(page.items.map((item) => Object.keys(item).sort())).toEqual([
      ["item_key", "item_type", "ok", "platform", "task_id", "url"],
      ["item_key", "item_type", "ok", "platform", "task_id", "url"],
    ]);
  });

  it("are none without retention", async () => {
    await new DynamoResultStore(aws.clients.doc, aws.resultsTable).putMany("keep", [
      { item_key: "a", ok: true, data: {} },
    ]);
    expect((await storedResults("keep"))[0]).not.toHaveProperty("expires_at");
  });
});

describe("sweepExpired (the one-machine stack's TTL)", () => {
  it("deletes the items past their TTL in every table with one, and nothing else", async () => {
    const past = nowSecs() - 60;
    const future = nowSecs() + DAY;
    const put = (table: string, item: Record<string, unknown>) =>
      aws.clients.doc.send(new PutCommand({ TableName: table, Item: item }));
    await put(aws.tasksTable, { task_id: "sweep-old", expires_at: past });
    await put(aws.tasksTable, { task_id: "sweep-new", expires_at: future });
    await put(aws.tasksTable, { task_id: "sweep-none" });
    await put(aws.tasksTable, { task_id: "sweep-text", expires_at: "2000-01-01T00:00:00Z" });
    await put(aws.resultsTable, { task_id: "sweep", item_key: "old", expires_at: past });
    await put(aws.resultsTable, { task_id: "sweep", item_key: "new", expires_at: future });
    await put(aws.politenessTable, { limit_key: "host:old.example", expires_at: past });

    const deleted = await sweepExpired(aws.clients.doc, expiringTables(aws));
    expect(deleted[aws.tasksTable]).toBeGreaterThanOrEqual(1); // "sweep-old", and the dynalite fact's item
    expect(deleted[aws.resultsTable]).toBe(1);
    expect(deleted[aws.politenessTable]).toBe(1);
    expect(await rawItem(aws.tasksTable, { task_id: "sweep-old" })).toBeUndefined();
    expect(await rawItem(aws.tasksTable, { task_id: "sweep-new" })).toBeDefined();
    expect(await rawItem(aws.tasksTable, { task_id: "sweep-none" })).toBeDefined();
    // Not a number: DynamoDB's TTL ignores it too.
    expect(await rawItem(aws.tasksTable, { task_id: "sweep-text" })).toBeDefined();
    expect((await storedResults("sweep")).map((item) => item.item_key)).toEqual(["new"]);
    expect(await sweepExpired(aws.clients.doc, expiringTables(aws))).toEqual({
      [aws.tasksTable]: 0,
      [aws.resultsTable]: 0,
      [aws.politenessTable]: 0,
      [aws.accountsTable]: 0,
    });
  });
  it("also takes QR login sessions and since_last_run entries, never the accounts and schedules beside them", async () => {
    const put = (table: string, item: Record<string, unknown>) =>
      aws.clients.doc.send(new PutCommand({ TableName: table, Item: item }));
    const schedulesTable = "schedules";
    await put(aws.accountsTable, { account_id: "login#old", purge_at: nowSecs() - 60 });
    await put(aws.accountsTable, { account_id: "01ACCOUNTKEPT", platform: "xhs" });
    await put(schedulesTable, { schedule_id: "seen#01SCHED#xhs:content:a", expires_at: nowSecs() - 60 });
    await put(schedulesTable, { schedule_id: "seen#01SCHED#xhs:content:b", expires_at: nowSecs() + DAY });
    await put(schedulesTable, { schedule_id: "01SCHED", list_pk: "schedule" });

    const tables = expiringTables({ ...aws, schedulesTable });
    const deleted = await sweepExpired(aws.clients.doc, tables);
    expect([deleted[aws.accountsTable], deleted[schedulesTable]]).toEqual([1, 1]);
    expect(await rawItem(aws.accountsTable, { account_id: "login#old" })).toBeUndefined();
    expect(await rawItem(aws.accountsTable, { account_id: "01ACCOUNTKEPT" })).toBeDefined();
    expect(await rawItem(schedulesTable, { schedule_id: "seen#01SCHED#xhs:content:b" })).toBeDefined();
    expect(await rawItem(schedulesTable, { schedule_id: "01SCHED" })).toBeDefined();
  });
});

describe("sweepOrphanMedia (media files go with their task on the one-machine stack)", () => {
  it("removes the files of a task the TTL sweep deleted, and keeps those of a task still there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "media-retention-"));
    try {
      const store = new FileMediaStore(dir, "retention-test-secret-0000", () => "");
      const put = (item: Record<string, unknown>) =>
        aws.clients.doc.send(new PutCommand({ TableName: aws.tasksTable, Item: item }));
      await put({ task_id: "01MEDIAOLD", expires_at: nowSecs() - 60 });
      await put({ task_id: "01MEDIAKEPT", expires_at: nowSecs() + DAY });
      for (const taskId of ["01MEDIAOLD", "01MEDIAKEPT"])
        await store.put(`${taskId}/xhs:content:a/0.jpg`, Buffer.from([0xff, 0xd8, 0xff, 0]), "image/jpeg");

      await sweepExpired(aws.clients.doc, expiringTables(aws));
      expect(await sweepOrphanMedia(aws.clients.doc, aws.tasksTable, store)).toBe(1);
      expect(await store.taskIds()).toEqual(["01MEDIAKEPT"]);
      expect(await store.bytesUnder("01MEDIAKEPT/")).toBe(4);
      expect(await sweepOrphanMedia(aws.clients.doc, aws.tasksTable, store)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
