/**
 * A secret the one-machine stack keeps with its data: the environment variable when set,
 * else the file under DATA_DIR (mode 0600), created at the first start so the secret
 * survives restarts. Used for the accounts key, the creator-hash key and the webhook secret.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";

export interface StackSecret {
  key: string;
  /** Where it came from, for the start-up line. */
  source: "env" | "file" | "created";
  /** The file it is kept in (absent when it came from the environment). */
  path?: string;
}

export interface StackSecretSource {
  /** The variable's name, named in errors. */
  envName: string;
  /** Its value (undefined or blank: use the file). */
  envValue: string | undefined;
  /** The file under DATA_DIR. */
  path: string;
  /** Makes a new secret for a first start. */
  generate: () => string;
  /** Throws a one-line error naming `where` (never the value) when the secret is unusable. */
  check: (key: string, where: string) => void;
}

/** Returns the secret to use, creating its file when there is neither a variable nor a file. */
export function ensureStackSecret(source: StackSecretSource): StackSecret {
  const fromEnv = source.envValue?.trim();
  if (fromEnv) {
    source.check(fromEnv, source.envName);
    return { key: fromEnv, source: "env" };
  }
  const { path } = source;
  const existing = readKeyFile(path);
  if (existing !== undefined) {
    source.check(existing, path);
    return { key: existing, source: "file", path };
  }
  const key = source.generate();
  try {
    // "wx": never overwrite a key another process (a second stack starting) wrote meanwhile.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const raced = readKeyFile(path) ?? "";
    source.check(raced, path);
    return { key: raced, source: "file", path };
  }
  source.check(key, path);
  return { key, source: "created", path };
}

function readKeyFile(path: string): string | undefined {
  try {
    // Whoever reads one of these keys can decrypt cookies, link creator hashes or sign
    // webhooks: a file readable by others is made private again.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
