import { AppError } from "../errors.js";
import type { CrawlAccount, MediaPlatformName } from "../platforms/media/types.js";
import { openCookies, type AccountsKeyring } from "./crypto.js";
import { AccountUnavailableError } from "./errors.js";
import type { AccountStatus, StoredAccount } from "./model.js";
import type { AccountStore } from "./store.js";

export interface AccountPoolDeps {
  accounts: AccountStore;
  /** The encryption keys, asked for only when an account is picked. */
  keyring: () => AccountsKeyring;
}

export interface AccountPoolOptions {
  /**
   * Rounds of exclusive picking (each reads the active accounts and tries them least
   * recently used first) before a crawl shares an account another crawl took at the same
   * moment. @default 2
   */
  pickRounds?: number;
}

const defaults: Required<AccountPoolOptions> = { pickRounds: 2 };

/**
 * What a platform's refusal says about the account it used (see core/platforms/media/errors.ts):
 * - `ACCOUNT_EXPIRED`, `ACCOUNT_REQUIRED` → `expired`: the login no longer holds, new cookies are needed;
 * - `RISK_CONTROL` → `banned`: the site suspects a robot; the account rests until someone
 *   re-activates it (the cause may also be the proxy or the pace, which the reason records).
 */
export const STATUS_AFTER_REFUSAL: Readonly<Record<string, Exclude<AccountStatus, "active">>> = {
  ACCOUNT_EXPIRED: "expired",
  ACCOUNT_REQUIRED: "expired",
  RISK_CONTROL: "banned",
};

/** Throttled crawls in a row that rest an account, and for how long (ks `result: 2`, HTTP 429 and the like). */
export const THROTTLE_STRIKES_TO_REST = 3;
export const THROTTLE_REST_MS = 30 * 60_000;
/** Throttled crawls further apart than this do not count as in a row. */
const THROTTLE_WINDOW_MS = 60 * 60_000;

/** The status a crawl failure puts its account in, or undefined when the failure says nothing about the account. */
export function statusAfterFailure(error: unknown): Exclude<AccountStatus, "active"> | undefined {
  return error instanceof AppError ? STATUS_AFTER_REFUSAL[error.code] : undefined;
}

/**
 * Hands a platform's stored accounts to crawls in turn and records what the platform
 * thought of them. Taking an account is a conditional write (last_used_at, use_count),
 * so crawls picking at the same moment on different machines get different accounts
 * while there are enough active ones (and share the least recently used when not).
 * Cookies are decrypted here, in memory, and go nowhere but the crawl's browser context.
 */
export class AccountPool {
  readonly #deps: AccountPoolDeps;
  readonly #settings: Required<AccountPoolOptions>;

  constructor(deps: AccountPoolDeps, options: AccountPoolOptions = {}) {
    this.#deps = deps;
    this.#settings = { ...defaults, ...options };
  }

  /**
   * The account a crawl of `platform` uses: `requestedId` when given (it must be an active
   * account of that platform), otherwise the active one used least recently. Undefined
   * when the platform has no active account (the crawl runs without cookies).
   *
   * @throws {AccountUnavailableError} (`ACCOUNT_REQUIRED`) when the requested account is unknown, of another platform or not active.
   * @throws {AccountCookiesUnreadableError} when its cookies do not decrypt with the configured keys.
   */
  async pick(platform: MediaPlatformName, requestedId?: string): Promise<CrawlAccount | undefined> {
    const claimed =
      requestedId === undefined
        ? await this.#claimLeastRecent(platform)
        : await this.#claimRequested(platform, requestedId);
    if (claimed === undefined) return undefined;
    return { account_id: claimed.account_id, platform, cookies: openCookies(this.#deps.keyring(), claimed) };
  }

  /** Records a platform's verdict on an account; an account deleted meanwhile is left alone. */
  async mark(accountId: string, status: AccountStatus, reason: string): Promise<void> {
    await this.#deps.accounts.update(accountId, { status, status_reason: reason.slice(0, 500) });
  }

  /**
   * A crawl with this account was throttled through its back-off (RATE_LIMITED). The
   * account stays active; after {@link THROTTLE_STRIKES_TO_REST} such crawls within an hour
   * of each other it rests for {@link THROTTLE_REST_MS}: picked by no crawl meanwhile.
   * Returns whether it now rests.
   */
  async noteThrottled(accountId: string, reason: string, now = new Date()): Promise<boolean> {
    const account = await this.#deps.accounts.get(accountId);
    if (account === undefined) return false;
    const recent =
      account.last_throttled_at !== undefined &&
      now.getTime() - Date.parse(account.last_throttled_at) < THROTTLE_WINDOW_MS;
    const strikes = (recent ? (account.throttle_strikes ?? 0) : 0) + 1;
    if (strikes < THROTTLE_STRIKES_TO_REST) {
      await this.#deps.accounts.update(accountId, { throttle_strikes: strikes, last_throttled_at: now.toISOString() });
      return false;
    }
    const until = new Date(now.getTime() + THROTTLE_REST_MS).toISOString();
    await this.#deps.accounts.update(accountId, {
      throttle_strikes: 0,
      last_throttled_at: now.toISOString(),
      rest_until: until,
      status_reason: `RATE_LIMITED: resting until ${until} after ${strikes} throttled crawls (${reason})`.slice(0, 500),
    });
    return true;
  }

  async #claimRequested(platform: MediaPlatformName, accountId: string): Promise<StoredAccount> {
    const account = await this.#deps.accounts.get(accountId);
    if (account === undefined) throw new AccountUnavailableError(`account ${accountId} not found`, accountId);
    if (account.platform !== platform)
      throw new AccountUnavailableError(
        `account ${accountId} is a ${account.platform} account, not ${platform}`,
        accountId,
      );
    // Asked for by id: shared with crawls using it at the same moment, as long as it is active.
    const claimed =
      account.status === "active" ? await this.#deps.accounts.claim(accountId, new Date().toISOString()) : undefined;
    if (claimed !== undefined) return claimed;
    const current = (await this.#deps.accounts.get(accountId)) ?? account;
    const why = current.status_reason ? ` (${current.status_reason})` : "";
    throw new AccountUnavailableError(
      `account ${accountId} is ${current.status}${why}; refresh its cookies and POST /api/v1/accounts/${accountId}/activate`,
      accountId,
    );
  }

  async #claimLeastRecent(platform: MediaPlatformName): Promise<StoredAccount | undefined> {
    for (let round = 0; ; round++) {
      const now = new Date().toISOString();
      // A resting account (throttled repeatedly) is left alone until its rest is over.
      const active = (await this.#deps.accounts.list({ platform, status: "active" })).filter(
        (account) => account.rest_until === undefined || account.rest_until <= now,
      );
      if (active.length === 0) return undefined;
      // Never used first (in creation order), then the longest unused.
      active.sort((a, b) => compare(a.last_used_at ?? "", b.last_used_at ?? "") || compare(a.account_id, b.account_id));
      const lastRound = round + 1 >= this.#settings.pickRounds;
      for (const candidate of active) {
        // Exclusive while there are enough accounts; in the last round, more crawls than
        // accounts share the least recently used ones rather than fail.
        const expected = lastRound ? undefined : { lastUsedAt: candidate.last_used_at };
        const claimed = await this.#deps.accounts.claim(candidate.account_id, new Date().toISOString(), expected);
        if (claimed !== undefined) return claimed;
      }
      if (lastRound) return undefined;
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
