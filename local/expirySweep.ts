/**
 * DynamoDB's TTL, done by the one-machine stack itself: dynalite keeps every item whatever its
 * TTL attribute says (it answers UpdateTimeToLive with an error and DescribeTimeToLive with
 * DISABLED: node_modules/dynalite/actions/describeTimeToLive.js, and index.js has no
 * UpdateTimeToLive). The stack runs this with its sweeper, so expired tasks, results, URL
 * lists, checkpoints, idempotency markers, politeness items, QR login sessions (accounts
 * table) and since_last_run's record entries (schedules table) go as they would on AWS.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { ACCOUNTS_TABLE, POLITENESS_TABLE, RESULTS_TABLE, SCHEDULES_TABLE, TASKS_TABLE } from "../core/aws/tables.js";

/** A table with a TTL attribute, and its key attributes. */
export interface ExpiringTable {
  name: string;
  keys: readonly string[];
  ttlAttribute: string;
}

/** The stack's tables that have a TTL (core/aws/tables.ts), under their names. */
export function expiringTables(names: {
  tasksTable: string;
  resultsTable: string;
  politenessTable: string;
  accountsTable?: string;
  schedulesTable?: string;
}): ExpiringTable[] {
  // Accounts and schedules never expire themselves: only the items beside them that carry
  // the TTL attribute do (login sessions, since_last_run entries).
  const beside: ExpiringTable[] = [
    ...(names.accountsTable === undefined
      ? []
      : [{ name: names.accountsTable, keys: [ACCOUNTS_TABLE.hashKey], ttlAttribute: ACCOUNTS_TABLE.ttlAttribute }]),
    ...(names.schedulesTable === undefined
      ? []
      : [{ name: names.schedulesTable, keys: [SCHEDULES_TABLE.hashKey], ttlAttribute: SCHEDULES_TABLE.ttlAttribute }]),
  ];
  return [
    { name: names.tasksTable, keys: [TASKS_TABLE.hashKey], ttlAttribute: TASKS_TABLE.ttlAttribute },
    {
      name: names.resultsTable,
      keys: [RESULTS_TABLE.hashKey, RESULTS_TABLE.rangeKey],
      ttlAttribute: RESULTS_TABLE.ttlAttribute,
    },
    { name: names.politenessTable, keys: [POLITENESS_TABLE.hashKey], ttlAttribute: POLITENESS_TABLE.ttlAttribute },
    ...beside,
  ];
}

/**
 * Deletes every item whose TTL (epoch seconds) is before `nowMs`, each only if it is still
 * expired when deleted (a task retried meanwhile lost its TTL and stays). Items without the
 * attribute, or with a non-number, never expire, as on AWS. Returns how many went, per table.
 */
export async function sweepExpired(
  doc: DynamoDBDocumentClient,
  tables: readonly ExpiringTable[],
  nowMs: number = Date.now(),
): Promise<Record<string, number>> {
  const now = Math.floor(nowMs / 1000);
  const deleted: Record<string, number> = {};
  for (const table of tables) {
    deleted[table.name] = 0;
    const names = Object.fromEntries(table.keys.map((key, i) => [`#k${i}`, key]));
    for (let startKey: Record<string, unknown> | undefined; ; ) {
      // A Scan on one machine's tables: small, and run once a sweep interval.
      const page = await doc.send(
        new ScanCommand({
          TableName: table.name,
          FilterExpression: "#ttl < :now",
          ProjectionExpression: Object.keys(names).join(", "),
          ExpressionAttributeNames: { ...names, "#ttl": table.ttlAttribute },
          ExpressionAttributeValues: { ":now": now },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        try {
          await doc.send(
            new DeleteCommand({
              TableName: table.name,
              Key: key,
              ConditionExpression: "#ttl < :now",
              ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
              ExpressionAttributeValues: { ":now": now },
            }),
          );
          deleted[table.name]! += 1;
        } catch (error) {
          if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
  }
  return deleted;
}

/**
 * The media files of tasks that are gone (expired by the sweep above, or deleted while the
 * files could not be): every task folder under the media directory whose task item no
 * longer exists is removed, as S3's lifecycle rule removes them on AWS. Returns how many
 * tasks' folders went.
 */
export async function sweepOrphanMedia(
  doc: DynamoDBDocumentClient,
  tasksTable: string,
  store: { taskIds(): Promise<string[]>; deleteUnder(prefix: string): Promise<number> },
): Promise<number> {
  let removed = 0;
  for (const taskId of await store.taskIds()) {
    const found = await doc.send(
      new GetCommand({
        TableName: tasksTable,
        Key: { [TASKS_TABLE.hashKey]: taskId },
        ProjectionExpression: "#k",
        ExpressionAttributeNames: { "#k": TASKS_TABLE.hashKey },
      }),
    );
    if (found.Item !== undefined) continue;
    await store.deleteUnder(`${taskId}/`);
    removed++;
  }
  return removed;
}
