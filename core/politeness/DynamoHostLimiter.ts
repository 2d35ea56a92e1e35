import { randomUUID } from "node:crypto";
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import { POLITENESS_TABLE } from "../aws/tables.js";
import { HOST_LIMIT_BOUNDS } from "./constants.js";
import { pause } from "./pause.js";
import { planAcquire, type LimitItem } from "./slotPlan.js";
import type { HostLimiter, HostSlot, SlotLimits } from "./types.js";

export interface DynamoHostLimiterOptions {
  /**
   * How long an idle key's item outlives its last lease before DynamoDB's TTL deletes it,
   * ms. Never less than the longest delay a task may ask for.
   * @default 3_600_000 (an hour)
   */
  idleTtlMs?: number;
  /** First wait when every slot is held by other processes; doubles per try, with jitter. @default 50 */
  minPollMs?: number;
  /** Longest such wait (a release in this process wakes waiters at once). @default 1_000 */
  maxPollMs?: number;
  /** Keys whose last seen item is remembered, so an uncontended acquire is one write. @default 1_000 */
  maxCachedKeys?: number;
}

export const dynamoHostLimiterDefaults = {
  idleTtlMs: 3_600_000,
  minPollMs: 50,
  maxPollMs: 1_000,
  maxCachedKeys: 1_000,
} as const satisfies Required<DynamoHostLimiterOptions>;

/** What one try to take a slot came to. */
type Attempt =
  | { kind: "taken"; startedAt: number }
  | { kind: "conflict" }
  | { kind: "wait"; until: "slot_free" | "delay_passed"; waitMs: number };

const neverAborted = new AbortController().signal;

/**
 * A {@link HostLimiter} whose state lives in the politeness table (core/aws/tables.ts),
 * so the caps hold across every worker process and Lambda sandbox.
 *
 * One item per key (see {@link LimitItem}); each acquire is a read-modify-write of it
 * with a conditional PutItem (`version = :seen`, or `attribute_not_exists` for a new
 * key). The item last seen is remembered per key, so when no other process touched the
 * key an acquire is one write and a release one UpdateItem; a failed condition means
 * another process got there first: read the item (consistent), plan again. A held slot
 * is renewed (one UpdateItem) every third of its lease, so only fetches longer than
 * that cost more, and a crashed holder's slot frees within one lease. Within one
 * process, calls on the same key take turns, so they do not fail each other's
 * conditions. Waits: exactly until the delay has passed; while every slot is held, a
 * jittered poll that doubles from `minPollMs` to `maxPollMs` (never past the earliest
 * lease end), cut short by a release in this process.
 *
 * @example
 * const limiter = new DynamoHostLimiter(doc, "politeness");
 * const slot = await limiter.acquire("host:example.com", { maxConcurrency: 2, minDelayMs: 250, leaseMs: 20_000 }, signal);
 * try { await fetchPage(); } finally { await slot.release(); }
 */
export class DynamoHostLimiter implements HostLimiter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #settings: Required<DynamoHostLimiterOptions>;
  /** key → the item as of our last read or write; null: the key had no item. */
  readonly #known = new Map<string, LimitItem | null>();
  /** key → the tail of the calls on it taking turns. */
  readonly #turns = new Map<string, Promise<void>>();
  /** key → waiters to wake when a slot of it is given back here. */
  readonly #wakers = new Map<string, Set<() => void>>();

  constructor(doc: DynamoDBDocumentClient, tableName: string, options: DynamoHostLimiterOptions = {}) {
    this.#doc = doc;
    this.#tableName = tableName;
    const settings = { ...dynamoHostLimiterDefaults, ...options };
    settings.idleTtlMs = Math.max(settings.idleTtlMs, HOST_LIMIT_BOUNDS.delayMs.max);
    this.#settings = settings;
  }

  async acquire(key: string, limits: SlotLimits, signal: AbortSignal = neverAborted): Promise<HostSlot> {
    checkLimits(limits);
    const leaseId = randomUUID();
    let polls = 0;
    let reread = false;
    for (;;) {
      signal.throwIfAborted();
      const attempt = await this.#inTurn(key, () => this.#attempt(key, leaseId, limits, reread));
      reread = false;
      if (attempt.kind === "taken") return this.#slot(key, leaseId, attempt.startedAt, limits.leaseMs);
      if (attempt.kind === "conflict") continue;
      if (attempt.until === "delay_passed") {
        await pause(attempt.waitMs, signal);
        continue;
      }
      const seen = this.#known.get(key);
      const backoff = Math.min(this.#settings.maxPollMs, this.#settings.minPollMs * 2 ** Math.min(polls++, 16));
      const wakers = this.#wakersOf(key);
      try {
        await pause(Math.min(attempt.waitMs, backoff * (0.5 + Math.random() / 2)), signal, wakers);
      } finally {
        if (wakers.size === 0) this.#wakers.delete(key);
      }
      // Slots held elsewhere are given back without telling us: unless a write of ours
      // refreshed what we know meanwhile, ask the table.
      reread = this.#known.get(key) === seen;
    }
  }

  async #attempt(key: string, leaseId: string, limits: SlotLimits, reread: boolean): Promise<Attempt> {
    if (reread || !this.#known.has(key)) this.#remember(key, await this.#read(key));
    const current = this.#known.get(key) ?? undefined;
    const plan = planAcquire(current, { key, leaseId, limits, now: Date.now(), idleTtlMs: this.#settings.idleTtlMs });
    if (plan.kind === "wait") return plan;
    const condition: Pick<
      PutCommandInput,
      "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    > =
      current === undefined
        ? {
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": POLITENESS_TABLE.hashKey },
          }
        : {
            ConditionExpression: "#version = :seen",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":seen": current.version },
          };
    try {
      await callDependency("politeness_table", () =>
        this.#doc.send(new PutCommand({ TableName: this.#tableName, Item: plan.item, ...condition })),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      this.#known.delete(key);
      return { kind: "conflict" };
    }
    this.#remember(key, plan.item);
    return { kind: "taken", startedAt: plan.item.last_start_at };
  }

  async #read(key: string): Promise<LimitItem | null> {
    const result = await callDependency("politeness_table", () =>
      this.#doc.send(
        new GetCommand({ TableName: this.#tableName, Key: { [POLITENESS_TABLE.hashKey]: key }, ConsistentRead: true }),
      ),
    );
    return (result.Item as LimitItem | undefined) ?? null;
  }

  /** A held slot: renewed every third of its lease until it is given back. */
  #slot(key: string, leaseId: string, startedAt: number, leaseMs: number): HostSlot {
    let releasing: Promise<void> | undefined;
    const renewal = setInterval(
      () => {
        // A failed renewal is tried again at the next tick; a slot found gone stays gone.
        this.#renew(key, leaseId, leaseMs).then(
          (held) => held || clearInterval(renewal),
          () => undefined,
        );
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    return {
      key,
      leaseId,
      startedAt,
      release: () => {
        clearInterval(renewal);
        return (releasing ??= this.#release(key, leaseId).catch((error: unknown) => {
          releasing = undefined;
          throw error;
        }));
      },
    };
  }

  /** Pushes the slot's expiry a lease ahead; false when the slot is gone (it was presumed dead and purged). */
  #renew(key: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const expiresAt = Date.now() + leaseMs;
    return this.#updateSlot(
      key,
      leaseId,
      { set: ["slots.#lease = :expiresAt", "#ttl = :ttl"] },
      {
        ":expiresAt": expiresAt,
        ":ttl": Math.ceil((expiresAt + this.#settings.idleTtlMs) / 1000),
      },
    );
  }

  /** Removes the slot; a slot already gone (expired and purged, or the item expired) is fine. */
  async #release(key: string, leaseId: string): Promise<void> {
    await this.#updateSlot(key, leaseId, { remove: "slots.#lease" }, {});
    for (const wake of [...(this.#wakers.get(key) ?? [])]) wake();
  }

  /** One conditional UpdateItem of an existing slot (it bumps `version`); false when the slot is gone. */
  #updateSlot(
    key: string,
    leaseId: string,
    change: { set?: string[]; remove?: string },
    values: Record<string, number>,
  ): Promise<boolean> {
    const set = [...(change.set ?? []), "#version = #version + :one"].join(", ");
    return this.#inTurn(key, async () => {
      try {
        const result = await callDependency("politeness_table", () =>
          this.#doc.send(
            new UpdateCommand({
              TableName: this.#tableName,
              Key: { [POLITENESS_TABLE.hashKey]: key },
              UpdateExpression: `SET ${set}${change.remove ? ` REMOVE ${change.remove}` : ""}`,
              ConditionExpression: "attribute_exists(slots.#lease)",
              ExpressionAttributeNames: {
                "#lease": leaseId,
                "#version": "version",
                ...(":ttl" in values ? { "#ttl": POLITENESS_TABLE.ttlAttribute } : {}),
              },
              ExpressionAttributeValues: { ":one": 1, ...values },
              ReturnValues: "ALL_NEW",
            }),
          ),
        );
        this.#remember(key, result.Attributes as LimitItem);
        return true;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        return false;
      }
    });
  }

  /** Runs `call` once the earlier calls on `key` in this process have settled. */
  #inTurn<T>(key: string, call: () => Promise<T>): Promise<T> {
    const previous = this.#turns.get(key) ?? Promise.resolve();
    const result = previous.then(call);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#turns.set(key, tail);
    void tail.then(() => {
      if (this.#turns.get(key) === tail) this.#turns.delete(key);
    });
    return result;
  }

  #remember(key: string, item: LimitItem | null): void {
    this.#known.delete(key);
    this.#known.set(key, item);
    if (this.#known.size > this.#settings.maxCachedKeys) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }

  #wakersOf(key: string): Set<() => void> {
    let wakers = this.#wakers.get(key);
    if (wakers === undefined) {
      wakers = new Set();
      this.#wakers.set(key, wakers);
    }
    return wakers;
  }
}

function checkLimits(limits: SlotLimits): void {
  const { maxConcurrency, minDelayMs, leaseMs } = limits;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)
    throw new RangeError(`maxConcurrency must be a whole number ≥ 1 (got ${maxConcurrency})`);
  if (!Number.isFinite(minDelayMs) || minDelayMs < 0)
    throw new RangeError(`minDelayMs must be ≥ 0 (got ${minDelayMs})`);
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError(`leaseMs must be > 0 (got ${leaseMs})`);
}
