import { createHash } from "node:crypto";
import type { Row } from "../format.js";

/**
 * The vocabulary of the MediaCrawler (MC) layout tables (one per platform, beside this file):
 * an MC column is filled from one of our stored fields, from the item's creator identity, from
 * when it was crawled, from a constant, or left empty because our items lack it. Each column
 * names the format MC writes its value in. Tables are typed against a platform's item fields
 * (`columnsOf<XhsContentFields>()`), so renaming a stored field without its MC mapping fails tsc.
 */

/** How MC writes a value; `name` is what the docs table shows. */
export interface McFormat {
  readonly name: string;
  /** `value` is our stored field's (undefined for columns with no field); `row` is the whole stored item. */
  apply(value: unknown, row: Row): unknown;
}

/** Where an MC column's value comes from, for the docs table. */
export type McSource =
  | { kind: "field"; field: string }
  | { kind: "identity"; identity: McIdentity }
  | { kind: "crawled_at" }
  | { kind: "constant"; value: string }
  | { kind: "missing"; why: string };

export interface McColumn {
  /** The column as MC names it (its spelling kept: `anwser_count`, `viewd_count`). */
  readonly name: string;
  readonly source: McSource;
  readonly format: McFormat;
}

/** The creator identity fields MC writes, from our hashed or kept creator fields. */
export type McIdentity = "creator_hash" | "masked_nickname" | "user_id" | "nickname" | "avatar" | "ip_location";

const isBlank = (value: unknown) => value === null || value === undefined;

/** MC's formats. Each names the MC code it follows where it is defined there. */
export const mcFormat = {
  /** The value as we store it (MC passes the site's value through); null stays null (an empty CSV cell). */
  asIs: { name: "as is", apply: (value) => (isBlank(value) ? null : value) },
  /**
   * `str(value)` (MC's counts on dy, ks, bili, wb). ASSUMPTION: a value the site did not send
   * stays null (an empty cell) where MC's `str(None)` would write "None".
   */
  text: { name: "string", apply: (value) => (isBlank(value) ? null : String(value)) },
  /** A pydantic `str` field with default "" (tieba, zhihu models): null becomes "". */
  textOrEmpty: { name: 'string, "" when none', apply: (value) => (isBlank(value) ? "" : String(value)) },
  /** A pydantic `int` field with default 0 (tieba, zhihu models); a text count the site sent ("1.2万") is kept as text. */
  int: { name: "integer, 0 when none", apply: intOrZero },
  /** `dict.get(key, 0)` in MC's store code: the site's value, 0 when none. */
  zeroWhenNone: { name: "as is, 0 when none", apply: (value) => (isBlank(value) ? 0 : value) },
  /** A list written as one string, its entries joined by "," (MC's `",".join(...)`). */
  joined: {
    name: 'list joined with ","',
    apply: (value) => (Array.isArray(value) ? value.map((entry) => String(entry)).join(",") : (value ?? "")),
  },
} as const satisfies Record<string, McFormat>;

function intOrZero(value: unknown): unknown {
  if (isBlank(value)) return 0;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return value;
}

/** A format that writes `fallback` where we store null (MC's `.get(key, default)`). */
export function orDefault(fallback: string | number, base: McFormat = mcFormat.asIs): McFormat {
  return {
    name: `${base.name}, ${JSON.stringify(fallback)} when none`,
    apply: (v, row) => base.apply(v ?? fallback, row),
  };
}

/** Text cut to its first `length` characters (code points, as Python slices), like MC's `[:500]`. */
export function truncated(length: number): McFormat {
  return {
    name: `first ${length} characters`,
    apply: (value) => (typeof value === "string" ? Array.from(value).slice(0, length).join("") : (value ?? "")),
  };
}

/**
 * When the item was crawled, in unix milliseconds: MC's `last_modify_ts`
 * (tools/time_util.py:30-35, `int(time.time() * 1000)` when it writes the record).
 */
export const crawledAtMs: McFormat = {
  name: "unix ms",
  apply: (_value, row) => {
    const ms = typeof row.crawled_at === "string" ? Date.parse(row.crawled_at) : Number.NaN;
    return Number.isNaN(ms) ? null : ms;
  },
};

/**
 * MC's creator hash: sha256 of the user id, its first 16 hex digits (tools/user_hash.py:11-19).
 * It is computed from the id itself, so only a task with keep_user_info has what it takes.
 */
export function mcAnonymizedId(userId: string): string {
  const trimmed = userId.trim();
  return trimmed === "" ? "" : createHash("sha256").update(trimmed, "utf8").digest("hex").slice(0, 16);
}

/** MC's masked nickname: "*", first + "*", or first + "***" + last (tools/user_hash.py:22-36). */
export function mcMaskedNickname(nickname: string): string {
  const chars = Array.from(nickname);
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}***${chars[chars.length - 1]}`;
}

const textOf = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;

/**
 * The identity MC writes, from what we stored. With keep_user_info (user_id, nickname kept) the
 * values are MC's own: its hash of the id and its mask of the nickname. Without it we hold only
 * our keyed hash and our mask (first character + "***"), written in MC's columns: same role,
 * other values (docs/exports.md lists this). `hashSource` picks the stored field MC hashes.
 */
export function identityValue(row: Row, identity: McIdentity, hashSource: readonly string[]): unknown {
  const kept = Object.hasOwn(row, "user_id") || Object.hasOwn(row, "nickname");
  switch (identity) {
    case "creator_hash": {
      if (!kept) return textOf(row.creator_hash) ?? "";
      const source = hashSource.map((field) => textOf(row[field])).find((value) => value !== undefined);
      return source === undefined ? "" : mcAnonymizedId(source);
    }
    case "masked_nickname": {
      if (!kept) return textOf(row.creator_nickname) ?? "";
      return isBlank(row.nickname) ? "" : mcMaskedNickname(String(row.nickname));
    }
    default:
      return kept ? (textOf(row[identity]) ?? "") : "";
  }
}

/**
 * The column makers for one record kind whose stored fields are `Fields`: `field` only takes
 * a key of `Fields`, which is what makes a renamed stored field a compile error here.
 */
export function columnsOf<Fields>() {
  type Key = Extract<keyof Fields, string>;
  return {
    /** MC's column of the same name as our field. */
    same: (field: Key, format: McFormat = mcFormat.asIs): McColumn => ({
      name: field,
      source: { kind: "field", field },
      format,
    }),
    /** MC's column `name`, from our `field`. */
    from: (name: string, field: Key, format: McFormat = mcFormat.asIs): McColumn => ({
      name,
      source: { kind: "field", field },
      format,
    }),
    identity: (name: string, identity: McIdentity): McColumn => ({
      name,
      source: { kind: "identity", identity },
      // The value is made by identityValue; this names it for the docs table.
      format: { name: "see Authors", apply: (value) => value },
    }),
    lastModifyTs: (): McColumn => ({ name: "last_modify_ts", source: { kind: "crawled_at" }, format: crawledAtMs }),
    constant: (name: string, value: string): McColumn => ({
      name,
      source: { kind: "constant", value },
      format: mcFormat.asIs,
    }),
    /** A column MC writes that our items do not have: written empty. */
    missing: (name: string, why: string): McColumn => ({
      name,
      source: { kind: "missing", why },
      format: { name: "empty", apply: () => "" },
    }),
  };
}
