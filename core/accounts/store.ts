import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import { ACCOUNTS_BY_PLATFORM } from "../aws/tables.js";
import type { MediaPlatformName } from "../platforms/media/types.js";
import type { AccountStatus, StoredAccount } from "./model.js";

/** Field changes of an account; `undefined` removes the attribute. */
export interface AccountChanges {
  status?: AccountStatus;
  status_reason?: string | undefined;
  note?: string | undefined;
  sealed_cookies?: StoredAccount["sealed_cookies"];
  fingerprint?: string;
  cookie_count?: number;
  throttle_strikes?: number;
  last_throttled_at?: string | undefined;
  rest_until?: string | undefined;
}

export interface ListAccountsQuery {
  platform: MediaPlatformName;
  status?: AccountStatus;
  fingerprint?: string;
}

/** Persistence of accounts (the `accounts` table). Every write is conditional on the account existing. */
export interface AccountStore {
  create(account: StoredAccount): Promise<void>;
  get(accountId: string): Promise<StoredAccount | undefined>;
  /** The platform's accounts, oldest first (at most {@link MAX_LISTED_ACCOUNTS}). */
  list(query: ListAccountsQuery): Promise<StoredAccount[]>;
  /** Applies `changes` (and a new updated_at); undefined when the account does not exist. */
  update(accountId: string, changes: AccountChanges): Promise<StoredAccount | undefined>;
  /**
   * Takes an active account for one crawl: sets last_used_at to `now` and adds 1 to
   * use_count, on condition that it is still active and — with `expected` — that nobody
   * took it since its last_used_at was read as `expected.lastUsedAt` (undefined: never
   * used). Undefined when a condition failed (another crawl was faster, or it was marked).
   */
  claim(
    accountId: string,
    now: string,
    expected?: { lastUsedAt: string | undefined },
  ): Promise<StoredAccount | undefined>;
  /** The deleted account; undefined when there was none. */
  delete(accountId: string): Promise<StoredAccount | undefined>;
}

/** Accounts are a handful per platform; a list stops here rather than paging. */
export const MAX_LISTED_ACCOUNTS = 1000;

export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(account: StoredAccount): Promise<void> {
    await this.#call(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: account,
          ConditionExpression: "attribute_not_exists(account_id)",
        }),
      ),
    );
  }

  async get(accountId: string): Promise<StoredAccount | undefined> {
    const { Item } = await this.#call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { account_id: accountId }, ConsistentRead: true }),
      ),
    );
    return Item as StoredAccount | undefined;
  }

  async list(query: ListAccountsQuery): Promise<StoredAccount[]> {
    const filters: string[] = [];
    const names: Record<string, string> = { "#platform": "platform" };
    const values: Record<string, unknown> = { ":platform": query.platform };
    if (query.status !== undefined) {
      filters.push("#status = :status");
      names["#status"] = "status";
      values[":status"] = query.status;
    }
    if (query.fingerprint !== undefined) {
      filters.push("fingerprint = :fingerprint");
      values[":fingerprint"] = query.fingerprint;
    }
    const items: StoredAccount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#call(() =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ACCOUNTS_BY_PLATFORM.name,
            KeyConditionExpression: "#platform = :platform",
            ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      items.push(...((page.Items ?? []) as StoredAccount[]));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && items.length < MAX_LISTED_ACCOUNTS);
    return items.slice(0, MAX_LISTED_ACCOUNTS);
  }

  async update(accountId: string, changes: AccountChanges): Promise<StoredAccount | undefined> {
    const set = ["updated_at = :now"];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":now": new Date().toISOString() };
    for (const [field, value] of Object.entries(changes)) {
      names[`#${field}`] = field;
      if (value === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    return this.#conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { account_id: accountId },
        UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: "attribute_exists(account_id)",
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
  }

  async claim(
    accountId: string,
    now: string,
    expected?: { lastUsedAt: string | undefined },
  ): Promise<StoredAccount | undefined> {
    const conditions = ["attribute_exists(account_id)", "#status = :active"];
    const values: Record<string, unknown> = { ":now": now, ":zero": 0, ":one": 1, ":active": "active" };
    if (expected !== undefined && expected.lastUsedAt === undefined)
      conditions.push("attribute_not_exists(last_used_at)");
    if (expected?.lastUsedAt !== undefined) {
      conditions.push("last_used_at = :seen");
      values[":seen"] = expected.lastUsedAt;
    }
    return this.#conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { account_id: accountId },
        UpdateExpression: "SET last_used_at = :now, use_count = if_not_exists(use_count, :zero) + :one",
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
  }

  async delete(accountId: string): Promise<StoredAccount | undefined> {
    const { Attributes } = await this.#call(() =>
      this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { account_id: accountId }, ReturnValues: "ALL_OLD" }),
      ),
    );
    return Attributes as StoredAccount | undefined;
  }

  /** An update whose failed condition means "not applied" (undefined), not an error. */
  async #conditional(command: UpdateCommand): Promise<StoredAccount | undefined> {
    try {
      const { Attributes } = await this.#call(() => this.doc.send(command));
      return Attributes as StoredAccount | undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return callDependency("accounts_table", call);
  }
}
