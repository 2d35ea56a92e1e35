export { AccountService, type AccountServiceDeps } from "./service.js";
export {
  AccountPool,
  STATUS_AFTER_REFUSAL,
  statusAfterFailure,
  type AccountPoolDeps,
  type AccountPoolOptions,
} from "./pool.js";
export {
  DynamoAccountStore,
  MAX_LISTED_ACCOUNTS,
  type AccountStore,
  type AccountChanges,
  type ListAccountsQuery,
} from "./store.js";
export { AccountsKeyring, SealOpenError, keyId, openCookies, sealCookies, type SealedCookies } from "./crypto.js";
export {
  cookieFingerprint,
  cookiesInput,
  normalizeCookies,
  splitCookieHeader,
  MAX_COOKIES,
  MAX_COOKIES_BYTES,
} from "./cookies.js";
export {
  ACCOUNT_PLATFORMS,
  ACCOUNT_STATUSES,
  isAccountPlatform,
  toPublicAccount,
  type Account,
  type AccountStatus,
  type StoredAccount,
} from "./model.js";
export { AccountCookiesUnreadableError, AccountUnavailableError, AccountsKeyError } from "./errors.js";
