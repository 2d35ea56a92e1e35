import {
  ACCOUNTS_TABLE,
  accountsKeyAttributes,
  POLITENESS_TABLE,
  RESULTS_TABLE,
  SCHEDULES_TABLE,
  TASKS_TABLE,
  tasksKeyAttributes,
  type IndexProjection,
} from "../core/aws/tables";

// SST turns point-in-time recovery on for every Dynamo table; guard prod's from deletion too.
const deletionProtection = $app.stage === "prod";

/** core/aws/tables.ts's projection as SST spells it: "all", "keys-only", or the included attributes. */
function sstProjection(projection: IndexProjection): "all" | "keys-only" | string[] {
  if (projection === "ALL") return "all";
  if (projection === "KEYS_ONLY") return "keys-only";
  return [...projection];
}

/**
 * Tasks, listed newest first through one GSI per filter, each sharded and keys-only so a
 * running crawl's progress writes and heartbeats write no index (see core/aws/tables.ts).
 */
export const tasksTable = new sst.aws.Dynamo("Tasks", {
  fields: Object.fromEntries(tasksKeyAttributes().map((attribute) => [attribute, "string" as const])),
  primaryIndex: { hashKey: TASKS_TABLE.hashKey },
  globalIndexes: Object.fromEntries(
    TASKS_TABLE.indexes.map((index) => [
      index.name,
      { hashKey: index.hashKey, rangeKey: index.rangeKey, projection: sstProjection(index.projection) },
    ]),
  ),
  ttl: TASKS_TABLE.ttlAttribute,
  deletionProtection,
});

/** One item per crawled page or post; a stable item key makes a re-crawl overwrite. */
export const resultsTable = new sst.aws.Dynamo("Results", {
  fields: { [RESULTS_TABLE.hashKey]: "string", [RESULTS_TABLE.rangeKey]: "string" },
  primaryIndex: { hashKey: RESULTS_TABLE.hashKey, rangeKey: RESULTS_TABLE.rangeKey },
  // Results expire with their task when RESULT_RETENTION_DAYS is set (core/results/retention.ts).
  ttl: RESULTS_TABLE.ttlAttribute,
  deletionProtection,
});

/**
 * Per-host concurrency slots and delays shared by every crawler (core/politeness). Only
 * short-lived state: idle keys expire through the TTL, and losing the table loses nothing.
 */
export const politenessTable = new sst.aws.Dynamo("Politeness", {
  fields: { [POLITENESS_TABLE.hashKey]: "string" },
  primaryIndex: { hashKey: POLITENESS_TABLE.hashKey },
  ttl: POLITENESS_TABLE.ttlAttribute,
});

/**
 * Stored platform accounts (core/accounts), cookies encrypted with the AccountsEncryptionKey
 * secret (infra/accounts.ts). Listed and picked per platform through `by_platform`.
 */
export const accountsTable = new sst.aws.Dynamo("Accounts", {
  fields: Object.fromEntries(accountsKeyAttributes().map((attribute) => [attribute, "string" as const])),
  primaryIndex: { hashKey: ACCOUNTS_TABLE.hashKey },
  globalIndexes: Object.fromEntries(
    ACCOUNTS_TABLE.indexes.map((index) => [
      index.name,
      { hashKey: index.hashKey, rangeKey: index.rangeKey, projection: sstProjection(index.projection) },
    ]),
  ),
  // QR login sessions (items beside the accounts, core/accounts/loginSession.ts) expire through it.
  ttl: ACCOUNTS_TABLE.ttlAttribute,
  deletionProtection,
});

/**
 * Schedules (core/schedules): the store of record of every recurring crawl; EventBridge
 * Scheduler only fires them (infra/schedules.ts). Listed newest first through `by_created`.
 */
export const schedulesTable = new sst.aws.Dynamo("Schedules", {
  fields: Object.fromEntries(
    [SCHEDULES_TABLE.hashKey, ...SCHEDULES_TABLE.indexes.flatMap((index) => [index.hashKey, index.rangeKey])].map(
      (attribute) => [attribute, "string" as const],
    ),
  ),
  primaryIndex: { hashKey: SCHEDULES_TABLE.hashKey },
  globalIndexes: Object.fromEntries(
    SCHEDULES_TABLE.indexes.map((index) => [
      index.name,
      { hashKey: index.hashKey, rangeKey: index.rangeKey, projection: sstProjection(index.projection) },
    ]),
  ),
  // since_last_run's entries (items beside the schedules, core/schedules/seen.ts) expire through it.
  ttl: SCHEDULES_TABLE.ttlAttribute,
  deletionProtection,
});
