import type { CrawlContext, PlatformName } from "../platforms/types.js";

/** The limits one acquirer asks for on a limit key. */
export interface SlotLimits {
  /** At most this many slots of the key are held at once (this one included). */
  maxConcurrency: number;
  /** This slot starts at least this long after the previous start on the key, ms. */
  minDelayMs: number;
  /**
   * A slot whose holder stops renewing it (crashed, killed) frees itself after this long.
   * While held, a slot is renewed every third of it, so a fetch may take longer.
   */
  leaseMs: number;
}

/** A held slot. `release` is idempotent; a failed release may be retried. */
export interface HostSlot {
  readonly key: string;
  readonly leaseId: string;
  /** Epoch ms at which the slot was granted: the start the next one's delay counts from. */
  readonly startedAt: number;
  release(): Promise<void>;
}

/**
 * Hands out slots on limit keys such as `host:example.com` or `platform:xhs`, shared by
 * every process that uses the same store.
 */
export interface HostLimiter {
  /**
   * Waits until a slot on `key` is free and the key's delay has passed, then takes it.
   * Rejects with `signal.reason` once `signal` aborts, and with a
   * DependencyUnavailableError when the shared store cannot be reached.
   */
  acquire(key: string, limits: SlotLimits, signal?: AbortSignal): Promise<HostSlot>;
}

/** Gives each task its `acquireHostSlot` hook (what runTask needs; see HostPoliteness). */
export interface TaskHostSlots {
  forTask(task: {
    task_id: string;
    platform: PlatformName;
    params: Record<string, unknown>;
  }): NonNullable<CrawlContext["acquireHostSlot"]>;
}
