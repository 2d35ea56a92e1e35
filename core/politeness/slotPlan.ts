import type { SlotLimits } from "./types.js";

/**
 * The stored state of one limit key (one item of the politeness table). Every write
 * replaces it whole, conditional on `version`, so a read-modify-write never loses a
 * concurrent one.
 */
export interface LimitItem {
  /** e.g. `host:example.com`, `platform:xhs`. */
  limit_key: string;
  /** lease id → epoch ms at which that slot frees itself if it is never given back. */
  slots: Record<string, number>;
  /** Epoch ms at which the latest slot was granted. */
  last_start_at: number;
  /** +1 on every write. */
  version: number;
  /** TTL (epoch seconds): after it the item carries no live slot or pending delay. */
  expires_at: number;
}

export interface SlotRequest {
  key: string;
  leaseId: string;
  limits: SlotLimits;
  /** Epoch ms. */
  now: number;
  /** How long an item outlives its last lease and delay before DynamoDB's TTL removes it, ms. */
  idleTtlMs: number;
}

/** What to do next: write `item` (the slot is taken once that write succeeds) or wait. */
export type SlotPlan =
  | { kind: "take"; item: LimitItem }
  | {
      kind: "wait";
      /** `slot_free`: every slot is held; `delay_passed`: the previous start was too recent. */
      until: "slot_free" | "delay_passed";
      /** For `slot_free`, when the earliest lease runs out (a release may come sooner). */
      waitMs: number;
    };

/**
 * Decides, from the key's current item (undefined: none yet), whether the slot can be
 * taken now. Expired slots are dropped from the new item, so crashed holders are purged
 * by the next acquire. The limits are the requester's own: with tasks asking for
 * different limits, each start honours the cap and delay of whoever starts.
 */
export function planAcquire(current: LimitItem | undefined, request: SlotRequest): SlotPlan {
  const { now, limits } = request;
  const live = Object.entries(current?.slots ?? {}).filter(([, expiresAt]) => expiresAt > now);
  if (live.length >= limits.maxConcurrency) {
    const earliest = Math.min(...live.map(([, expiresAt]) => expiresAt));
    return { kind: "wait", until: "slot_free", waitMs: Math.max(1, earliest - now) };
  }
  const lastStart = current?.last_start_at ?? 0;
  const allowedAt = lastStart + limits.minDelayMs;
  if (now < allowedAt) return { kind: "wait", until: "delay_passed", waitMs: allowedAt - now };

  const slots = Object.fromEntries([...live, [request.leaseId, now + limits.leaseMs]]);
  // The item matters until its last lease ends; idleTtlMs (≥ the longest delay) keeps it past that.
  const quietAfter = Math.max(...Object.values(slots), now + limits.minDelayMs);
  return {
    kind: "take",
    item: {
      limit_key: request.key,
      slots,
      last_start_at: now,
      version: (current?.version ?? 0) + 1,
      expires_at: Math.ceil((quietAfter + request.idleTtlMs) / 1000),
    },
  };
}
