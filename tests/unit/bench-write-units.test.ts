/**
 * DynamoDB's write-unit rules as bench/writeUnits.ts applies them (the benchmark's before/after
 * figures rest on them), checked by hand against the Developer Guide's rules, and the task
 * table's layout priced with them: a progress write or a lease renewal writes no index.
 */
import { describe, expect, it } from "vitest";
import { TASKS_TABLE } from "../../core/aws/tables.js";
import { indexAttributes } from "../../core/tasks/indexKeys.js";
import { legacyImage } from "../../bench/taskWrites.js";
import { indexEntry, itemBytes, writeUnits, type Image, type TableLayout } from "../../bench/writeUnits.js";

const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });

/** A running web task as DynamoTaskStore stores it (low-level attribute values). */
function taskImage(status: string, progress: number, extra: Image = {}): Image {
  const id = "01M8HTGMT0PZCB39H6NHNGWHHM";
  const keys = indexAttributes({ task_id: id, platform: "web", status: status as never });
  return {
    task_id: S(id),
    platform: S("web"),
    status: S(status),
    crawler_type: S("crawl"),
    params: { M: { urls: { L: [S("https://example.com/")] }, max_pages: N(50) } },
    progress: { M: { pages_done: N(progress), items: N(progress), errors: N(0) } },
    result_count: N(progress),
    updated_at: S(`2026-01-01T00:00:0${progress}.000Z`),
    ...Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, S(value)])),
    ...extra,
  };
}

const legacyLayout: TableLayout = {
  hashKey: "task_id",
  indexes: [
    { name: "by_created", hashKey: "list_pk", rangeKey: "task_id", projection: "ALL" },
    { name: "by_status", hashKey: "status", rangeKey: "task_id", projection: "ALL" },
    { name: "by_platform", hashKey: "platform", rangeKey: "task_id", projection: "ALL" },
    { name: "by_platform_status", hashKey: "platform_status", rangeKey: "task_id", projection: "ALL" },
  ],
};

describe("itemBytes", () => {
  it("counts names and values: strings in UTF-8, numbers by digits, lists and maps with their overhead", () => {
    // "a" + "xyz" = 4; "n" + 12345 (5 digits: 3 + 1) = 5; "é" (2 bytes) + true (1) = 3.
    expect(itemBytes({ a: S("xyz"), n: N(12345), é: { BOOL: true } })).toBe(4 + 5 + 3);
    // "l" + list of two one-char strings: 3 + (1 + 1) * 2 = 7; "m" + map {k: "v"}: 3 + 1 + 2 = 6.
    expect(itemBytes({ l: { L: [S("x"), S("y")] }, m: { M: { k: S("v") } } })).toBe(1 + 7 + 1 + 6);
  });
});

describe("writeUnits", () => {
  it("keys-only task indexes: a progress write and a lease renewal write the table alone", () => {
    const running = taskImage("running", 1, { lease_expires_at: S("2026-01-01T00:01:00.000Z") });
    const progressed = taskImage("running", 2, { lease_expires_at: S("2026-01-01T00:01:00.000Z") });
    const renewed = { ...progressed, lease_expires_at: S("2026-01-01T00:02:00.000Z") };
    const none = { by_created: 0, by_status: 0, by_platform: 0, by_platform_status: 0, by_schedule: 0 };
    expect(writeUnits(TASKS_TABLE, running, progressed)).toEqual({ table: 1, indexes: none });
    expect(writeUnits(TASKS_TABLE, progressed, renewed)).toEqual({ table: 1, indexes: none });
    // The same writes before issue 10: every ALL index rewrites its copy.
    const all = { by_created: 1, by_status: 1, by_platform: 1, by_platform_status: 1 };
    expect(writeUnits(legacyLayout, legacyImage(running), legacyImage(progressed))).toEqual({ table: 1, indexes: all });
  });

  it("a status move deletes and puts the status indexes' entries; a create puts one entry in each", () => {
    const [pending, running] = [taskImage("pending", 0), taskImage("running", 0)];
    expect(writeUnits(TASKS_TABLE, pending, running).indexes).toEqual({
      by_created: 0,
      by_status: 2,
      by_platform: 0,
      by_platform_status: 2,
      by_schedule: 0,
    });
    expect(writeUnits(legacyLayout, legacyImage(pending), legacyImage(running)).indexes).toEqual({
      by_created: 1,
      by_status: 2,
      by_platform: 1,
      by_platform_status: 2,
    });
    // A task no schedule made has no schedule_id: it is in no by_schedule entry.
    expect(writeUnits(TASKS_TABLE, undefined, pending)).toEqual({
      table: 1,
      indexes: { by_created: 1, by_status: 1, by_platform: 1, by_platform_status: 1, by_schedule: 0 },
    });
    const scheduled = { ...pending, schedule_id: S("01M8HXQ4C2V7F9J3K5N6P8R0ST") };
    expect(writeUnits(TASKS_TABLE, undefined, scheduled).indexes.by_schedule).toBe(1);
  });

  it("an item without an index's keys (a checkpoint) is in no index; a table write pays per started KB", () => {
    const checkpoint = {
      task_id: S("01M8HTGMT0PZCB39H6NHNGWHHM#checkpoint"),
      kind: S("checkpoint"),
      checkpoint: { B: new Uint8Array(2500) },
    };
    expect(writeUnits(TASKS_TABLE, undefined, checkpoint)).toEqual({
      table: 3,
      indexes: { by_created: 0, by_status: 0, by_platform: 0, by_platform_status: 0, by_schedule: 0 },
    });
    expect(TASKS_TABLE.indexes.map((index) => indexEntry(checkpoint, index, TASKS_TABLE))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("a keys-only entry holds the table key and the index key only", () => {
    const image = taskImage("running", 3);
    const byStatus = TASKS_TABLE.indexes.find((index) => index.name === "by_status")!;
    expect(Object.keys(indexEntry(image, byStatus, TASKS_TABLE)!).sort()).toEqual(["status_pk", "task_id"]);
  });
});
