/**
 * Creates the tables and queues the functions expect, if they are missing, and rebuilds a
 * tasks table kept in DATA_DIR whose indexes are not the current ones (see ensureTasksTable).
 * The table shapes come from core/aws/tables.ts, the same definitions infra/ is checked against.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  type Projection,
  type TableDescription,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  ACCOUNTS_TABLE,
  SCHEDULES_TABLE,
  accountsKeyAttributes,
  POLITENESS_TABLE,
  RESULTS_TABLE,
  TASKS_TABLE,
  tasksKeyAttributes,
  type IndexProjection,
} from "../core/aws/tables.js";
import { VARIABLES } from "../core/config.js";
import type { PlatformName } from "../core/platforms/types.js";
import { indexAttributes, TASK_INDEX_ATTRIBUTES } from "../core/tasks/indexKeys.js";
import type { TaskStatus } from "../core/tasks/status.js";

export interface TableNames {
  tasksTable: string;
  resultsTable: string;
  politenessTable: string;
  accountsTable: string;
  /** @default "schedules" (SCHEDULES_TABLE's default) */
  schedulesTable?: string;
}

async function describeTable(dynamo: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === "ResourceNotFoundException")
      return undefined;
    throw error;
  }
}

async function tableExists(dynamo: DynamoDBClient, name: string): Promise<boolean> {
  return (await describeTable(dynamo, name)) !== undefined;
}

function dynamoProjection(projection: IndexProjection): Projection {
  if (projection === "ALL" || projection === "KEYS_ONLY") return { ProjectionType: projection };
  return { ProjectionType: "INCLUDE", NonKeyAttributes: [...projection] };
}

function globalIndex(index: {
  name: string;
  hashKey: string;
  rangeKey: string;
  projection: IndexProjection;
}): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.hashKey, KeyType: "HASH" },
      { AttributeName: index.rangeKey, KeyType: "RANGE" },
    ],
    Projection: dynamoProjection(index.projection),
  };
}

async function createTasksTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: tasksKeyAttributes().map((attribute) => ({ AttributeName: attribute, AttributeType: "S" })),
      KeySchema: [{ AttributeName: TASKS_TABLE.hashKey, KeyType: "HASH" }],
      GlobalSecondaryIndexes: TASKS_TABLE.indexes.map(globalIndex),
    }),
  );
  // dynalite does not expire items (./expirySweep.ts does), but the setting documents intent and matches AWS.
  await dynamo
    .send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: TASKS_TABLE.ttlAttribute, Enabled: true },
      }),
    )
    .catch(() => undefined);
  await waitForTable(dynamo, name, "ACTIVE");
}

/** Whether a table's global indexes are exactly the tasks table's of core/aws/tables.ts (names, keys, projections). */
function hasTaskIndexes(table: TableDescription): boolean {
  const shape = (index: GlobalSecondaryIndexDescription) =>
    JSON.stringify([
      index.IndexName,
      index.KeySchema?.map((key) => `${key.KeyType}:${key.AttributeName}`),
      index.Projection?.ProjectionType,
      [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
    ]);
  const have = (table.GlobalSecondaryIndexes ?? []).map(shape).sort();
  const want = TASKS_TABLE.indexes.map((index) => shape(globalIndex(index))).sort();
  return JSON.stringify(have) === JSON.stringify(want);
}

async function waitForTable(dynamo: DynamoDBClient, name: string, state: "ACTIVE" | "GONE"): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 20) {
    const table = await describeTable(dynamo, name);
    if (state === "GONE" ? table === undefined : table?.TableStatus === "ACTIVE") return;
    await sleep(20);
  }
  throw new Error(`table ${name} did not become ${state.toLowerCase()} within 30 s`);
}

async function dropTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(new DeleteTableCommand({ TableName: name }));
  await waitForTable(dynamo, name, "GONE");
}

/** The index attributes of tasks stored before issue 10 (a single "<platform>#<status>" key, no shards). */
const LEGACY_INDEX_ATTRIBUTES = ["platform_status"];

/**
 * A tasks-table item with its index attributes as this code writes them: a task (it has
 * a status and a platform) gets fresh keys, anything else (checkpoints, idempotency
 * markers) none. The rest of the item is copied as it is, binary checkpoints included.
 */
function rekeyed(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const copy = { ...item };
  for (const name of [...TASK_INDEX_ATTRIBUTES, ...LEGACY_INDEX_ATTRIBUTES]) delete copy[name];
  const [taskId, status, platform] = [item.task_id?.S, item.status?.S, item.platform?.S];
  if (taskId === undefined || status === undefined || platform === undefined) return copy;
  const keys = indexAttributes({ task_id: taskId, status: status as TaskStatus, platform: platform as PlatformName });
  for (const [name, value] of Object.entries(keys)) copy[name] = { S: value };
  return copy;
}

/** Copies every item of `from` into `to` (a Scan, then BatchWriteItems of 25), through `change`. */
async function copyItems(
  dynamo: DynamoDBClient,
  from: string,
  to: string,
  change: (item: Record<string, AttributeValue>) => Record<string, AttributeValue> = (item) => item,
): Promise<number> {
  let copied = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: from, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    const items = (page.Items ?? []).map(change);
    for (let i = 0; i < items.length; i += 25) {
      let requests: WriteRequest[] = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } }));
      while (requests.length > 0) {
        const result = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }));
        requests = result.UnprocessedItems?.[to] ?? [];
      }
    }
    copied += items.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return copied;
}

/**
 * The tasks table, created, or rebuilt when its indexes are not the ones core/aws/tables.ts
 * defines (a DATA_DIR from before issue 10: four ALL-projection indexes on unsharded keys).
 * dynalite cannot add or drop indexes on a table, so the table is copied, re-keyed, into
 * `<name>-rebuild`, then dropped, created anew and filled back from the copy, which is
 * dropped last. Every step can be interrupted and the next start finishes the job:
 * - the old table and a copy: the copy may be partial; it is dropped and made again;
 * - no tasks table, or a new one, and a copy: the copy is complete (the old table is only
 *   dropped after it); it is copied back, again if need be (the same keys overwrite).
 */
async function ensureTasksTable(dynamo: DynamoDBClient, name: string): Promise<"found" | "created" | "rebuilt"> {
  const staging = `${name}-rebuild`;
  let table = await describeTable(dynamo, name);
  let outcome: "found" | "created" | "rebuilt" = "found";
  if (table !== undefined && !hasTaskIndexes(table)) {
    if (await tableExists(dynamo, staging)) await dropTable(dynamo, staging);
    await createTasksTable(dynamo, staging);
    await copyItems(dynamo, name, staging, rekeyed);
    await dropTable(dynamo, name);
    table = undefined;
    outcome = "rebuilt";
  }
  if (table === undefined) {
    await createTasksTable(dynamo, name);
    if (outcome === "found") outcome = "created";
  }
  if (await tableExists(dynamo, staging)) {
    await copyItems(dynamo, staging, name);
    await dropTable(dynamo, staging);
    outcome = "rebuilt";
  }
  return outcome;
}

/** Returns the tables it had to create (a rebuilt tasks table counts: it was created anew). */
export async function ensureTables(dynamo: DynamoDBClient, names: TableNames): Promise<string[]> {
  const created: string[] = [];
  if ((await ensureTasksTable(dynamo, names.tasksTable)) !== "found") created.push(names.tasksTable);
  if (!(await tableExists(dynamo, names.resultsTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.resultsTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: RESULTS_TABLE.hashKey, AttributeType: "S" },
          { AttributeName: RESULTS_TABLE.rangeKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: RESULTS_TABLE.hashKey, KeyType: "HASH" },
          { AttributeName: RESULTS_TABLE.rangeKey, KeyType: "RANGE" },
        ],
      }),
    );
    // As for the tasks table: dynalite refuses it, and the stack sweeps expired items itself (./expirySweep.ts).
    await dynamo
      .send(
        new UpdateTimeToLiveCommand({
          TableName: names.resultsTable,
          TimeToLiveSpecification: { AttributeName: RESULTS_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
    created.push(names.resultsTable);
  }
  if (!(await tableExists(dynamo, names.politenessTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.politenessTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: POLITENESS_TABLE.hashKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: POLITENESS_TABLE.hashKey, KeyType: "HASH" }],
      }),
    );
    await dynamo
      .send(
        new UpdateTimeToLiveCommand({
          TableName: names.politenessTable,
          TimeToLiveSpecification: { AttributeName: POLITENESS_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
    created.push(names.politenessTable);
  }
  if (!(await tableExists(dynamo, names.accountsTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.accountsTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: accountsKeyAttributes().map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: [{ AttributeName: ACCOUNTS_TABLE.hashKey, KeyType: "HASH" }],
        GlobalSecondaryIndexes: ACCOUNTS_TABLE.indexes.map(globalIndex),
      }),
    );
    created.push(names.accountsTable);
  }
  const schedulesTable = names.schedulesTable ?? VARIABLES.schedulesTable.default;
  if (!(await tableExists(dynamo, schedulesTable))) {
    const index = SCHEDULES_TABLE.indexes[0];
    await dynamo.send(
      new CreateTableCommand({
        TableName: schedulesTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [...new Set([SCHEDULES_TABLE.hashKey, index.hashKey, index.rangeKey])].map((name) => ({
          AttributeName: name,
          AttributeType: "S",
        })),
        KeySchema: [{ AttributeName: SCHEDULES_TABLE.hashKey, KeyType: "HASH" }],
        GlobalSecondaryIndexes: SCHEDULES_TABLE.indexes.map(globalIndex),
      }),
    );
    // since_last_run's entries carry it (core/schedules/seen.ts); dynalite refuses it and does not expire them.
    await dynamo
      .send(
        new UpdateTimeToLiveCommand({
          TableName: schedulesTable,
          TimeToLiveSpecification: { AttributeName: SCHEDULES_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
    created.push(schedulesTable);
  }
  return created;
}

export interface QueueOptions {
  queueName: string;
  deadLetterQueueName: string;
  visibilityTimeoutSecs: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface QueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export async function ensureQueues(sqs: SQSClient, options: QueueOptions): Promise<QueueUrls> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: options.deadLetterQueueName }));
  const deadLetterQueueUrl = dlq.QueueUrl!;
  const dlqAttributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSecs),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: main.QueueUrl!, deadLetterQueueUrl };
}
