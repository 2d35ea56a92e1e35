import { ValidationError } from "./errors.js";

/** Opaque cursors, base64url JSON: a DynamoDB LastEvaluatedKey, or (sharded listings) one position per shard. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  if (key === undefined) return null;
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

const invalid = () => new ValidationError("cursor: is not a cursor returned by this API", "cursor");

/** The JSON object inside a base64url cursor; anything else is a 400 naming `cursor`. */
function cursorObject(cursor: string): Record<string, unknown> {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw invalid();
  return parsed as Record<string, unknown>;
}

/**
 * Decodes a cursor made by {@link encodeCursor}. Only string attributes named in
 * `allowedKeys` are accepted, so a crafted cursor cannot steer a query elsewhere.
 */
export function decodeCursor(
  cursor: string | undefined,
  allowedKeys: readonly string[],
): Record<string, string> | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const parsed = cursorObject(cursor);
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw invalid();
  for (const [key, value] of entries) {
    if (!allowedKeys.includes(key) || typeof value !== "string" || value.length === 0) throw invalid();
  }
  return parsed as Record<string, string>;
}

/**
 * Where a listing read from several index shards stands in one shard: `null` not started
 * (from the shard's first entry), a sort key value to go on after, `false` read to its end.
 */
export type ShardPosition = string | null | false;

/** A cursor over a sharded listing: the listing's name and every shard's position, as base64url JSON. */
export function encodeShardCursor(listing: string, positions: readonly ShardPosition[]): string {
  return Buffer.from(JSON.stringify({ l: listing, s: positions }), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeShardCursor} for `listing`. Only exactly `shards`
 * positions, each null, false or a string `isPosition` accepts (a task id), pass: the
 * shard's partition key is rebuilt from the listing, so a crafted cursor can only move
 * within the listing it names.
 */
export function decodeShardCursor(
  cursor: string | undefined,
  options: { listing: string; shards: number; isPosition: (value: string) => boolean },
): ShardPosition[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const { l: listing, s: positions, ...rest } = cursorObject(cursor);
  if (typeof listing !== "string" || !Array.isArray(positions) || Object.keys(rest).length > 0) throw invalid();
  if (listing !== options.listing) {
    throw new ValidationError(
      "cursor: does not belong to this listing (use the next_cursor of the same query)",
      "cursor",
    );
  }
  const valid = (p: unknown) => p === null || p === false || (typeof p === "string" && options.isPosition(p));
  if (positions.length !== options.shards || !positions.every(valid)) throw invalid();
  return positions as ShardPosition[];
}
