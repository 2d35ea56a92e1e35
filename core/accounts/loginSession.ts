import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import { ACCOUNTS_TABLE } from "../aws/tables.js";
import type { AccountPlatformName, LoginSession, LoginState } from "./model.js";

export { LOGIN_STATES, OPEN_LOGIN_STATES, type LoginSession, type LoginState } from "./model.js";

/**
 * Sessions live in the accounts table, under keys `login#<session_id>` that no account id
 * (a ULID) can take, without the `platform` attribute: the `by_platform` index (listing and
 * picking accounts) never sees them. The table's TTL removes them a day after they expire.
 */
interface StoredLoginSession extends Omit<LoginSession, "platform" | "account_id"> {
  account_id: string;
  login_platform: AccountPlatformName;
  target_account_id?: string;
  /** The accounts table's TTL attribute (epoch seconds). */
  purge_at: number;
}

export type LoginSessionChanges = Partial<
  Pick<LoginSession, "state" | "account_id" | "qr_image" | "qr_text" | "reason">
>;

export interface LoginSessionStore {
  create(session: LoginSession): Promise<void>;
  get(sessionId: string): Promise<LoginSession | undefined>;
  /** Applies `changes` if the session is still in one of `from`; undefined when it is not (or is gone). */
  update(
    sessionId: string,
    changes: LoginSessionChanges,
    from: readonly LoginState[],
  ): Promise<LoginSession | undefined>;
}

/** How long a finished session stays readable. */
const PURGE_AFTER_SECS = 24 * 3600;

const keyOf = (sessionId: string) => ({ [ACCOUNTS_TABLE.hashKey]: `login#${sessionId}` });

function toStored(session: LoginSession): StoredLoginSession {
  const { platform, account_id, ...rest } = session;
  return {
    ...rest,
    account_id: `login#${session.session_id}`,
    login_platform: platform,
    ...(account_id !== undefined ? { target_account_id: account_id } : {}),
    purge_at: Math.floor(Date.parse(session.expires_at) / 1000) + PURGE_AFTER_SECS,
  };
}

function fromStored(item: StoredLoginSession): LoginSession {
  // In the order the API documents them, whatever order the table gives.
  const session: LoginSession = {
    session_id: item.session_id,
    platform: item.login_platform,
    state: item.state,
    ...(item.target_account_id !== undefined ? { account_id: item.target_account_id } : {}),
    created_at: item.created_at,
    updated_at: item.updated_at,
    expires_at: item.expires_at,
    ...(item.qr_image !== undefined ? { qr_image: item.qr_image } : {}),
    ...(item.qr_text !== undefined ? { qr_text: item.qr_text } : {}),
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
  };
  return session;
}

export class DynamoLoginSessionStore implements LoginSessionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: LoginSession): Promise<void> {
    await this.#call(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toStored(session),
          ConditionExpression: "attribute_not_exists(account_id)",
        }),
      ),
    );
  }

  async get(sessionId: string): Promise<LoginSession | undefined> {
    const { Item } = await this.#call(() =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(sessionId), ConsistentRead: true })),
    );
    return Item === undefined || Item.login_platform === undefined ? undefined : fromStored(Item as StoredLoginSession);
  }

  async update(
    sessionId: string,
    changes: LoginSessionChanges,
    from: readonly LoginState[],
  ): Promise<LoginSession | undefined> {
    const set = ["updated_at = :now"];
    const names: Record<string, string> = { "#state": "state" };
    const values: Record<string, unknown> = { ":now": new Date().toISOString() };
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const attribute = field === "account_id" ? "target_account_id" : field;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      set.push(`#${attribute} = :${attribute}`);
    }
    const allowed = from.map((_, index) => `:from${index}`);
    from.forEach((state, index) => {
      values[`:from${index}`] = state;
    });
    try {
      const { Attributes } = await this.#call(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(sessionId),
            UpdateExpression: `SET ${set.join(", ")}`,
            ConditionExpression: `attribute_exists(login_platform) AND #state IN (${allowed.join(", ")})`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return Attributes === undefined ? undefined : fromStored(Attributes as StoredLoginSession);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return callDependency("accounts_table", call);
  }
}
