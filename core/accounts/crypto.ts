import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ENV, type Env, readVariable } from "../config.js";
import type { AccountCookie } from "../platforms/media/types.js";
import { AccountCookiesUnreadableError, AccountsKeyError } from "./errors.js";

/**
 * Cookies at rest: AES-256-GCM with a random 96-bit IV per item, the item's id and
 * platform as additional authenticated data (a sealed blob copied onto another item does
 * not open), and the id of the key that sealed it, so a key rotation knows which key
 * opens which item.
 */

/** A sealed cookie list as stored in the `accounts` table (all binary fields base64). */
export interface SealedCookies {
  alg: "A256GCM";
  /** {@link keyId} of the key that sealed it. */
  key_id: string;
  iv: string;
  tag: string;
  data: string;
}

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

/** First 8 hex of SHA-256 of the key: names a key without revealing anything usable about it. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("accounts-key:").update(key).digest("hex").slice(0, 8);
}

/**
 * The configured keys: the first seals, every one opens (list a new key first and keep
 * the old one after it while items are re-uploaded).
 */
export class AccountsKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: { id: string; key: Buffer };

  constructor(keys: readonly Buffer[]) {
    const [first] = keys;
    if (first === undefined) throw new AccountsKeyError(`${ENV.accountsEncryptionKey} has no key`);
    for (const key of keys) {
      if (key.length !== KEY_BYTES)
        throw new AccountsKeyError(
          `${ENV.accountsEncryptionKey}: every key must be ${KEY_BYTES} bytes, base64 encoded (value not shown)`,
        );
    }
    this.#keys = new Map(keys.map((key) => [keyId(key), key]));
    this.#current = { id: keyId(first), key: first };
  }

  /**
   * Reads env ACCOUNTS_ENCRYPTION_KEY: one base64 key of 32 bytes (`openssl rand -base64 32`),
   * or several comma-separated while rotating.
   * @throws {AccountsKeyError} when it is unset or malformed (the value is never in the message).
   */
  static fromEnv(env?: Env): AccountsKeyring {
    const raw = readVariable("accountsEncryptionKey", env)?.trim() ?? "";
    if (raw === "") throw new AccountsKeyError(`accounts are unavailable: ${ENV.accountsEncryptionKey} is not set`);
    const parts = raw.split(",").map((part) => part.trim());
    if (parts.some((part) => !/^[A-Za-z0-9+/]+={0,2}$/.test(part))) {
      throw new AccountsKeyError(`${ENV.accountsEncryptionKey}: must be base64 (value not shown)`);
    }
    return new AccountsKeyring(parts.map((part) => Buffer.from(part, "base64")));
  }

  /** A new random key in the form ACCOUNTS_ENCRYPTION_KEY takes. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString("base64");
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  seal(plaintext: string, aad: string): SealedCookies {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return {
      alg: "A256GCM",
      key_id: this.#current.id,
      iv: iv.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      data: data.toString("base64"),
    };
  }

  /**
   * The plaintext of `sealed`, or a {@link SealOpenError} saying why not: the key is not
   * configured, or authentication failed (altered data, IV, tag or AAD).
   */
  open(sealed: SealedCookies, aad: string): string {
    const key = this.#keys.get(sealed.key_id);
    if (key === undefined) throw new SealOpenError("unknown key");
    try {
      // A fixed tag length: a truncated tag must not pass as a shorter valid one.
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, "base64"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new SealOpenError("authentication failed", { cause: error });
    }
  }
}

/** Why a sealed blob did not open; the account layer turns it into AccountCookiesUnreadableError. */
export class SealOpenError extends Error {
  constructor(reason: "unknown key" | "authentication failed", options?: { cause?: unknown }) {
    super(reason, options);
    this.name = "SealOpenError";
  }
}

/** What binds a sealed cookie list to its item: opening it on another account or platform fails. */
function cookiesAad(accountId: string, platform: string): string {
  return `accounts/${accountId}/${platform}`;
}

/** Seals an account's cookies for the `accounts` table. */
export function sealCookies(
  keyring: AccountsKeyring,
  account: { account_id: string; platform: string },
  cookies: readonly AccountCookie[],
): SealedCookies {
  return keyring.seal(JSON.stringify(cookies), cookiesAad(account.account_id, account.platform));
}

/**
 * The cookies of a stored account, decrypted in memory only.
 * @throws {AccountCookiesUnreadableError} when the key is not configured or the item was altered.
 */
export function openCookies(
  keyring: AccountsKeyring,
  account: { account_id: string; platform: string; sealed_cookies: SealedCookies },
): AccountCookie[] {
  const sealed = account.sealed_cookies;
  try {
    const cookies = JSON.parse(keyring.open(sealed, cookiesAad(account.account_id, account.platform))) as unknown;
    if (!Array.isArray(cookies)) throw new SealOpenError("authentication failed");
    return cookies as AccountCookie[];
  } catch (error) {
    const reason = error instanceof SealOpenError ? error.message : "not a cookie list";
    throw new AccountCookiesUnreadableError(account.account_id, sealed?.key_id ?? "none", reason, { cause: error });
  }
}
