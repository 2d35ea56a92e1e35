import { setTimeout as sleep } from "node:timers/promises";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import { TASK_INDEX_RANGE_KEY, TASK_INDEX_SHARDS, TASK_SCHEDULE_INDEX, TASKS_TABLE } from "../aws/tables.js";
import { DependencyUnavailableError, ValidationError } from "../errors.js";
import { decodeCursor, decodeShardCursor, encodeCursor, encodeShardCursor, type ShardPosition } from "../pagination.js";
import type { PlatformName } from "../platforms/types.js";
import {
  indexAttributes,
  inListing,
  shardKey,
  statusIndexAttributes,
  taskListing,
  type TaskListing,
} from "./indexKeys.js";
import { TASK_ID_PATTERN, type StoredTask, type Task } from "./model.js";
import { ShardMerge, type MergeOrder, type ShardQuery } from "./shardMerge.js";
import { isTerminal, type TaskStatus } from "./status.js";
import { expiryEpochSecs } from "./retention.js";
import { isUrlListRef, urlListPieceKeys } from "./urlLists.js";

export interface ListTasksQuery {
  status?: TaskStatus;
  platform?: PlatformName;
  /** The tasks of one schedule's runs (the by_schedule index); not combined with the others. */
  schedule_id?: string | undefined;
  /** 1–100 */
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Marker stored beside a task created with an Idempotency-Key. */
export interface IdempotencyMarker {
  keyHash: string;
  requestHash: string;
  expiresAtEpochSecs: number;
}

/** Extra conditions on a status move. */
export interface TransitionGuard {
  /** Only if the task was not updated since this ISO time (it is stale). */
  updatedBefore?: string;
  /** Only if this delivery still holds the lease. */
  leaseOwner?: string;
  /** Only if the lease ran out before this ISO time (or there is none): its holder is gone. */
  leaseExpiredBefore?: string;
}

/** Enough of a task to address it and keep its index keys right. */
export type TaskRef = Pick<Task, "task_id" | "platform">;

export type CreateOutcome = { created: true } | { created: false; existingTaskId: string; requestHash: string };

/** Field changes written together with a status move. `undefined` removes the attribute. */
export interface TaskChanges {
  started_at?: string;
  finished_at?: string | undefined;
  error?: Task["error"] | undefined;
  progress?: Task["progress"];
  result_count?: number;
  max_attempts?: number;
  lease_owner?: string | undefined;
  lease_expires_at?: string | undefined;
  handoff?: boolean | undefined;
  stop_reason?: string | undefined;
  hung_workers?: number | undefined;
  /** Adds 1 to `continuations`. */
  incrementContinuations?: boolean;
  /** Adds to `attempts` (the claim adds 1). */
  incrementAttempts?: boolean;
}

/** Persistence of tasks. Every status change is conditional on the current status. */
export interface TaskStore {
  create(task: Task, idempotency?: IdempotencyMarker): Promise<CreateOutcome>;
  get(taskId: string): Promise<Task | undefined>;
  list(query: ListTasksQuery): Promise<Page<Task>>;
  /** Moves the task to `to` if its status is one of `from`; returns the new task, or undefined if it was not. */
  transition(
    task: TaskRef,
    from: readonly TaskStatus[],
    to: TaskStatus,
    changes?: TaskChanges,
    guard?: TransitionGuard,
  ): Promise<Task | undefined>;
  /**
   * Writes progress while the task is running (held by `owner`, when given); false when it no
   * longer is. `also.webhookPageSeq`: the task.page sequence number the run just used, in the same write.
   */
  updateProgress(
    taskId: string,
    progress: Task["progress"],
    resultCount: number,
    owner?: string,
    also?: { webhookPageSeq?: number },
  ): Promise<boolean>;
  /** Extends the lease of a running task this delivery holds; false when it no longer does. */
  renewLease(taskId: string, owner: string, expiresAt: string): Promise<boolean>;
  /** All tasks with this status created (or last updated) before `updatedBefore`, oldest first. */
  listByStatus(status: TaskStatus, updatedBefore?: string): AsyncIterable<Task>;
  /** Deletes the task if its status is one of `statuses`; false when it is not (or it is gone). */
  deleteIn(taskId: string, statuses: readonly TaskStatus[]): Promise<boolean>;
  ping(): Promise<void>;
}

const IDEMPOTENCY_PREFIX = "idempotency#";

/** Attributes a status move may set (a value) or remove (undefined). */
const CHANGEABLE_ATTRIBUTES = [
  "started_at",
  "finished_at",
  "error",
  "progress",
  "result_count",
  "max_attempts",
  "lease_owner",
  "lease_expires_at",
  "handoff",
  "stop_reason",
  "hung_workers",
] as const;

export interface DynamoTaskStoreOptions {
  /** RESULT_RETENTION_DAYS: a task that ends gets a TTL this many days on (core/tasks/retention.ts). @default 0: none */
  retentionDays?: number;
}

export class DynamoTaskStore implements TaskStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoTaskStoreOptions = {},
  ) {}

  async create(task: Task, idempotency?: IdempotencyMarker): Promise<CreateOutcome> {
    const item: StoredTask = { ...task, ...indexAttributes(task) };
    if (idempotency === undefined) {
      await this.#putIfAbsent(item);
      return { created: true };
    }
    // Marker first, then the task. DynamoDB Local stand-ins lack transactions, and this order
    // needs none: a marker whose task is missing (a crash in between) is completed by the
    // next request with the same key, which creates the task under the marker's id.
    const markerId = IDEMPOTENCY_PREFIX + idempotency.keyHash;
    try {
      await this.#putIfAbsent({
        task_id: markerId,
        kind: "idempotency_key",
        target_task_id: task.task_id,
        request_hash: idempotency.requestHash,
        created_at: task.created_at,
        [TASKS_TABLE.ttlAttribute]: idempotency.expiresAtEpochSecs,
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const marker = await callDependency("tasks_table", () =>
        this.doc.send(new GetCommand({ TableName: this.tableName, Key: { task_id: markerId }, ConsistentRead: true })),
      );
      if (marker.Item === undefined) throw error;
      const existingTaskId = String(marker.Item.target_task_id);
      const requestHash = String(marker.Item.request_hash);
      const existing =
        requestHash === idempotency.requestHash ? await this.get(existingTaskId) : { task_id: existingTaskId };
      if (existing !== undefined) return { created: false, existingTaskId, requestHash };
      task.task_id = existingTaskId;
      item.task_id = existingTaskId;
    }
    try {
      await this.#putIfAbsent(item);
    } catch (error) {
      // A concurrent request with the same key completed the same marker first.
      if (isConditionalCheckFailed(error))
        return { created: false, existingTaskId: task.task_id, requestHash: idempotency.requestHash };
      throw error;
    }
    return { created: true };
  }

  /** Writes `item` unless a row with its task_id exists (ConditionalCheckFailed then). */
  async #putIfAbsent(item: NonNullable<PutCommandInput["Item"]>): Promise<void> {
    await callDependency("tasks_table", () =>
      this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(task_id)" }),
      ),
    );
  }

  async deleteIn(taskId: string, statuses: readonly TaskStatus[]): Promise<boolean> {
    try {
      await callDependency("tasks_table", () =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { task_id: taskId },
            ConditionExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(", ")})`,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status])),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async get(taskId: string): Promise<Task | undefined> {
    if (taskId.startsWith(IDEMPOTENCY_PREFIX)) return undefined;
    const result = await callDependency("tasks_table", () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { task_id: taskId }, ConsistentRead: true })),
    );
    return result.Item as Task | undefined;
  }

  /**
   * One page of a listing, newest first: the ids from the listing's index shards, merged
   * (see ./shardMerge.ts), then the tasks themselves from the table, since the indexes hold
   * keys only. A task whose status moved after its index entry was read is left out (the
   * index lags the table by a moment), so a page may hold fewer than `limit` tasks while
   * its next_cursor still leads on; the cursor follows the index, so nothing is skipped.
   */
  async list(query: ListTasksQuery): Promise<Page<Task>> {
    if (query.schedule_id !== undefined) return this.listBySchedule(query.schedule_id, query);
    const listing = taskListing(query);
    const start =
      decodeShardCursor(query.cursor, {
        listing: listing.id,
        shards: TASK_INDEX_SHARDS,
        isPosition: (id) => TASK_ID_PATTERN.test(id),
      }) ?? Array.from({ length: TASK_INDEX_SHARDS }, (): ShardPosition => null);
    const merge = new ShardMerge(this.shardQuery(listing, "newest_first"), start, "newest_first", query.limit);
    const ids = await merge.take(query.limit);
    const found = await this.getMany(ids);
    const items = ids.flatMap((id) => {
      const task = found.get(id);
      return task !== undefined && inListing(listing, task) ? [task] : [];
    });
    return { items, next_cursor: merge.done() ? null : encodeShardCursor(listing.id, merge.positions()) };
  }

  /** A schedule's runs, newest first: one Query on the unsharded by_schedule index, then the tasks. */
  private async listBySchedule(scheduleId: string, query: ListTasksQuery): Promise<Page<Task>> {
    const index = TASK_SCHEDULE_INDEX;
    const start = decodeCursor(query.cursor, [TASK_INDEX_RANGE_KEY, index.hashKey, TASKS_TABLE.hashKey]);
    if (start !== undefined && (start[index.hashKey] !== scheduleId || !TASK_ID_PATTERN.test(start.task_id ?? "")))
      throw new ValidationError("cursor: is not a cursor returned by this API", "cursor");
    const result = await callDependency("tasks_table", () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": index.hashKey },
          ExpressionAttributeValues: { ":pk": scheduleId },
          ProjectionExpression: TASK_INDEX_RANGE_KEY,
          ScanIndexForward: false,
          Limit: query.limit,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      ),
    );
    const ids = (result.Items ?? []).map((item) => String(item[TASK_INDEX_RANGE_KEY]));
    const found = await this.getMany(ids);
    return {
      items: ids.flatMap((id) => found.get(id) ?? []),
      next_cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /** Reads one shard of a listing's index: task ids only (the index projects keys). */
  private shardQuery(listing: TaskListing, order: MergeOrder): ShardQuery {
    const { index, value } = listing;
    return async (shard, after, limit) => {
      const partition = shardKey(value, shard);
      const result = await callDependency("tasks_table", () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: "#pk = :pk",
            ExpressionAttributeNames: { "#pk": index.hashKey },
            ExpressionAttributeValues: { ":pk": partition },
            ProjectionExpression: TASK_INDEX_RANGE_KEY,
            ScanIndexForward: order === "oldest_first",
            Limit: limit,
            ...(after === undefined
              ? {}
              : { ExclusiveStartKey: { [index.hashKey]: partition, [TASK_INDEX_RANGE_KEY]: after } }),
          }),
        ),
      );
      const next = result.LastEvaluatedKey?.[TASK_INDEX_RANGE_KEY];
      return {
        ids: (result.Items ?? []).map((item) => String(item[TASK_INDEX_RANGE_KEY])),
        next: typeof next === "string" ? next : undefined,
      };
    };
  }

  /**
   * The tasks with these ids, read from the table in BatchGetItems of 100 (eventually
   * consistent, as the index Queries before them are; every change a caller makes is
   * conditional anyway). Keys DynamoDB leaves unprocessed (throttling, 16 MB) are asked
   * again with back-off; still unprocessed after that, the table counts as unavailable.
   */
  private async getMany(ids: readonly string[]): Promise<Map<string, Task>> {
    const found = new Map<string, Task>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Array<Record<string, unknown>> = ids.slice(i, i + 100).map((id) => ({ task_id: id }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) {
          if (attempt > UNPROCESSED_RETRIES) {
            throw new DependencyUnavailableError(
              "tasks_table",
              `tasks table is unavailable (${keys.length} task reads left unprocessed)`,
            );
          }
          await sleep(25 * 2 ** attempt);
        }
        const result = await callDependency("tasks_table", () =>
          this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } })),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) found.set(String(item.task_id), item as Task);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async transition(
    ref: TaskRef,
    from: readonly TaskStatus[],
    to: TaskStatus,
    changes: TaskChanges = {},
    guard: TransitionGuard = {},
  ): Promise<Task | undefined> {
    const names: Record<string, string> = { "#status": "status", "#platform": "platform" };
    // The status indexes' keys move with the status; written unchanged (a move to the same
    // status), they leave the indexes unwritten: DynamoDB writes an index only on a change.
    const keys = statusIndexAttributes({ task_id: ref.task_id, platform: ref.platform, status: to });
    const values: Record<string, unknown> = {
      ":to": to,
      ":now": new Date().toISOString(),
      ":platform": ref.platform,
      ":statusPk": keys.status_pk,
      ":platformStatusPk": keys.platform_status_pk,
    };
    const sets = [
      "#status = :to",
      "status_pk = :statusPk",
      "platform_status_pk = :platformStatusPk",
      "updated_at = :now",
    ];
    const removes: string[] = [];
    for (const [i, status] of from.entries()) values[`:from${i}`] = status;
    const conditions = ["#platform = :platform", `#status IN (${from.map((_, i) => `:from${i}`).join(", ")})`];
    if (guard.updatedBefore !== undefined) {
      conditions.push("updated_at < :updatedBefore");
      values[":updatedBefore"] = guard.updatedBefore;
    }
    if (guard.leaseOwner !== undefined) {
      conditions.push("lease_owner = :leaseOwner");
      values[":leaseOwner"] = guard.leaseOwner;
    }
    if (guard.leaseExpiredBefore !== undefined) {
      conditions.push("(attribute_not_exists(lease_expires_at) OR lease_expires_at < :leaseExpiredBefore)");
      values[":leaseExpiredBefore"] = guard.leaseExpiredBefore;
    }
    for (const key of CHANGEABLE_ATTRIBUTES) {
      if (!(key in changes)) continue;
      const attribute = key === "error" ? "#error" : key;
      if (key === "error") names["#error"] = "error";
      const value = changes[key];
      if (value === undefined) removes.push(attribute);
      else {
        sets.push(`${attribute} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    if (changes.incrementContinuations) {
      sets.push("continuations = if_not_exists(continuations, :zero) + :one");
      values[":zero"] = 0;
      values[":one"] = 1;
    }
    if (changes.incrementAttempts) {
      sets.push("attempts = if_not_exists(attempts, :zero) + :one");
      values[":zero"] = 0;
      values[":one"] = 1;
    }
    // Retention: an ended task may expire; one that runs again (a retry) may not.
    const retentionDays = this.options.retentionDays ?? 0;
    const expiresAt = isTerminal(to) && retentionDays > 0 ? expiryEpochSecs(retentionDays) : undefined;
    if (expiresAt !== undefined) {
      sets.push(`${TASKS_TABLE.ttlAttribute} = :expiresAt`);
      values[":expiresAt"] = expiresAt;
    } else if (!isTerminal(to)) removes.push(TASKS_TABLE.ttlAttribute);
    let moved: Task | undefined;
    try {
      const result = await callDependency("tasks_table", () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { task_id: ref.task_id },
            ConditionExpression: conditions.join(" AND "),
            UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      moved = result.Attributes as Task;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
    const reopened = !isTerminal(to) && from.some(isTerminal);
    // The move stands whatever becomes of this: a piece left without its TTL only costs storage.
    if (expiresAt !== undefined || reopened) await this.#expireBeside(moved, expiresAt).catch(() => undefined);
    return moved;
  }

  /**
   * Gives the items stored beside a task (its URL list's pieces, its checkpoint) the task's
   * TTL, or takes it away (`undefined`: the task runs again), so they go with it. Items that
   * are not there are left so.
   */
  async #expireBeside(task: Task, expiresAt: number | undefined): Promise<void> {
    const ref = task.params?.url_list;
    const keys = [...(isUrlListRef(ref) ? urlListPieceKeys(ref) : []), `${task.task_id}#checkpoint`];
    for (const key of keys) {
      try {
        await callDependency("tasks_table", () =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { task_id: key },
              ConditionExpression: "attribute_exists(task_id)",
              ...(expiresAt === undefined
                ? { UpdateExpression: `REMOVE ${TASKS_TABLE.ttlAttribute}` }
                : {
                    UpdateExpression: `SET ${TASKS_TABLE.ttlAttribute} = :expiresAt`,
                    ExpressionAttributeValues: { ":expiresAt": expiresAt },
                  }),
            }),
          ),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }

  async updateProgress(
    taskId: string,
    progress: Task["progress"],
    resultCount: number,
    owner?: string,
    also: { webhookPageSeq?: number } = {},
  ): Promise<boolean> {
    const sequence = also.webhookPageSeq;
    return this.updateWhileRunning(
      taskId,
      `SET progress = :progress, result_count = :count, updated_at = :now${sequence === undefined ? "" : ", webhook_page_seq = :seq"}`,
      {
        ":progress": progress,
        ":count": resultCount,
        ":now": new Date().toISOString(),
        ...(sequence === undefined ? {} : { ":seq": sequence }),
      },
      owner,
    );
  }

  async renewLease(taskId: string, owner: string, expiresAt: string): Promise<boolean> {
    return this.updateWhileRunning(taskId, "SET lease_expires_at = :expires", { ":expires": expiresAt }, owner);
  }

  /** An update that applies only while the task runs (held by `owner`, when given); false otherwise. */
  private async updateWhileRunning(
    taskId: string,
    update: string,
    values: Record<string, unknown>,
    owner?: string,
  ): Promise<boolean> {
    try {
      await callDependency("tasks_table", () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { task_id: taskId },
            ConditionExpression:
              owner === undefined ? "#status = :running" : "#status = :running AND lease_owner = :owner",
            UpdateExpression: update,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":running": "running",
              ...values,
              ...(owner === undefined ? {} : { ":owner": owner }),
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Every task with this status, oldest first: the status's index shards merged, the tasks
   * read 100 at a time. `updatedBefore` is checked on the tasks read, since `updated_at`
   * (written by every progress write) is not in the index.
   */
  async *listByStatus(status: TaskStatus, updatedBefore?: string): AsyncIterable<Task> {
    const listing = taskListing({ status });
    const start = Array.from({ length: TASK_INDEX_SHARDS }, (): ShardPosition => null);
    const merge = new ShardMerge(this.shardQuery(listing, "oldest_first"), start, "oldest_first", 100);
    for (;;) {
      const ids = await merge.take(100);
      if (ids.length === 0) return;
      const found = await this.getMany(ids);
      for (const id of ids) {
        const task = found.get(id);
        if (task === undefined || !inListing(listing, task)) continue;
        if (updatedBefore !== undefined && !(task.updated_at < updatedBefore)) continue;
        yield task;
      }
    }
  }

  async ping(): Promise<void> {
    await callDependency("tasks_table", () => this.doc.send(new DescribeTableCommand({ TableName: this.tableName })));
  }
}

/** Rounds of asking again for keys a BatchGetItem left unprocessed (50 ms, then doubling: 1.5 s in all). */
const UNPROCESSED_RETRIES = 5;
