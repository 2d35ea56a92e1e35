/**
 * The shape of the tables, written once: the one-machine stack and the tests create
 * tables from these definitions, and the infra test checks infra/storage.ts against them.
 *
 * Listing tasks newest first is always a Query on one of these indexes, never a Scan.
 * Every index sorts on `task_id`, a ULID, so its order is creation order.
 */

/**
 * What a global secondary index copies from the table: "ALL", "KEYS_ONLY" (the table's and
 * the index's keys) or the non-key attribute names it includes. SST's `projection` is the
 * same in lower case ("all", "keys-only", string[]).
 */
export type IndexProjection = "ALL" | "KEYS_ONLY" | readonly string[];

/**
 * Every task index partition key is "<value>#<shard>", the shard (0 … TASK_INDEX_SHARDS − 1)
 * a hash of the task id (core/tasks/indexKeys.ts), so one listing value is spread over
 * that many partitions and a listing reads them all and merges them (core/tasks/shardMerge.ts).
 *
 * Why every index, not only by_created: a task is created `pending` on its platform, so each
 * create writes one entry under "task", under "pending", under its platform and under
 * "<platform>#pending". Sharding only by_created would leave the same single-value stream
 * of creates on by_status "pending" (and on by_platform "web" when most tasks are web): the
 * hottest key sets the ceiling, so all four are sharded alike. A DynamoDB partition takes at
 * most 1,000 write units/s, and with sort keys that only grow (ULIDs) splitting for heat
 * cannot help: 8 shards lift that ceiling to about 8,000 task creates or status moves per
 * second, for 8 small Queries per listing page (keys only: half a read unit each, eventually consistent).
 * Changing the count re-keys every task: the one-machine stack does it at start
 * (local/resources.ts); on AWS it needs a backfill of the index attributes.
 */
export const TASK_INDEX_SHARDS = 8;

export const TASK_INDEXES = {
  /** All tasks: `list_pk` is "task#<shard>". */
  byCreated: { name: "by_created", hashKey: "list_pk" },
  /** `status_pk` is "<status>#<shard>", e.g. "running#3"; it moves with the status. */
  byStatus: { name: "by_status", hashKey: "status_pk" },
  /** `platform_pk` is "<platform>#<shard>", e.g. "web#5". */
  byPlatform: { name: "by_platform", hashKey: "platform_pk" },
  /** `platform_status_pk` is "<platform>#<status>#<shard>", e.g. "web#pending#0". */
  byPlatformStatus: { name: "by_platform_status", hashKey: "platform_status_pk" },
} as const;

export type TaskIndex = (typeof TASK_INDEXES)[keyof typeof TASK_INDEXES];

export const TASK_INDEX_RANGE_KEY = "task_id";

/**
 * Task attributes written while a crawl runs: every progress write (progress, result_count,
 * updated_at) and every lease renewal (lease_expires_at; lease_owner at each claim). DynamoDB
 * writes a GSI entry only when one of the index's key or projected attributes changes, so none
 * of these may be projected: then a progress write or a heartbeat writes the base table alone.
 */
export const TASK_HOT_ATTRIBUTES = [
  "progress",
  "result_count",
  "updated_at",
  "lease_owner",
  "lease_expires_at",
] as const;

/**
 * The task indexes hold keys only. A listing returns whole tasks (progress included, which
 * must not be projected, see above), so it reads the ids from an index and the tasks from
 * the table (BatchGetItem): an index entry is written when a task is created and when its
 * status moves, never while it runs.
 */
export const TASK_INDEX_PROJECTION: IndexProjection = "KEYS_ONLY";

/**
 * Tasks a schedule's runs made (GET /api/v1/tasks?schedule_id=…): sparse (only such tasks
 * carry `schedule_id`) and unsharded, since one schedule makes at most one task per
 * SCHEDULE_MIN_INTERVAL_SECS, far below a partition's write ceiling.
 */
export const TASK_SCHEDULE_INDEX = { name: "by_schedule", hashKey: "schedule_id" } as const;

export const TASKS_TABLE = {
  hashKey: "task_id",
  /**
   * TTL attribute (epoch seconds): idempotency-key markers carry it, and, when
   * RESULT_RETENTION_DAYS is set, ended tasks and their URL lists and checkpoints.
   */
  ttlAttribute: "expires_at",
  indexes: [...Object.values(TASK_INDEXES), TASK_SCHEDULE_INDEX].map((index) => ({
    name: index.name,
    hashKey: index.hashKey,
    rangeKey: TASK_INDEX_RANGE_KEY,
    projection: TASK_INDEX_PROJECTION,
  })),
} as const;

export const RESULTS_TABLE = {
  hashKey: "task_id",
  /** Stable per item (for web: the page's normalised URL), so a re-crawl overwrites. */
  rangeKey: "item_key",
  /** TTL attribute (epoch seconds), written with each result when RESULT_RETENTION_DAYS is set; never shown. */
  ttlAttribute: "expires_at",
} as const;

/**
 * Shared politeness state (core/politeness): one item per limit key such as
 * `host:example.com`, holding the live slots and the last start. Idle items expire.
 */
export const POLITENESS_TABLE = {
  hashKey: "limit_key",
  /** TTL attribute (epoch seconds), set well past the item's last lease and delay. */
  ttlAttribute: "expires_at",
} as const;

/**
 * Stored platform accounts (core/accounts): one item per account, its cookies encrypted.
 * Listing and picking are Queries on `by_platform`, sorted by `account_id` (a ULID, so
 * creation order).
 */
export const ACCOUNTS_TABLE = {
  hashKey: "account_id",
  indexes: [{ name: "by_platform", hashKey: "platform", rangeKey: "account_id", projection: "ALL" as IndexProjection }],
  /** TTL attribute (epoch seconds): only QR login sessions carry it (core/accounts/loginSession.ts); accounts never expire. */
  ttlAttribute: "purge_at",
} as const;

export const ACCOUNTS_BY_PLATFORM = ACCOUNTS_TABLE.indexes[0];

/** The accounts table's key attributes (all strings). */
export function accountsKeyAttributes(): string[] {
  return [
    ...new Set([ACCOUNTS_TABLE.hashKey, ...ACCOUNTS_TABLE.indexes.flatMap((index) => [index.hashKey, index.rangeKey])]),
  ];
}

/** Every attribute used as a key anywhere (all strings). */
export function tasksKeyAttributes(): string[] {
  return [...new Set([TASKS_TABLE.hashKey, TASK_INDEX_RANGE_KEY, ...TASKS_TABLE.indexes.map((i) => i.hashKey)])];
}

/**
 * Schedules (core/schedules): one item per schedule, the store of record (EventBridge
 * Scheduler only fires them). Listed newest first from `by_created`, whose partition key
 * `list_pk` is "schedule" on every schedule: schedules are few and change rarely. Beside them,
 * without `list_pk` (so the index never sees them), since_last_run's record of what each
 * schedule's runs stored (core/schedules/seen.ts).
 */
export const SCHEDULES_TABLE = {
  hashKey: "schedule_id",
  /** TTL attribute (epoch seconds): only since_last_run's entries carry it (core/schedules/seen.ts); schedules never expire. */
  ttlAttribute: "expires_at",
  indexes: [{ name: "by_created", hashKey: "list_pk", rangeKey: "schedule_id", projection: "ALL" as IndexProjection }],
} as const;
