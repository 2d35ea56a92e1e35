/** The account parts of the builder (./dependencies.ts): the API's account service, the crawler's pool. */
import { AccountsKeyring } from "../accounts/crypto.js";
import { LoginService } from "../accounts/loginService.js";
import { DynamoLoginSessionStore } from "../accounts/loginSession.js";
import { AccountPool } from "../accounts/pool.js";
import { AccountService } from "../accounts/service.js";
import { DynamoAccountStore } from "../accounts/store.js";
import { type Env, readVariable } from "../config.js";
import type { TaskServiceDeps } from "../tasks/service.js";
import type { BaseDependencies } from "./dependencies.js";

export const accountParts = {
  accountStore: ({ config, clients }: BaseDependencies) => new DynamoAccountStore(clients.doc, config.accountsTable),
  accountService: ({ accountStore, env }: BaseDependencies & { accountStore: DynamoAccountStore }) =>
    new AccountService({ accounts: accountStore, keyring: () => envKeyring(env) }),
  /** The pool crawls pick stored accounts from. */
  accountPool: ({ accountStore, env }: BaseDependencies & { accountStore: DynamoAccountStore }) =>
    new AccountPool({ accounts: accountStore, keyring: () => envKeyring(env) }),
  /** QR login sessions, items beside the accounts (core/accounts/loginSession.ts). */
  loginSessions: ({ config, clients }: BaseDependencies) =>
    new DynamoLoginSessionStore(clients.doc, config.accountsTable),
};

/** The API's QR login operations, with {@link accountParts} and ./tasks.ts (its queue). */
export const loginServiceParts = {
  loginService: ({
    accountStore,
    loginSessions,
    taskDeps,
  }: BaseDependencies & {
    accountStore: DynamoAccountStore;
    loginSessions: DynamoLoginSessionStore;
    taskDeps: TaskServiceDeps;
  }) => new LoginService({ sessions: loginSessions, accounts: accountStore, queue: taskDeps.queue }),
};

let cached: { raw: string | undefined; keyring: AccountsKeyring } | undefined;

/**
 * The keys from ACCOUNTS_ENCRYPTION_KEY, parsed once per value. Read at each use, so a stack
 * without the key still lists accounts and crawls without them.
 * @throws {AccountsKeyError} when the variable is unset or malformed.
 */
function envKeyring(env: Env | undefined): AccountsKeyring {
  const raw = readVariable("accountsEncryptionKey", env);
  if (cached?.raw !== raw || cached === undefined) cached = { raw, keyring: AccountsKeyring.fromEnv(env) };
  return cached.keyring;
}
