/**
 * API keys, stored hashed: the deployment holds hex SHA-256 digests of the valid keys
 * (`API_KEY_SHA256`, comma-separated so a new key can be added before the old one is
 * removed), never the keys. Pure functions; the HTTP side is functions/api/middleware/apiKey.ts.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ENV } from "../config.js";
import { ApiKeyConfigError } from "./errors.js";

/** The environment variable the API reads the comma-separated hex digests of the valid keys from. */
export const API_KEY_SHA256_ENV = ENV.apiKeySha256;

/** A key longer than this is refused without hashing (API Gateway caps a header at 10 KiB anyway). */
export const MAX_API_KEY_LENGTH = 512;
/** Shorter keys are refused when configured: a key is a password anyone who can reach the API may guess. */
export const MIN_API_KEY_LENGTH = 16;

/** Keys are visible ASCII without commas (a comma separates keys), so they can travel in a header. */
const KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/;
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/** Lower-case hex SHA-256 of `value` (UTF-8). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Plain keys, comma-separated (an SST secret's value, the stack's `API_KEY`), to the
 * comma-separated digests `API_KEY_SHA256` holds. Blank entries are skipped.
 * Throws {@link ApiKeyConfigError} — whose message never contains a key — when there is no
 * key, or a key is not 16–512 visible ASCII characters.
 *
 * @example
 * digestsOfKeys("new-key, old-key") // "<sha256 of new-key>,<sha256 of old-key>"
 */
export function digestsOfKeys(keys: string): string {
  const list = splitList(keys);
  // No key at all would leave the API open: refuse rather than deploy that by accident.
  if (list.length === 0) throw new ApiKeyConfigError("no key given (keys are comma-separated)");
  list.forEach((key, i) => {
    if (key.length < MIN_API_KEY_LENGTH || key.length > MAX_API_KEY_LENGTH || !KEY_PATTERN.test(key)) {
      throw new ApiKeyConfigError(
        `key ${i + 1} of ${list.length} must be ${MIN_API_KEY_LENGTH}–${MAX_API_KEY_LENGTH} visible ASCII characters other than ","`,
      );
    }
  });
  return list.map(sha256Hex).join(",");
}

/**
 * `API_KEY_SHA256` to the digests to compare against; an empty list means no key is
 * configured. Throws {@link ApiKeyConfigError} for an entry that is not 64 hex digits,
 * so a broken setting refuses every request instead of letting everyone in.
 */
export function parseKeyDigests(setting: string | undefined): Buffer[] {
  return splitList(setting ?? "").map((entry, i) => {
    const digest = entry.toLowerCase();
    if (!DIGEST_PATTERN.test(digest)) throw new ApiKeyConfigError(`API_KEY_SHA256 entry ${i + 1} is not 64 hex digits`);
    return Buffer.from(digest, "hex");
  });
}

/**
 * Whether `presented` is one of the keys. The presented key is hashed once, then compared
 * with every digest in constant time, without stopping at the first match, so the timing
 * says nothing about which digest (or how much of one) matched.
 */
export function isValidKey(presented: string, digests: readonly Buffer[]): boolean {
  if (presented.length === 0 || presented.length > MAX_API_KEY_LENGTH) return false;
  const hash = createHash("sha256").update(presented, "utf8").digest();
  let matched = false;
  for (const digest of digests) {
    // The comparison comes first, so it runs for every digest whatever matched before.
    matched = timingSafeEqual(hash, digest) || matched;
  }
  return matched;
}

/**
 * The key a request presents: `Authorization: Bearer <key>` (scheme case-insensitive),
 * else `x-api-key: <key>`. Headers must already be lower-cased. Undefined when neither is there.
 */
export function presentedKey(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): string | undefined {
  const authorization = headers?.authorization?.trim();
  const bearer = authorization === undefined ? undefined : /^Bearer[ \t]+(\S+)$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return bearer;
  const header = headers?.["x-api-key"]?.trim();
  return header === undefined || header === "" ? undefined : header;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}
