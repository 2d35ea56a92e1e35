import { sharedAwsClients } from "../aws/clients.js";
import { type Env, loadConfig, readVariable } from "../config.js";
import { AccountsKeyring } from "./crypto.js";
import { AccountPool } from "./pool.js";
import { AccountService } from "./service.js";
import { DynamoAccountStore } from "./store.js";

let cached: { raw: string | undefined; keyring: AccountsKeyring } | undefined;

/**
 * The keys from env ACCOUNTS_ENCRYPTION_KEY, parsed once per value. Read when first
 * needed, so a stack without the key still lists accounts and crawls without them.
 * @throws {AccountsKeyError} when the variable is unset or malformed.
 */
export function envKeyring(env?: Env): AccountsKeyring {
  const raw = readVariable("accountsEncryptionKey", env);
  if (cached?.raw !== raw || cached === undefined) cached = { raw, keyring: AccountsKeyring.fromEnv(env) };
  return cached.keyring;
}

function defaultStore(): DynamoAccountStore {
  return new DynamoAccountStore(sharedAwsClients().doc, loadConfig().accountsTable);
}

/** The account service as configured by the environment (AWS or the one-machine stack). */
export function defaultAccountService(): AccountService {
  return new AccountService({ accounts: defaultStore(), keyring: () => envKeyring() });
}

/** The account pool crawls pick from, as configured by the environment. */
export function defaultAccountPool(): AccountPool {
  return new AccountPool({ accounts: defaultStore(), keyring: () => envKeyring() });
}
