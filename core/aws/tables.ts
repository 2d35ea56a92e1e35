/**
 * The shape of the tables, written once: the one-machine stack and the tests create
 * tables from these definitions, and the infra test checks infra/storage.ts against them.
 *
 * Listing tasks newest first is always a Query on one of these indexes, never a Scan.
 * Every index sorts on `task_id`, a ULID, so its order is creation order.
 */
export const TASK_INDEXES = {
  /** All tasks: `list_pk` is the constant "task". */
  byCreated: { name: "by_created", hashKey: "list_pk" },
  byStatus: { name: "by_status", hashKey: "status" },
  byPlatform: { name: "by_platform", hashKey: "platform" },
  /** `platform_status` is "<platform>#<status>", e.g. "web#pending". */
  byPlatformStatus: { name: "by_platform_status", hashKey: "platform_status" },
} as const;

export const TASK_INDEX_RANGE_KEY = "task_id";

export const TASKS_TABLE = {
  hashKey: "task_id",
  /** TTL attribute; only idempotency-key markers carry it, tasks never expire. */
  ttlAttribute: "expires_at",
  indexes: Object.values(TASK_INDEXES).map((index) => ({
    name: index.name,
    hashKey: index.hashKey,
    rangeKey: TASK_INDEX_RANGE_KEY,
    projection: "ALL" as const,
  })),
} as const;

export const RESULTS_TABLE = {
  hashKey: "task_id",
  /** Stable per item (for web: the page's normalised URL), so a re-crawl overwrites. */
  rangeKey: "item_key",
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
  indexes: [{ name: "by_platform", hashKey: "platform", rangeKey: "account_id", projection: "ALL" as const }],
} as const;

export const ACCOUNTS_BY_PLATFORM = ACCOUNTS_TABLE.indexes[0];

/** The accounts table's key attributes (all strings). */
export function accountsKeyAttributes(): string[] {
  return [...new Set([ACCOUNTS_TABLE.hashKey, ...ACCOUNTS_TABLE.indexes.flatMap((index) => [index.hashKey, index.rangeKey])])];
}

/** Every attribute used as a key anywhere (all strings). */
export function tasksKeyAttributes(): string[] {
  return [...new Set([TASKS_TABLE.hashKey, TASK_INDEX_RANGE_KEY, ...Object.values(TASK_INDEXES).map((i) => i.hashKey)])];
}
