/**
 * A per-caller request budget: at most `limit` requests per fixed window, counted in DynamoDB
 * so every API function instance (and the one-machine stack) shares one count.
 *
 * One atomic UpdateItem per request: ADD 1 to the window's counter on the condition that it is
 * still below the limit. A refused request (ConditionalCheckFailedException) changes nothing,
 * so a client hammering a full window does not push its count further. Each window is its own
 * item (`rate:<policy>:<caller>:<window number>`), TTL'd shortly after the window ends, in the
 * politeness table (core/aws/tables.ts POLITENESS_TABLE: short-lived counters keyed by one
 * string; losing them loses nothing).
 *
 * A fixed window lets a caller spend up to twice the limit across a window boundary; that is
 * the usual trade for one write per request and no read (a sliding window needs the previous
 * window's count too).
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { POLITENESS_TABLE } from "../aws/tables.js";

/** What one request learned about its caller's budget. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The policy's name, as RateLimit-Policy and RateLimit name it. */
  policy: string;
  /** Requests per window. */
  limit: number;
  windowSecs: number;
  /** Requests left in this window after this one (0 when refused). */
  remaining: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSecs: number;
}

export interface RateLimiter {
  /** Counts one request of `caller`; never throws for a refusal (see {@link RateLimitDecision.allowed}). */
  take(caller: string): Promise<RateLimitDecision>;
}

export interface FixedWindowOptions {
  /** The policy's name in the headers and the counter keys. */
  policy: string;
  /** Requests per window; at least 1. */
  limit: number;
  /** @default 60 */
  windowSecs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Counters live this long after their window ends, then DynamoDB's TTL removes them. */
const TTL_GRACE_SECS = 60;

export class DynamoFixedWindowLimiter implements RateLimiter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #options: Required<FixedWindowOptions>;

  constructor(doc: DynamoDBDocumentClient, table: string, options: FixedWindowOptions) {
    this.#doc = doc;
    this.#table = table;
    this.#options = { windowSecs: 60, now: Date.now, ...options };
  }

  async take(caller: string): Promise<RateLimitDecision> {
    const { policy, limit, windowSecs, now } = this.#options;
    const windowMs = windowSecs * 1000;
    const at = now();
    const window = Math.floor(at / windowMs);
    const endMs = (window + 1) * windowMs;
    const base = { policy, limit, windowSecs, resetSecs: Math.max(1, Math.ceil((endMs - at) / 1000)) };
    try {
      const result = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { [POLITENESS_TABLE.hashKey]: `rate:${policy}:${caller}:${window}` },
          UpdateExpression: "ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)",
          ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
          ExpressionAttributeNames: { "#count": "count", "#ttl": POLITENESS_TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ":one": 1,
            ":limit": limit,
            ":ttl": Math.ceil(endMs / 1000) + TTL_GRACE_SECS,
          },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const count = Number(result.Attributes?.count ?? limit);
      return { ...base, allowed: true, remaining: Math.max(0, limit - count) };
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return { ...base, allowed: false, remaining: 0 };
      throw error;
    }
  }
}

/**
 * The response headers of draft-ietf-httpapi-ratelimit-headers-11 (May 2026), §3 and §4:
 * `RateLimit-Policy: "<name>";q=<quota>;w=<window secs>` and
 * `RateLimit: "<name>";r=<remaining>;t=<secs to the window's end>`, both Structured Field
 * Lists (RFC 9651) whose item is the policy's name as a String. A refusal adds Retry-After
 * (RFC 9110 §10.2.3) at the window's end, which the draft (§6) says must not come earlier
 * than the effective window, and which every HTTP client library already reads. The older
 * drafts' RateLimit-Limit/-Remaining/-Reset are not sent: they were replaced in -07.
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/11/
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const name = JSON.stringify(decision.policy);
  return {
    "ratelimit-policy": `${name};q=${decision.limit};w=${decision.windowSecs}`,
    ratelimit: `${name};r=${decision.remaining};t=${decision.resetSecs}`,
    ...(decision.allowed ? {} : { "retry-after": String(decision.resetSecs) }),
  };
}
