import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency } from "../aws/dependency.js";
import { SCHEDULES_TABLE } from "../aws/tables.js";

/**
 * How long a schedule remembers an item it stored: refreshed each time a run stores the
 * item again (new or changed), so an item no run has stored for this long is forgotten and,
 * met again, stored once more. Bounds the record without a per-schedule count to keep.
 */
export const SEEN_ITEM_TTL_DAYS = 90;

/**
 * The record of what a schedule's earlier runs stored (since_last_run, docs/schedules.md):
 * item key → content hash (core/crawl/sinceLastRun.ts).
 */
export interface SeenItemStore {
  /** The hash the schedule's runs last stored for `itemKey`; undefined: never stored (or forgotten). */
  hashOf(scheduleId: string, itemKey: string): Promise<string | undefined>;
  /** Remembers what a run just stored. */
  remember(scheduleId: string, entries: readonly { item_key: string; hash: string }[]): Promise<void>;
}

/**
 * Kept in the schedules table, beside the schedules, without a table of its own: each entry's
 * key is "seen#<schedule_id>#<item_key>" (a schedule id is a ULID and never starts so), and it
 * carries no `list_pk`, so the sparse `by_created` index (the schedules listing) never sees
 * it. Entries expire through the table's TTL attribute ({@link SEEN_ITEM_TTL_DAYS}).
 */
export class DynamoSeenItemStore implements SeenItemStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async hashOf(scheduleId: string, itemKey: string): Promise<string | undefined> {
    const result = await callDependency("schedules_table", () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [SCHEDULES_TABLE.hashKey]: seenKey(scheduleId, itemKey) },
          ProjectionExpression: "#hash",
          ExpressionAttributeNames: { "#hash": "hash" },
        }),
      ),
    );
    const hash = result.Item?.hash;
    return typeof hash === "string" ? hash : undefined;
  }

  async remember(scheduleId: string, entries: readonly { item_key: string; hash: string }[]): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + SEEN_ITEM_TTL_DAYS * 86_400;
    // One PutItem each (a flush holds at most 25): an entry is a few hundred bytes, one write unit.
    await Promise.all(
      entries.map((entry) =>
        callDependency("schedules_table", () =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                [SCHEDULES_TABLE.hashKey]: seenKey(scheduleId, entry.item_key),
                hash: entry.hash,
                [SCHEDULES_TABLE.ttlAttribute]: expiresAt,
              },
            }),
          ),
        ),
      ),
    );
  }
}

/** The table key of one entry (item keys stay under 900 bytes, core/platforms/media/itemKey.ts; a hash key may take 2048). */
export function seenKey(scheduleId: string, itemKey: string): string {
  return `seen#${scheduleId}#${itemKey}`;
}
