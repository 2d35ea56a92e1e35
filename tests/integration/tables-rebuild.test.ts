/**
 * The one-machine stack keeps dynalite's files in DATA_DIR between runs. A DATA_DIR written
 * before the task indexes became sharded and keys-only (issue 10) must just work: at start,
 * ensureTables (local/resources.ts) rebuilds the tasks table with the new indexes and re-keys
 * its tasks, keeping every item (checkpoints and idempotency markers too). Real dynalite on
 * disk, stopped and started again as a restart would, with the real SDK clients.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { monotonicFactory } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients, type AwsClients } from "../../core/aws/clients.js";
import { TASKS_TABLE } from "../../core/aws/tables.js";
import { DynamoCheckpointStore } from "../../core/crawl/checkpoints.js";
import { taskShard } from "../../core/tasks/indexKeys.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import { ensureTables } from "../../local/resources.js";
import { startDynamoServer, type RunningServer } from "../../local/servers.js";

const names = {
  tasksTable: "tasks",
  resultsTable: "results",
  politenessTable: "politeness",
  accountsTable: "accounts",
};
const newId = monotonicFactory();

let dataDir: string;
let server: RunningServer | undefined;
let clients: AwsClients | undefined;

async function start(): Promise<AwsClients> {
  server = await startDynamoServer({ dataDir });
  clients = createAwsClients({ dynamoEndpoint: server.endpoint, maxAttempts: 2 });
  return clients;
}

async function stop(): Promise<void> {
  clients?.dynamo.destroy();
  await server?.close();
  [clients, server] = [undefined, undefined];
}

/** The tasks table as created before issue 10: four ALL-projection indexes on unsharded keys. */
async function createLegacyTasksTable(aws: AwsClients, name: string): Promise<void> {
  const indexes = [
    ["by_created", "list_pk"],
    ["by_status", "status"],
    ["by_platform", "platform"],
    ["by_platform_status", "platform_status"],
  ];
  await aws.dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["task_id", ...indexes.map(([, key]) => key!)].map((attribute) => ({
        AttributeName: attribute,
        AttributeType: "S",
      })),
      KeySchema: [{ AttributeName: "task_id", KeyType: "HASH" }],
      GlobalSecondaryIndexes: indexes.map(([indexName, key]) => ({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: key, KeyType: "HASH" },
          { AttributeName: "task_id", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      })),
    }),
  );
}

/** A task as the code before issue 10 stored it. */
function legacyTask(status: string, platform: string) {
  const now = new Date().toISOString();
  return {
    task_id: newId(),
    platform,
    crawler_type: "detail",
    params: { urls: ["https://example.com/"] },
    status,
    attempts: 0,
    max_attempts: 3,
    created_at: now,
    updated_at: now,
    progress: { pages_done: 0, items: 0, errors: 0 },
    result_count: 0,
    list_pk: "task",
    platform_status: `${platform}#${status}`,
  };
}

beforeAll(() => {
  process.env.AWS_REGION ??= "us-east-1";
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  dataDir = mkdtempSync(join(tmpdir(), "tables-rebuild-"));
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a DATA_DIR from before the sharded, keys-only task indexes", () => {
  const legacy = [
    legacyTask("completed", "web"),
    legacyTask("failed", "xhs"),
    legacyTask("pending", "web"),
    legacyTask("completed", "web"),
  ];
  const checkpoint = {
    cursor: { frontier: ["https://example.com/a"] },
    progress: { pages_done: 1, items: 1, errors: 0 },
    succeeded: 1,
    saved_at: "2026-01-01T00:00:00.000Z",
  };

  it("is rebuilt at the next start: new indexes, tasks re-keyed and listed, other items kept", async () => {
    let aws = await start();
    await createLegacyTasksTable(aws, names.tasksTable);
    for (const item of legacy) await aws.doc.send(new PutCommand({ TableName: names.tasksTable, Item: item }));
    // A checkpoint (binary) and an Idempotency-Key marker: items no index shows.
    await aws.doc.send(
      new PutCommand({
        TableName: names.tasksTable,
        Item: {
          task_id: `${legacy[2]!.task_id}#checkpoint`,
          kind: "checkpoint",
          checkpoint: gzipSync(JSON.stringify(checkpoint)),
          saved_at: checkpoint.saved_at,
        },
      }),
    );
    const marker = {
      task_id: "idempotency#abc",
      kind: "idempotency_key",
      target_task_id: legacy[0]!.task_id,
      request_hash: "r",
      expires_at: 2_000_000_000,
    };
    await aws.doc.send(new PutCommand({ TableName: names.tasksTable, Item: marker }));
    await stop();

    aws = await start();
    expect(await ensureTables(aws.dynamo, names)).toContain(names.tasksTable);

    const described = (await aws.dynamo.send(new DescribeTableCommand({ TableName: names.tasksTable }))).Table!;
    expect(
      described.GlobalSecondaryIndexes?.map((index) => [
        index.IndexName,
        index.KeySchema?.[0]?.AttributeName,
        index.Projection?.ProjectionType,
      ]).sort(),
    ).toEqual(TASKS_TABLE.indexes.map((index) => [index.name, index.hashKey, "KEYS_ONLY"]).sort());
    const store = new DynamoTaskStore(aws.doc, names.tasksTable);
    const newest = legacy.map((task) => task.task_id).reverse();
    expect((await store.list({ limit: 10 })).items.map((task) => task.task_id)).toEqual(newest);
    expect(
      (await store.list({ status: "completed", platform: "web", limit: 10 })).items.map((task) => task.task_id),
    ).toEqual([legacy[3]!.task_id, legacy[0]!.task_id]);
    expect((await store.list({ platform: "xhs", limit: 10 })).items.map((task) => task.task_id)).toEqual([
      legacy[1]!.task_id,
    ]);

    const rekeyed = (
      await aws.doc.send(new GetCommand({ TableName: names.tasksTable, Key: { task_id: legacy[1]!.task_id } }))
    ).Item!;
    const shard = taskShard(legacy[1]!.task_id);
    expect(rekeyed).toMatchObject({
      list_pk: `task#${shard}`,
      status_pk: `failed#${shard}`,
      platform_pk: `xhs#${shard}`,
      platform_status_pk: `xhs#failed#${shard}`,
    });
    expect(rekeyed).not.toHaveProperty("platform_status");

    expect(await new DynamoCheckpointStore(aws.doc, names.tasksTable).load(legacy[2]!.task_id)).toEqual(checkpoint);
    expect(
      (await aws.doc.send(new GetCommand({ TableName: names.tasksTable, Key: { task_id: marker.task_id } }))).Item,
    ).toEqual(marker);
    const all = await aws.doc.send(new ScanCommand({ TableName: names.tasksTable }));
    expect(all.Items).toHaveLength(legacy.length + 2);
    await stop();

    // The start after that finds the table as it should be.
    aws = await start();
    expect(await ensureTables(aws.dynamo, names)).toEqual([]);
    await stop();
  });

  it("finishes a rebuild interrupted after the old table was dropped: the copy goes back in", async () => {
    const aws = await start();
    // As a crash would leave it: no tasks table, the complete re-keyed copy beside it.
    const store = new DynamoTaskStore(aws.doc, "tasks-b");
    await ensureTables(aws.dynamo, { ...names, tasksTable: "tasks-b-rebuild" });
    const copied = new DynamoTaskStore(aws.doc, "tasks-b-rebuild");
    const task = { ...legacyTask("pending", "web") } as Record<string, unknown>;
    delete task.list_pk;
    delete task.platform_status;
    await copied.create(task as never);

    expect(await ensureTables(aws.dynamo, { ...names, tasksTable: "tasks-b" })).toContain("tasks-b");
    expect((await store.list({ status: "pending", limit: 10 })).items.map((t) => t.task_id)).toEqual([task.task_id]);
    await expect(aws.dynamo.send(new DescribeTableCommand({ TableName: "tasks-b-rebuild" }))).rejects.toThrow(
      /not found/i,
    );
    await stop();
  });
});
