import { ValidationError } from "./errors.js";

/** Opaque cursors: the DynamoDB LastEvaluatedKey as base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  if (key === undefined) return null;
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor}. Only string attributes named in
 * `allowedKeys` are accepted, so a crafted cursor cannot steer a query elsewhere.
 */
export function decodeCursor(cursor: string | undefined, allowedKeys: readonly string[]): Record<string, string> | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const invalid = () => new ValidationError("cursor: is not a cursor returned by this API", "cursor");
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw invalid();
  for (const [key, value] of entries) {
    if (!allowedKeys.includes(key) || typeof value !== "string" || value.length === 0) throw invalid();
  }
  return parsed as Record<string, string>;
}
