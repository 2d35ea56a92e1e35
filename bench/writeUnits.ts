/**
 * DynamoDB's write-unit rules, as the Developer Guide states them, applied to an item as it
 * was before a write and as it is after it: what the write costs on the table and on each
 * global secondary index under a given table layout. dynalite keeps indexes but reports no
 * index capacity for writes (it rewrites every index entry on every write), so the benchmark
 * counts index writes with these rules from the real images a crawl wrote.
 *
 * - Table: one unit per started KB of the larger of the two images (PutItem, UpdateItem,
 *   DeleteItem alike); a write whose condition fails still costs that, and writes no index.
 * - Index (for each GSI): an item is in it when it has the index's key attributes. Not in it
 *   before nor after: nothing. Put in, or taken out: one write of the entry. Its index key
 *   changed: two (delete the old entry, put the new one). Same key: one write when one of
 *   the entry's attributes (keys and projected attributes) changed, else none.
 * - An entry's size: the table key, the index key and the projected attributes.
 *
 * ("Provisioned throughput considerations for global secondary indexes" and "Item sizes and
 * formats", Amazon DynamoDB Developer Guide.)
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { isDeepStrictEqual } from "node:util";
import type { IndexProjection } from "../core/aws/tables.js";

export type Image = Record<string, AttributeValue>;

export interface IndexLayout {
  name: string;
  hashKey: string;
  rangeKey?: string;
  projection: IndexProjection;
}

export interface TableLayout {
  hashKey: string;
  rangeKey?: string;
  indexes: readonly IndexLayout[];
}

export interface WriteUnits {
  table: number;
  /** By index name. */
  indexes: Record<string, number>;
}

const utf8 = (text: string): number => Buffer.byteLength(text, "utf8");

/** A number's size: one byte per two significant digits, plus one. */
function numberBytes(text: string): number {
  const digits = text.replace(/^[-+]/, "").replace(/e.*$/i, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return digits.length === 0 ? 1 : Math.ceil(digits.length / 2) + 1;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  // A list or map: 3 bytes, and 1 byte per element besides the elements themselves.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + itemBytes(value.M);
  return 0;
}

/** An item's size: every attribute's name and value. */
export function itemBytes(item: Image): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

const unitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** What `index` holds of `item`: undefined when the item lacks one of its keys. */
export function indexEntry(item: Image | undefined, index: IndexLayout, table: TableLayout): Image | undefined {
  if (item === undefined) return undefined;
  const keys = [index.hashKey, index.rangeKey, table.hashKey, table.rangeKey].filter(
    (k): k is string => k !== undefined,
  );
  if ([index.hashKey, index.rangeKey].some((key) => key !== undefined && item[key] === undefined)) return undefined;
  if (index.projection === "ALL") return item;
  const names = index.projection === "KEYS_ONLY" ? keys : [...keys, ...index.projection];
  return Object.fromEntries(names.flatMap((name) => (item[name] === undefined ? [] : [[name, item[name]]])));
}

/** Units a write costs that turned `before` into `after` (either undefined: no item). */
export function writeUnits(layout: TableLayout, before: Image | undefined, after: Image | undefined): WriteUnits {
  const table = unitsOf(Math.max(before ? itemBytes(before) : 0, after ? itemBytes(after) : 0));
  const indexes: Record<string, number> = {};
  for (const index of layout.indexes) {
    const [old, now] = [indexEntry(before, index, layout), indexEntry(after, index, layout)];
    const keyOf = (entry: Image) => [entry[index.hashKey], index.rangeKey ? entry[index.rangeKey] : undefined];
    let units = 0;
    if (old === undefined && now !== undefined) units = unitsOf(itemBytes(now));
    else if (old !== undefined && now === undefined) units = unitsOf(itemBytes(old));
    else if (old !== undefined && now !== undefined) {
      if (!isDeepStrictEqual(keyOf(old), keyOf(now))) units = unitsOf(itemBytes(old)) + unitsOf(itemBytes(now));
      else if (!isDeepStrictEqual(old, now)) units = unitsOf(Math.max(itemBytes(old), itemBytes(now)));
    }
    indexes[index.name] = units;
  }
  return { table, indexes };
}

/** A write refused by its condition: the item's size on the table, no index. */
export function failedConditionUnits(layout: TableLayout, current: Image | undefined): WriteUnits {
  return {
    table: unitsOf(current ? itemBytes(current) : 0),
    indexes: Object.fromEntries(layout.indexes.map((index) => [index.name, 0])),
  };
}

export const totalUnits = (units: WriteUnits): number =>
  units.table + Object.values(units.indexes).reduce((a, b) => a + b, 0);
