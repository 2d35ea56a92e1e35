import type { CrawlContext, PlatformName } from "../platforms/types.js";
import { HOST_LIMIT_BOUNDS, HOST_LIMIT_DEFAULTS } from "./constants.js";
import { limitKeyFor } from "./limitKeys.js";
import type { HostLimiter, SlotLimits, TaskHostSlots } from "./types.js";

export interface HostPolitenessOptions {
  /**
   * Most fetches at once per host any task gets: a task's `host_concurrency` above it is
   * lowered to it (env HOST_MAX_CONCURRENCY).
   * @default 8 (the most a task may ask for)
   */
  maxConcurrency?: number;
  /**
   * Least delay between fetch starts per host any task gets, ms: a task's `host_delay_ms`
   * below it is raised to it (env HOST_MIN_DELAY_MS).
   * @default 0
   */
  minDelayMs?: number;
  /**
   * How soon a slot frees itself once its holder stops renewing it (a crashed or killed
   * worker), ms. Held slots are renewed every third of it.
   * @default 20_000
   */
  slotLeaseMs?: number;
  /** Told when a slot could not be given back (it then frees itself when its lease ends). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export const hostPolitenessDefaults = {
  maxConcurrency: HOST_LIMIT_BOUNDS.concurrency.max,
  minDelayMs: HOST_LIMIT_BOUNDS.delayMs.min,
  slotLeaseMs: 20_000,
  log: () => undefined,
} as const satisfies Required<HostPolitenessOptions>;

/** The task fields politeness reads; all optional, so tasks stored before they existed still work. */
export interface PolitenessParams {
  /** Fetches from one host at once. @default 2 ({@link HOST_LIMIT_DEFAULTS}) */
  host_concurrency?: number;
  /** Least time between fetch starts on one host, ms. @default 250 */
  host_delay_ms?: number;
}

/**
 * Turns a task into its `acquireHostSlot` hook: the task's own limits (or the polite
 * defaults), bounded by the deployment's caps, applied through a shared
 * {@link HostLimiter}. The rule: a task may ask to be more or less polite within the
 * schema's bounds; HOST_MAX_CONCURRENCY and HOST_MIN_DELAY_MS set how far "less" goes.
 *
 * @example
 * const politeness = new HostPoliteness(new DynamoHostLimiter(doc, table), { minDelayMs: 100 });
 * const context = { ...crawlContext, acquireHostSlot: politeness.forTask(task) };
 */
export class HostPoliteness implements TaskHostSlots {
  readonly #limiter: HostLimiter;
  readonly #settings: Required<HostPolitenessOptions>;

  constructor(limiter: HostLimiter, options: HostPolitenessOptions = {}) {
    this.#limiter = limiter;
    this.#settings = { ...hostPolitenessDefaults, ...options };
  }

  /** The limits a task gets: its own values or the defaults, within the deployment's caps. */
  limitsFor(params: PolitenessParams | Record<string, unknown>): SlotLimits {
    const concurrency = numberOr(params.host_concurrency, HOST_LIMIT_DEFAULTS.concurrency);
    const delayMs = numberOr(params.host_delay_ms, HOST_LIMIT_DEFAULTS.delayMs);
    return {
      maxConcurrency: Math.max(1, Math.min(concurrency, this.#settings.maxConcurrency)),
      minDelayMs: Math.max(delayMs, this.#settings.minDelayMs),
      leaseMs: this.#settings.slotLeaseMs,
    };
  }

  /** The task's hook: waits for a slot on the URL's limit key; the returned function gives it back and never throws. */
  forTask(task: {
    task_id: string;
    platform: PlatformName;
    params: PolitenessParams | Record<string, unknown>;
  }): NonNullable<CrawlContext["acquireHostSlot"]> {
    const limits = this.limitsFor(task.params);
    const log = this.#settings.log;
    return async (url, signal, options) => {
      // A host's own Crawl-delay raises the delay (never lowers it), within what a task may set.
      const asked = Math.min(options?.minDelayMs ?? 0, HOST_LIMIT_BOUNDS.delayMs.max);
      const slotLimits = asked > limits.minDelayMs ? { ...limits, minDelayMs: asked } : limits;
      const slot = await this.#limiter.acquire(limitKeyFor(task.platform, url), slotLimits, signal);
      return () =>
        slot.release().catch((error: unknown) => {
          log("could not give a host slot back; it frees itself when its lease ends", {
            task_id: task.task_id,
            limit_key: slot.key,
            lease_ms: limits.leaseMs,
            error: error instanceof Error ? error.message : String(error),
          });
        });
    };
  }
}

/** Tasks are validated on the way in; this only guards against hand-edited items. */
function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
