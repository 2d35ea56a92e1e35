/**
 * The pure parts of core/politeness: planning an acquire from a key's item, limit keys,
 * the task → limits rule, and the abortable pause. No network.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import {
  HOST_LIMIT_DEFAULTS,
  HostPoliteness,
  limitKeyFor,
  planAcquire,
  type HostLimiter,
  type LimitItem,
  type SlotLimits,
} from "../../core/politeness/index.js";
import { pause } from "../../core/politeness/pause.js";

const limits: SlotLimits = { maxConcurrency: 2, minDelayMs: 250, leaseMs: 10_000 };
const NOW = 1_800_000_000_000;
const request = (overrides: Partial<Parameters<typeof planAcquire>[1]> = {}) => ({
  key: "host:example.com",
  leaseId: "mine",
  limits,
  now: NOW,
  idleTtlMs: 3_600_000,
  ...overrides,
});
const item = (slots: Record<string, number>, lastStartAt: number, version = 7): LimitItem => ({
  limit_key: "host:example.com",
  slots,
  last_start_at: lastStartAt,
  version,
  expires_at: 0,
});

describe("planAcquire", () => {
  it("takes a slot on a new key: one slot, start now, version 1, TTL past the lease", () => {
    const plan = planAcquire(undefined, request());

    expect(plan).toEqual({
      kind: "take",
      item: {
        limit_key: "host:example.com",
        slots: { mine: NOW + 10_000 },
        last_start_at: NOW,
        version: 1,
        expires_at: Math.ceil((NOW + 10_000 + 3_600_000) / 1000),
      },
    });
  });

  it("waits for the delay, counted from the last start, even with free slots", () => {
    const plan = planAcquire(item({}, NOW - 100), request());

    expect(plan).toEqual({ kind: "wait", until: "delay_passed", waitMs: 150 });
  });

  it("waits for a free slot while the cap is reached, at most until the earliest lease ends", () => {
    const plan = planAcquire(item({ a: NOW + 5_000, b: NOW + 2_000 }, NOW - 10_000), request());

    expect(plan).toEqual({ kind: "wait", until: "slot_free", waitMs: 2_000 });
  });

  it("does not count expired slots, and purges them from the item it writes", () => {
    const plan = planAcquire(item({ crashed: NOW - 1, live: NOW + 5_000 }, NOW - 10_000), request());

    expect(plan.kind).toBe("take");
    if (plan.kind !== "take") return;
    expect(plan.item.slots).toEqual({ live: NOW + 5_000, mine: NOW + 10_000 });
    expect(plan.item.version).toBe(8);
    expect(plan.item.expires_at).toBe(Math.ceil((NOW + 10_000 + 3_600_000) / 1000));
  });

  it("applies the requester's own limits when tasks ask for different ones", () => {
    const current = item({ other: NOW + 5_000 }, NOW - 300);

    expect(planAcquire(current, request({ limits: { ...limits, maxConcurrency: 1 } })).kind).toBe("wait");
    expect(planAcquire(current, request({ limits: { ...limits, minDelayMs: 1_000 } }))).toMatchObject({
      until: "delay_passed",
      waitMs: 700,
    });
    expect(planAcquire(current, request()).kind).toBe("take");
  });
});

describe("limitKeyFor", () => {
  it("keys web fetches by host name and media platforms by platform", () => {
    expect(limitKeyFor("web", "https://Example.COM:8443/a?b=1")).toBe("host:example.com");
    expect(limitKeyFor("web", "http://www.example.com/")).toBe("host:www.example.com");
    expect(limitKeyFor("xhs", "https://edith.xiaohongshu.com/api")).toBe("platform:xhs");
    expect(limitKeyFor("web", "not a url")).toBe("host:not a url");
  });
});

describe("HostPoliteness.limitsFor", () => {
  const politeness = (options = {}) => new HostPoliteness({} as HostLimiter, options);

  it("gives a task that asks nothing the polite defaults, with a 20 s lease", () => {
    expect(politeness().limitsFor({})).toEqual({
      maxConcurrency: HOST_LIMIT_DEFAULTS.concurrency,
      minDelayMs: HOST_LIMIT_DEFAULTS.delayMs,
      leaseMs: 20_000,
    });
    expect(HOST_LIMIT_DEFAULTS).toEqual({ concurrency: 2, delayMs: 250 });
    expect(politeness({ slotLeaseMs: 5_000 }).limitsFor({}).leaseMs).toBe(5_000);
  });

  it("lets the task's values win within the deployment's caps", () => {
    const capped = politeness({ maxConcurrency: 3, minDelayMs: 100 });

    expect(capped.limitsFor({ host_concurrency: 1, host_delay_ms: 2_000 })).toMatchObject({
      maxConcurrency: 1,
      minDelayMs: 2_000,
    });
    expect(capped.limitsFor({ host_concurrency: 8, host_delay_ms: 0 })).toMatchObject({
      maxConcurrency: 3,
      minDelayMs: 100,
    });
    expect(politeness().limitsFor({ host_concurrency: 8, host_delay_ms: 0 })).toMatchObject({
      maxConcurrency: 8,
      minDelayMs: 0,
    });
  });

  it("reads the caps from HOST_MAX_CONCURRENCY and HOST_MIN_DELAY_MS, clamped to the task bounds", () => {
    expect(loadConfig({})).toMatchObject({ politenessTable: "politeness", hostMaxConcurrency: 8, hostMinDelayMs: 0 });
    expect(loadConfig({ HOST_MAX_CONCURRENCY: "3", HOST_MIN_DELAY_MS: "500", POLITENESS_TABLE: "p" })).toMatchObject({
      politenessTable: "p",
      hostMaxConcurrency: 3,
      hostMinDelayMs: 500,
    });
    expect(loadConfig({ HOST_MAX_CONCURRENCY: "0", HOST_MIN_DELAY_MS: "999999" })).toMatchObject({
      hostMaxConcurrency: 1,
      hostMinDelayMs: 60_000,
    });
    expect(loadConfig({ HOST_MAX_CONCURRENCY: "lots" })).toMatchObject({ hostMaxConcurrency: 8 });
  });
});

describe("web task fields host_concurrency and host_delay_ms", () => {
  const base = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] };

  it("are optional (the defaults apply at crawl time) and bounded", () => {
    expect(webTaskInput.parse(base)).not.toHaveProperty("host_concurrency");
    expect(webTaskInput.parse({ ...base, host_concurrency: 1, host_delay_ms: 60_000 })).toMatchObject({
      host_concurrency: 1,
      host_delay_ms: 60_000,
    });
    for (const bad of [
      { host_concurrency: 0 },
      { host_concurrency: 9 },
      { host_concurrency: 1.5 },
      { host_delay_ms: -1 },
      { host_delay_ms: 60_001 },
    ]) {
      expect(webTaskInput.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("pause", () => {
  it("ends early when woken, and rejects with the signal's reason on abort", async () => {
    const wakers = new Set<() => void>();
    const woken = pause(60_000, new AbortController().signal, wakers);
    for (const wake of wakers) wake();
    await expect(woken).resolves.toBeUndefined();
    expect(wakers.size).toBe(0);

    const controller = new AbortController();
    const aborted = pause(60_000, controller.signal, wakers);
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(wakers.size).toBe(0);
    await expect(pause(1, controller.signal)).rejects.toThrow("stop");
  });
});
