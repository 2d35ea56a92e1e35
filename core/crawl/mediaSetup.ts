import type { AccountPool } from "../accounts/pool.js";
import { AccountUnavailableError } from "../accounts/errors.js";
import { isAccountPlatform } from "../accounts/model.js";
import { statusAfterFailure } from "../accounts/pool.js";
import { NonRetryableCrawlError, toErrorSummary } from "../errors.js";
import type { ProxyPool } from "../net/proxyPool.js";
import { upstreamProxyProblem } from "../net/upstreamProxy.js";
import { PlatformThrottledError } from "../platforms/media/errors.js";
import type { CrawlAccount } from "../platforms/media/types.js";
import type { Task } from "../tasks/model.js";
import { taskProxy } from "../tasks/proxySecret.js";

/** What a media task's crawl gets besides its browser context (see CrawlContext). */
export interface MediaSetup {
  account?: CrawlAccount;
  /** Upstream proxy URL; it carries credentials, so it is never logged. */
  proxy?: string;
}

export interface MediaSetupDeps {
  /** Stored accounts; absent: media crawls run without cookies, and a task naming an account fails. */
  accounts?: AccountPool;
  /** Proxies for tasks without their own `proxy` (env PROXY_POOL). */
  proxies?: ProxyPool;
}

/**
 * Picks the account and the proxy of a media task (none for the web platform): the
 * task's `account` (it must be an active account of the platform) or the platform's
 * least recently used active one, and the task's `proxy` or the pool's next. No active
 * account: the crawl runs without cookies, and a site that wants a login fails it with
 * ACCOUNT_REQUIRED.
 *
 * @throws {AccountUnavailableError} (`ACCOUNT_REQUIRED`) for a requested account that cannot be used.
 * @throws {NonRetryableCrawlError} (`PROXY_INVALID`) for a proxy URL the egress proxy cannot chain through.
 */
export async function prepareMediaCrawl(task: Task, deps: MediaSetupDeps): Promise<MediaSetup> {
  if (!isAccountPlatform(task.platform)) return {};
  const requested = typeof task.params.account === "string" ? task.params.account : undefined;
  if (requested !== undefined && deps.accounts === undefined)
    throw new AccountUnavailableError(
      `account ${requested} was asked for, but this crawler has no account store`,
      requested,
    );
  const account = await deps.accounts?.pick(task.platform, requested);
  const proxy = taskProxy(task) ?? deps.proxies?.next();
  const problem = proxy === undefined ? undefined : upstreamProxyProblem(proxy);
  if (problem !== undefined) throw new NonRetryableCrawlError("PROXY_INVALID", `proxy: ${problem}`);
  return { ...(account ? { account } : {}), ...(proxy ? { proxy } : {}) };
}

/**
 * After a failed crawl: a platform's refusal (PlatformAccessError, see
 * core/accounts/pool.ts STATUS_AFTER_REFUSAL) marks the account the crawl used — expired
 * for ACCOUNT_EXPIRED / ACCOUNT_REQUIRED, banned for RISK_CONTROL. The task itself fails
 * with the refusal's code (not retryable). Marking is best effort: the failure is logged.
 */
export async function markAccountAfterFailure(
  accounts: AccountPool | undefined,
  account: CrawlAccount | undefined,
  error: unknown,
  log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  if (accounts !== undefined && account !== undefined && error instanceof PlatformThrottledError) {
    // Throttling is not a ban: count it, and rest the account only when it keeps happening.
    try {
      const rests = await accounts.noteThrottled(account.account_id, error.message);
      log("warn", rests ? "account rests after repeated throttling" : "account throttled", {
        account_id: account.account_id,
        code: error.code,
      });
    } catch (noteError) {
      log("error", "could not note the throttling on the account", {
        account_id: account.account_id,
        error: toErrorSummary(noteError),
      });
    }
    return;
  }
  const status = statusAfterFailure(error);
  if (accounts === undefined || account === undefined || status === undefined) return;
  const { code, message } = toErrorSummary(error);
  try {
    await accounts.mark(account.account_id, status, `${code}: ${message}`);
    log("warn", "account marked after the platform refused it", { account_id: account.account_id, status, code });
  } catch (markError) {
    log("error", "could not mark the account", {
      account_id: account.account_id,
      status,
      error: toErrorSummary(markError),
    });
  }
}
