/**
 * Secrets of the accounts and proxies of media crawls.
 *
 * - AccountsEncryptionKey (required): the AES-256 key(s) that encrypt stored cookies,
 *   `sst secret set AccountsEncryptionKey "$(openssl rand -base64 32)"`; to rotate, set
 *   `<new>,<old>` and upload the accounts' cookies again before dropping `<old>`. Losing
 *   it makes stored cookies unreadable. Only the API (seals) and the crawler (opens) get it.
 * - ProxyPool (optional, empty by default): comma-separated http:// upstream proxies for
 *   media tasks without their own `proxy`; only the crawler gets it.
 *
 * Both reach the functions as environment variables (encrypted at rest by Lambda), not as
 * links: the code reads ACCOUNTS_ENCRYPTION_KEY and PROXY_POOL the same way on one machine.
 */
import { ENV } from "../core/config";

export const accountsEncryptionKey = new sst.Secret("AccountsEncryptionKey");
export const proxyPool = new sst.Secret("ProxyPool", "");

/** What the API function's environment gets. */
export const accountsApiEnvironment = { [ENV.accountsEncryptionKey]: accountsEncryptionKey.value };

/** What the crawler function's environment gets. */
export const accountsCrawlerEnvironment = {
  [ENV.accountsEncryptionKey]: accountsEncryptionKey.value,
  [ENV.proxyPool]: proxyPool.value,
};
