import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency } from "../aws/dependency.js";
import { POLITENESS_TABLE } from "../aws/tables.js";
import type { RobotsTxtCache, StoredRobotsTxt } from "../platforms/types.js";

/** Bodies longer than this are used by the task that fetched them but not stored (an item holds 400 KB). */
const MAX_STORED_BODY_CHARS = 300_000;
/** Stored robots.txt items expire a day after the fetch (RFC 9309: cache no longer than 24 hours). */
const TTL_SECONDS = 24 * 60 * 60;

/**
 * robots.txt files in the politeness table, one item per origin under the limit key
 * `robots:<origin>` (beside the `host:` slot items), expiring a day after the fetch: every
 * worker and task asks a site for its robots.txt at most once a day.
 */
export class DynamoRobotsTxtCache implements RobotsTxtCache {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(origin: string): Promise<StoredRobotsTxt | undefined> {
    const result = await callDependency("politeness_table", () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [POLITENESS_TABLE.hashKey]: robotsKey(origin) } }),
      ),
    );
    const item = result.Item;
    if (item === undefined || typeof item.fetched_at !== "string") return undefined;
    return {
      status: typeof item.status === "number" ? item.status : null,
      body: typeof item.body === "string" ? item.body : "",
      fetchedAt: item.fetched_at,
      ...(typeof item.failure === "string" ? { failure: item.failure } : {}),
    };
  }

  async put(origin: string, robots: StoredRobotsTxt): Promise<void> {
    if (robots.body.length > MAX_STORED_BODY_CHARS) return;
    await callDependency("politeness_table", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [POLITENESS_TABLE.hashKey]: robotsKey(origin),
            status: robots.status,
            body: robots.body,
            fetched_at: robots.fetchedAt,
            ...(robots.failure !== undefined ? { failure: robots.failure.slice(0, 500) } : {}),
            [POLITENESS_TABLE.ttlAttribute]: Math.ceil(Date.parse(robots.fetchedAt) / 1000) + TTL_SECONDS,
          },
        }),
      ),
    );
  }
}

function robotsKey(origin: string): string {
  return `robots:${origin}`;
}
