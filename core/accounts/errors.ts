import { DependencyUnavailableError, NonRetryableCrawlError } from "../errors.js";

/**
 * ACCOUNTS_ENCRYPTION_KEY is missing or malformed: no account can be stored or read.
 * A deployment problem, not the caller's: the API answers 503 naming `accounts_key`, and a
 * crawl that needs an account is delivered again (the key may be fixed meanwhile).
 * The message never contains the key.
 */
export class AccountsKeyError extends DependencyUnavailableError {
  constructor(message: string) {
    super("accounts_key", message);
    this.name = "AccountsKeyError";
  }
}

/**
 * A crawl cannot get the account it needs: the requested one is unknown, of another
 * platform or not active. Not retried; the task fails with `ACCOUNT_REQUIRED`.
 */
export class AccountUnavailableError extends NonRetryableCrawlError {
  readonly account_id: string | undefined;
  constructor(message: string, accountId?: string) {
    super("ACCOUNT_REQUIRED", message);
    this.name = "AccountUnavailableError";
    this.account_id = accountId;
  }
}

/**
 * A stored account's cookies do not decrypt: sealed with a key that is no longer
 * configured (`key_id` says which), or altered in the table. Not retried.
 */
export class AccountCookiesUnreadableError extends NonRetryableCrawlError {
  readonly account_id: string;
  readonly key_id: string;
  constructor(accountId: string, keyId: string, reason: string, options?: { cause?: unknown }) {
    super(
      "ACCOUNT_UNREADABLE",
      `account ${accountId}: cookies cannot be decrypted (${reason}, key id ${keyId}); upload them again`,
      options,
    );
    this.name = "AccountCookiesUnreadableError";
    this.account_id = accountId;
    this.key_id = keyId;
  }
}
