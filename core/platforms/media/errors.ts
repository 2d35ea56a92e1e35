import { NonRetryableCrawlError, RetryableCrawlError } from "../../errors.js";
import type { AccessErrorCode, MediaPlatformName } from "./types.js";

/**
 * The platform refused this account: it wants a login (`ACCOUNT_REQUIRED`), the login
 * no longer holds (`ACCOUNT_EXPIRED`), or it suspects a robot (`RISK_CONTROL`).
 *
 * Not retryable: another delivery with the same account would get the same answer, so
 * the task fails with `code` (see core/errors.ts isRetryable) and the caller marks the
 * account (`account_id`) — expired for the first two, banned-for-now for risk control.
 * Thrown by the media session (session.ts) as soon as a platform's `classify` or
 * `classifyPage` says so; never swallowed into an empty success.
 */
export class PlatformAccessError extends NonRetryableCrawlError {
  declare readonly code: AccessErrorCode;
  readonly platform: MediaPlatformName;
  /** The account the session used; undefined when the task ran without one. */
  readonly account_id: string | undefined;
  /** The response or page that gave the answer. */
  readonly url: string | undefined;

  constructor(
    platform: MediaPlatformName,
    code: AccessErrorCode,
    message: string,
    details: { account_id?: string; url?: string; cause?: unknown } = {},
  ) {
    super(code, `${platform}: ${message}`, { cause: details.cause });
    this.name = "PlatformAccessError";
    this.platform = platform;
    this.account_id = details.account_id;
    this.url = details.url;
  }
}

export function isPlatformAccessError(error: unknown): error is PlatformAccessError {
  return error instanceof PlatformAccessError;
}

/**
 * The site asked to slow down (ks `result: 2`, HTTP 429) and kept asking through the
 * session's back-off. Retryable (`RATE_LIMITED`): the task is tried again later, on the
 * same account; the account is rested only after repeated throttling
 * (core/accounts/pool.ts), never marked banned for it.
 */
export class PlatformThrottledError extends RetryableCrawlError {
  readonly platform: MediaPlatformName;
  readonly account_id: string | undefined;

  constructor(platform: MediaPlatformName, message: string, details: { account_id?: string; url?: string } = {}) {
    super("RATE_LIMITED", `${platform}: ${message}${details.url ? ` (${details.url})` : ""}`.slice(0, 1000));
    this.name = "PlatformThrottledError";
    this.platform = platform;
    this.account_id = details.account_id;
  }
}
