/**
 * A media task's own `proxy` at rest. Its URL may carry a user name and password; stored as
 * given it would sit in plain text in the tasks table (DATA_DIR's LevelDB files on one
 * machine, the DynamoDB console on AWS). So a credentialed proxy is sealed with the accounts
 * key, as stored cookies are (AES-256-GCM, the task's id as additional data: a sealed
 * proxy copied onto another task does not open), and `params.proxy` keeps only the masked
 * URL that answers show anyway. The crawler opens it in memory.
 */
import { AccountsKeyring, SealOpenError, type SealedCookies } from "../accounts/crypto.js";
import { NonRetryableCrawlError } from "../errors.js";
import { maskCredentials } from "./model.js";

export type SealedProxy = SealedCookies;

const aad = (taskId: string) => `tasks/${taskId}/proxy`;

/** Whether a proxy URL carries credentials worth sealing. */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return /\/\/[^/@]+@/.test(url);
  }
}

/**
 * The task's `params` and sealed proxy to store: unchanged without a credentialed proxy.
 * @throws {AccountsKeyError} (503) when ACCOUNTS_ENCRYPTION_KEY is not configured.
 */
export function sealTaskProxy(
  taskId: string,
  params: Record<string, unknown>,
  keyring: () => AccountsKeyring = () => AccountsKeyring.fromEnv(),
): { params: Record<string, unknown>; proxy_sealed?: SealedProxy } {
  const proxy = params.proxy;
  if (typeof proxy !== "string" || !hasCredentials(proxy)) return { params };
  return { params: { ...params, proxy: maskCredentials(proxy) }, proxy_sealed: keyring().seal(proxy, aad(taskId)) };
}

/**
 * The proxy a crawl uses: the sealed one opened, else `params.proxy` as stored.
 * @throws {NonRetryableCrawlError} (`PROXY_UNREADABLE`) when the key that sealed it is gone or the item was altered.
 */
export function taskProxy(
  task: { task_id: string; params: Record<string, unknown>; proxy_sealed?: SealedProxy },
  keyring: () => AccountsKeyring = () => AccountsKeyring.fromEnv(),
): string | undefined {
  if (task.proxy_sealed === undefined) return typeof task.params.proxy === "string" ? task.params.proxy : undefined;
  try {
    return keyring().open(task.proxy_sealed, aad(task.task_id));
  } catch (error) {
    if (!(error instanceof SealOpenError)) throw error;
    throw new NonRetryableCrawlError(
      "PROXY_UNREADABLE",
      `proxy: the stored proxy cannot be opened (${error.message}; key id ${task.proxy_sealed.key_id}): was ACCOUNTS_ENCRYPTION_KEY changed? Create the task again`,
    );
  }
}
