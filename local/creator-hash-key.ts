/**
 * The key creator ids are hashed with on the one-machine stack (see
 * core/platforms/media/privacy.ts): env CREATOR_HASH_SECRET when set, else the key kept
 * in `<DATA_DIR>/creator-hash.key` (mode 0600), created at the first start — so the same
 * creator keeps the same `creator_hash` across restarts. Deleting the file gives every
 * creator a new hash from then on.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type Env, readVariable } from "../core/config.js";
import { ensureStackSecret } from "./key-file.js";
import { CREATOR_HASH_SECRET_ENV, MIN_SECRET_LENGTH } from "../core/platforms/media/privacy.js";

export const CREATOR_HASH_KEY_FILE = "creator-hash.key";

export interface CreatorHashKey {
  /** The value for CREATOR_HASH_SECRET. */
  key: string;
  /** Where it came from, for the start-up line. */
  source: "env" | "file" | "created";
}

/** Returns the key to use, creating the file when there is neither a variable nor a file. */
export function ensureCreatorHashKey(dataDir: string, env?: Env): CreatorHashKey {
  const { key, source } = ensureStackSecret({
    envName: CREATOR_HASH_SECRET_ENV,
    envValue: readVariable("creatorHashSecret", env),
    path: join(dataDir, CREATOR_HASH_KEY_FILE),
    generate: () => randomBytes(32).toString("hex"),
    check: (candidate, where) => void checked(candidate, where),
  });
  return { key, source };
}

/** A short key is an error naming where it came from, never its value. */
function checked(key: string, where: string): string {
  if (key.length < MIN_SECRET_LENGTH)
    throw new Error(`${where} must hold at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`);
  return key;
}
