import { monotonicFactory } from "ulid";
import * as z from "zod";
import { ConflictError, NotFoundError } from "../errors.js";
import { parseOrThrow, quotedList } from "../validation.js";
import { cookieFingerprint, cookiesInput } from "./cookies.js";
import { sealCookies, type AccountsKeyring } from "./crypto.js";
import { ACCOUNT_PLATFORMS, ACCOUNT_STATUSES, toPublicAccount, type Account, type StoredAccount } from "./model.js";
import type { AccountStore } from "./store.js";

export interface AccountServiceDeps {
  accounts: AccountStore;
  /** The encryption keys, asked for only when cookies are sealed (listing works without them). */
  keyring: () => AccountsKeyring;
}

const platformField = z.enum(ACCOUNT_PLATFORMS, {
  error: `must be one of ${quotedList(ACCOUNT_PLATFORMS)} (accounts are for the media platforms)`,
});
const statusField = z.enum(ACCOUNT_STATUSES, {
  error: `must be one of ${ACCOUNT_STATUSES.map((s) => `"${s}"`).join(", ")}`,
});

const createSchema = z.strictObject({
  platform: platformField,
  cookies: cookiesInput,
  note: z.string({ error: "must be a string" }).max(200, { error: "must be at most 200 characters" }).optional(),
});

const listQuerySchema = z.strictObject({
  platform: platformField.optional(),
  status: statusField.optional(),
});

/** Re-activating may bring the refreshed cookies along. */
const activateSchema = z.strictObject({ cookies: cookiesInput.optional() });

const newAccountId = monotonicFactory();
const ACCOUNT_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * What the API can do with stored accounts. Validation happens here; cookies are sealed
 * before they reach the store and no method returns them (see {@link toPublicAccount}).
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** Stores an account as active. The same cookies stored twice for a platform are a 409. */
  async create(body: unknown): Promise<Account> {
    const input = parseOrThrow(createSchema, body);
    const fingerprint = cookieFingerprint(input.cookies);
    const [twin] = await this.deps.accounts.list({ platform: input.platform, fingerprint });
    if (twin !== undefined)
      throw new ConflictError(`cookies: an account with the same cookies already exists (${twin.account_id})`);
    const now = new Date().toISOString();
    const account_id = newAccountId();
    const account: StoredAccount = {
      account_id,
      platform: input.platform,
      ...(input.note !== undefined ? { note: input.note } : {}),
      status: "active",
      created_at: now,
      updated_at: now,
      use_count: 0,
      fingerprint,
      cookie_count: input.cookies.length,
      sealed_cookies: sealCookies(this.deps.keyring(), { account_id, platform: input.platform }, input.cookies),
    };
    await this.deps.accounts.create(account);
    return toPublicAccount(account);
  }

  /** Accounts oldest first, of one platform or of all media platforms. */
  async list(query: Record<string, string | undefined>): Promise<{ items: Account[] }> {
    const { platform, status } = parseOrThrow(listQuerySchema, query);
    const platforms = platform === undefined ? ACCOUNT_PLATFORMS : [platform];
    const lists = await Promise.all(
      platforms.map((name) => this.deps.accounts.list({ platform: name, ...(status ? { status } : {}) })),
    );
    const items = lists.flat().sort((a, b) => (a.account_id < b.account_id ? -1 : 1));
    return { items: items.map(toPublicAccount) };
  }

  async get(accountId: string): Promise<Account> {
    return toPublicAccount(await this.#stored(accountId));
  }

  /** Deletes the account (its cookies with it); returns what it was. */
  async delete(accountId: string): Promise<Account> {
    const deleted = ACCOUNT_ID_PATTERN.test(accountId) ? await this.deps.accounts.delete(accountId) : undefined;
    if (deleted === undefined) throw notFound(accountId);
    return toPublicAccount(deleted);
  }

  /**
   * Puts an expired or banned account back in turn, with refreshed cookies when the body
   * has them (`{"cookies": …}` in any format `create` takes). Clears the status reason.
   */
  async activate(accountId: string, body: unknown): Promise<Account> {
    const input = parseOrThrow(activateSchema, body ?? {});
    const account = await this.#stored(accountId);
    const cookies = input.cookies;
    const refreshed =
      cookies === undefined
        ? {}
        : {
            sealed_cookies: sealCookies(this.deps.keyring(), account, cookies),
            fingerprint: cookieFingerprint(cookies),
            cookie_count: cookies.length,
          };
    const updated = await this.deps.accounts.update(accountId, {
      status: "active",
      status_reason: undefined,
      ...refreshed,
    });
    if (updated === undefined) throw notFound(accountId);
    return toPublicAccount(updated);
  }

  async #stored(accountId: string): Promise<StoredAccount> {
    const account = ACCOUNT_ID_PATTERN.test(accountId) ? await this.deps.accounts.get(accountId) : undefined;
    if (account === undefined) throw notFound(accountId);
    return account;
  }
}

function notFound(accountId: string): NotFoundError {
  return new NotFoundError(`account_id: account ${JSON.stringify(accountId.slice(0, 64))} not found`);
}

// The request schemas, for the OpenAPI document (functions/api/openapi.ts) to be generated from.
export {
  createSchema as accountCreateSchema,
  listQuerySchema as accountListQuerySchema,
  activateSchema as accountActivateSchema,
};
