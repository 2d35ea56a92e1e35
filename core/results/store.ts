import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  QueryCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { callDependency } from "../aws/dependency.js";
import { RetryableCrawlError, ValidationError } from "../errors.js";
import { decodeCursor, encodeCursor } from "../pagination.js";
import type { ResultItem } from "../platforms/types.js";
import type { Page } from "../tasks/store.js";
import { fitItemSize } from "./itemSize.js";
import { RESULTS_TABLE } from "../aws/tables.js";
import { expiryEpochSecs, LONGEST_ATTEMPT_SECS } from "../tasks/retention.js";
import { withDiscriminators } from "./publicSchema.js";

/** A result as stored and returned: the item's data plus its keys. */
export type StoredResult = Record<string, unknown> & { task_id: string; item_key: string; ok: boolean };

export interface ResultStore {
  /**
   * Writes items (overwriting same keys). Resolves only when every item is stored.
   * `attemptSecsLeft`: how long the attempt storing them may still run (the task's
   * max_duration_secs), which their TTL allows for (core/tasks/retention.ts).
   */
  putMany(taskId: string, items: readonly ResultItem[], options?: { attemptSecsLeft?: number }): Promise<void>;
  list(taskId: string, query: { limit: number; cursor?: string }): Promise<Page<StoredResult>>;
  /** Deletes every result of the task; resolves to how many there were. */
  deleteAll(taskId: string): Promise<number>;
}

export interface DynamoResultStoreOptions {
  /** How often unprocessed batch items are re-sent before giving up. @default 8 */
  maxBatchRetries?: number;
  /** First back-off between re-sends, doubled each time. @default 50 */
  retryBaseDelayMs?: number;
  /** RESULT_RETENTION_DAYS: results get a TTL when above 0. @default 0 */
  retentionDays?: number;
}

const BATCH_SIZE = 25;

type BatchWriteRequests = NonNullable<BatchWriteCommandInput["RequestItems"]>[string];

/** A result item as the results table stores it: its data, its keys, cut to DynamoDB's item size. */
export function toStoredResult(taskId: string, item: ResultItem): StoredResult {
  return fitItemSize({ ...item.data, task_id: taskId, item_key: item.item_key, ok: item.ok });
}

export class DynamoResultStore implements ResultStore {
  private readonly options: Required<DynamoResultStoreOptions>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoResultStoreOptions = {},
  ) {
    this.options = { maxBatchRetries: 8, retryBaseDelayMs: 50, retentionDays: 0, ...options };
  }

  async putMany(
    taskId: string,
    items: readonly ResultItem[],
    options: { attemptSecsLeft?: number } = {},
  ): Promise<void> {
    const { retentionDays } = this.options;
    const ttl =
      retentionDays > 0
        ? {
            [RESULTS_TABLE.ttlAttribute]: expiryEpochSecs(
              retentionDays,
              Date.now(),
              options.attemptSecsLeft ?? LONGEST_ATTEMPT_SECS,
            ),
          }
        : {};
    // Keys must be unique within one BatchWriteItem; the last version of an item wins.
    const unique = new Map<string, StoredResult>();
    for (const item of items) {
      unique.set(item.item_key, { ...toStoredResult(taskId, item), ...ttl });
    }
    const all = [...unique.values()];
    for (let i = 0; i < all.length; i += BATCH_SIZE) {
      await this.writeBatch(all.slice(i, i + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } })));
    }
  }

  async deleteAll(taskId: string): Promise<number> {
    let deleted = 0;
    // Keys only, a page at a time: a task may have 100,000 results.
    for (let startKey: Record<string, unknown> | undefined; ; ) {
      const page = await callDependency("results_table", () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: "task_id = :id",
            ExpressionAttributeValues: { ":id": taskId },
            ProjectionExpression: "task_id, item_key",
            Limit: 500,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      const keys = page.Items ?? [];
      for (let i = 0; i < keys.length; i += BATCH_SIZE) {
        await this.writeBatch(keys.slice(i, i + BATCH_SIZE).map((Key) => ({ DeleteRequest: { Key } })));
      }
      deleted += keys.length;
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) return deleted;
    }
  }

  /** One BatchWriteItem of puts or deletes, unprocessed ones re-sent with back-off. */
  private async writeBatch(batch: BatchWriteRequests): Promise<void> {
    let requests = batch;
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > this.options.maxBatchRetries) {
        throw new RetryableCrawlError("RESULTS_THROTTLED", `results table kept ${requests.length} items unprocessed`);
      }
      if (attempt > 0) await sleep(this.options.retryBaseDelayMs * 2 ** (attempt - 1));
      const result = await callDependency("results_table", () =>
        this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
      );
      requests = result.UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  async list(taskId: string, query: { limit: number; cursor?: string }): Promise<Page<StoredResult>> {
    const startKey = decodeCursor(query.cursor, ["task_id", "item_key"]);
    // A start key must be a whole table key of this task: DynamoDB fails a query whose
    // start key is partial or outside its key condition, and that would surface as a 500.
    if (startKey && (startKey.task_id === undefined || startKey.item_key === undefined)) {
      throw new ValidationError("cursor: is not a cursor returned by this API", "cursor");
    }
    if (startKey && startKey.task_id !== taskId) {
      throw new ValidationError("cursor: belongs to another task", "cursor");
    }
    const result = await callDependency("results_table", () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "task_id = :id",
          ExpressionAttributeValues: { ":id": taskId },
          Limit: query.limit,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    // The TTL is the table's bookkeeping, not the item's data (GET …/results, exports).
    const items = (result.Items ?? []).map(({ [RESULTS_TABLE.ttlAttribute]: _ttl, ...item }) =>
      withDiscriminators(item as StoredResult),
    );
    return { items, next_cursor: encodeCursor(result.LastEvaluatedKey) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
