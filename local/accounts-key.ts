/**
 * The key that encrypts stored account cookies on the one-machine stack: env
 * ACCOUNTS_ENCRYPTION_KEY when set, else the key kept in `<DATA_DIR>/accounts.key`
 * (mode 0600), created at the first start — so accounts stored before a restart still
 * open after it. Deleting the file makes the stored cookies unreadable (the accounts then
 * fail with ACCOUNT_UNREADABLE until their cookies are uploaded again).
 */
import { join } from "node:path";
import { AccountsKeyring } from "../core/accounts/crypto.js";
import { ENV, type Env, readVariable } from "../core/config.js";
import { ensureStackSecret } from "./key-file.js";

export const ACCOUNTS_KEY_FILE = "accounts.key";

export interface AccountsKey {
  /** The value for ACCOUNTS_ENCRYPTION_KEY. */
  key: string;
  /** Where it came from, for the start-up line. */
  source: "env" | "file" | "created";
  /** The key's id (core/accounts/crypto.ts keyId), safe to print. */
  keyId: string;
}

/** Returns the key to use, creating the file when there is neither a variable nor a file. Throws with a one-line message on a bad key. */
export function ensureAccountsKey(dataDir: string, env?: Env): AccountsKey {
  let keyId = "";
  const { key, source } = ensureStackSecret({
    envName: ENV.accountsEncryptionKey,
    envValue: readVariable("accountsEncryptionKey", env),
    path: join(dataDir, ACCOUNTS_KEY_FILE),
    generate: () => AccountsKeyring.generateKey(),
    check: (candidate, where) => void (keyId = checked(candidate, where)),
  });
  return { key, source, keyId };
}

/** The key's id; a malformed key is an error naming where it came from, never its value. */
function checked(key: string, where: string): string {
  try {
    return AccountsKeyring.fromEnv({ [ENV.accountsEncryptionKey]: key }).currentKeyId;
  } catch {
    throw new Error(`${where} is not a valid accounts key (32 bytes, base64; e.g. openssl rand -base64 32)`);
  }
}
