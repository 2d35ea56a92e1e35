/**
 * The key creator ids are hashed with on the one-machine stack (see
 * core/platforms/media/privacy.ts): env CREATOR_HASH_SECRET when set, else the key kept
 * in `<DATA_DIR>/creator-hash.key` (mode 0600), created at the first start — so the same
 * creator keeps the same `creator_hash` across restarts. Deleting the file gives every
 * creator a new hash from then on.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CREATOR_HASH_SECRET_ENV, MIN_SECRET_LENGTH } from "../core/platforms/media/privacy.js";

export const CREATOR_HASH_KEY_FILE = "creator-hash.key";

export interface CreatorHashKey {
  /** The value for CREATOR_HASH_SECRET. */
  key: string;
  /** Where it came from, for the start-up line. */
  source: "env" | "file" | "created";
}

/** Returns the key to use, creating the file when there is neither a variable nor a file. */
export function ensureCreatorHashKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): CreatorHashKey {
  const fromEnv = env[CREATOR_HASH_SECRET_ENV]?.trim();
  if (fromEnv) return { key: checked(fromEnv, CREATOR_HASH_SECRET_ENV), source: "env" };

  const path = join(dataDir, CREATOR_HASH_KEY_FILE);
  const existing = readKeyFile(path);
  if (existing !== undefined) return { key: checked(existing, path), source: "file" };

  const key = randomBytes(32).toString("hex");
  try {
    // "wx": never overwrite a key another process wrote in the meantime.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { key: checked(readKeyFile(path) ?? "", path), source: "file" };
  }
  return { key, source: "created" };
}

function readKeyFile(path: string): string | undefined {
  try {
    // Anyone who can read the key can hash candidate ids and compare: keep it private.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** A short key is an error naming where it came from, never its value. */
function checked(key: string, where: string): string {
  if (key.length < MIN_SECRET_LENGTH) throw new Error(`${where} must hold at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`);
  return key;
}
