import { ACCOUNT_PLATFORMS, type AccountPlatformName } from "../platforms/registry.js";
import type { SealedCookies } from "./crypto.js";

/** Platforms an account can belong to: those whose definition says `accounts: true` (the media platforms). */
export { ACCOUNT_PLATFORMS, type AccountPlatformName } from "../platforms/registry.js";

/** Whether a task's platform takes accounts and proxies. */
export function isAccountPlatform(platform: string): platform is AccountPlatformName {
  return ACCOUNT_PLATFORMS.some((name) => name === platform);
}

/**
 * - `active`: picked for tasks of its platform, in turn.
 * - `expired`: the site asked for a login (ACCOUNT_EXPIRED / ACCOUNT_REQUIRED): refresh the cookies.
 * - `banned`: the site answered with risk control (RISK_CONTROL): rest it, then re-activate.
 */
export const ACCOUNT_STATUSES = ["active", "expired", "banned"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An account as the API shows it: everything but the cookies, which never leave the store decrypted. */
export interface Account {
  account_id: string;
  platform: AccountPlatformName;
  note?: string;
  status: AccountStatus;
  /** Why the status was last set by a crawl, e.g. `RISK_CONTROL: xhs: 461 verification required`. */
  status_reason?: string;
  created_at: string;
  updated_at: string;
  /** When a crawl last picked it; absent until the first time. */
  last_used_at?: string;
  /**
   * Throttled crawls in a row (each within an hour of the last, `last_throttled_at`):
   * at {@link THROTTLE_STRIKES_TO_REST} the account rests until `rest_until`, still
   * active: throttling is the site asking to slow down, not a ban (core/accounts/pool.ts).
   */
  throttle_strikes?: number;
  last_throttled_at?: string;
  /** Crawls do not pick it before this time (it was throttled repeatedly); asked for by id it is still used. */
  rest_until?: string;
  use_count: number;
  /** First 16 hex of SHA-256 of the normalized cookie string (see cookies.ts): tells two uploads apart without showing them. */
  fingerprint: string;
  cookie_count: number;
}

/** The item in the `accounts` table. */
export interface StoredAccount extends Account {
  /** The cookies, AES-256-GCM encrypted (see crypto.ts). */
  sealed_cookies: SealedCookies;
}

export function toPublicAccount(stored: StoredAccount | Account): Account {
  const { sealed_cookies: _sealed, ...account } = stored as StoredAccount;
  return account;
}

/**
 * A sign-in by QR code (POST /api/v1/accounts/login): started by the API, run by one crawler
 * invocation (core/accounts/qrLogin.ts), read back by polling.
 *
 * - `waiting`: the crawler opened the login page; `qr_image` is set once the code is captured.
 * - `scanned`: the page shows the code was scanned and waits for the phone's confirmation.
 * - `done`: signed in; the cookies are stored in `account_id`.
 * - `expired`: nobody confirmed before `expires_at` (or the function ran out of time).
 * - `refused`: the user declined on the phone.
 * - `failed`: the page never showed a QR code, or the cookies could not be stored (`reason`).
 */
export const LOGIN_STATES = ["waiting", "scanned", "done", "expired", "refused", "failed"] as const;
export type LoginState = (typeof LOGIN_STATES)[number];
export const OPEN_LOGIN_STATES: readonly LoginState[] = ["waiting", "scanned"];

/** A login session as the API shows it. */
export interface LoginSession {
  session_id: string;
  platform: AccountPlatformName;
  state: LoginState;
  /** For a re-login, the expired account that gets the new cookies; when done, the account signed in. */
  account_id?: string;
  created_at: string;
  updated_at: string;
  /** After this the session is `expired` unless it is done. */
  expires_at: string;
  /** The QR code as the page showed it, `data:image/png;base64,…`; absent until captured. */
  qr_image?: string;
  /** The QR code's text, when it could be decoded (what the CLI draws in the terminal). */
  qr_text?: string;
  /** Why the session failed, expired or was refused. */
  reason?: string;
}
