import type { TaskStore } from "../tasks/store.js";

export interface LeaseOptions {
  /** How long a claim holds the task without a renewal. @default 60_000 */
  leaseMs: number;
  /** How often the holder renews it. @default 15_000 */
  heartbeatMs: number;
}

export type LeaseEnd = "lease_lost" | "not_running";

/**
 * Keeps a running task's lease alive while its crawl runs (the heartbeat). Another
 * delivery may take the task over only after the lease expired, so a live worker keeps
 * it and a dead one (it stops renewing) loses it within `leaseMs`.
 *
 * When a renewal is refused, `onEnd` says why: the task stopped running (cancelled), or
 * someone else holds it now. When renewals keep failing (the table is unreachable) the
 * holder gives up just before the lease could expire, so two crawls never overlap.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private lastRenewedAt: number;

  constructor(
    private readonly tasks: TaskStore,
    private readonly taskId: string,
    private readonly owner: string,
    private readonly options: LeaseOptions,
    private readonly onEnd: (end: LeaseEnd) => void,
  ) {
    this.lastRenewedAt = Date.now();
  }

  static expiry(leaseMs: number, from = Date.now()): string {
    return new Date(from + leaseMs).toISOString();
  }

  start(): void {
    this.timer = setInterval(() => void this.renew(), this.options.heartbeatMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    const now = Date.now();
    try {
      if (await this.tasks.renewLease(this.taskId, this.owner, LeaseKeeper.expiry(this.options.leaseMs, now))) {
        this.lastRenewedAt = now;
        return;
      }
      const task = await this.tasks.get(this.taskId);
      this.end(task?.status === "running" ? "lease_lost" : "not_running");
    } catch {
      // Could not reach the table: keep trying while the lease still protects us.
      if (Date.now() - this.lastRenewedAt >= this.options.leaseMs - this.options.heartbeatMs) this.end("lease_lost");
    }
  }

  private end(end: LeaseEnd): void {
    this.stop();
    this.onEnd(end);
  }
}
