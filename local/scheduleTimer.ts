/**
 * The one-machine stack's stand-in for EventBridge Scheduler: every SCHEDULE_TICK_SECS it
 * reads the schedules table and hands each due run to the schedule runner handler, with the
 * event Scheduler would send. It reads the table at every tick, so a schedule created,
 * paused, resumed or deleted through the API takes effect at the next tick, without a
 * restart. After a stop, only the latest missed run of a schedule fires, if it is at most an
 * hour old (core/schedules/due.ts).
 */
import type { ScheduleRunOutcome } from "../core/schedules/runner.js";
import { dueRun } from "../core/schedules/due.js";
import type { ScheduleStore } from "../core/schedules/store.js";

export interface ScheduleTimerOptions {
  schedules: ScheduleStore;
  /** The runner handler (functions/schedule-runner/handler.ts), as Scheduler invokes it. */
  run: (event: { schedule_id: string; scheduled_time: string }) => Promise<ScheduleRunOutcome>;
  tickMs: number;
  onRun?: (scheduleId: string, outcome: ScheduleRunOutcome) => void;
  onError?: (error: Error) => void;
}

export interface ScheduleTimer {
  /** One look at the table now (the interval calls it; tests too). */
  tick(): Promise<void>;
  stop(): void;
}

export function startScheduleTimer(options: ScheduleTimerOptions): ScheduleTimer {
  let busy: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    const now = new Date();
    let cursor: string | undefined;
    do {
      const page = await options.schedules.list({ limit: 100, cursor });
      for (const schedule of page.items) {
        const due = dueRun(schedule, now);
        if (due === undefined) continue;
        try {
          const outcome = await options.run({ schedule_id: schedule.schedule_id, scheduled_time: due.toISOString() });
          options.onRun?.(schedule.schedule_id, outcome);
        } catch (error) {
          // The next tick tries the same run again (its idempotency key keeps it one task), as Scheduler retries.
          options.onError?.(error as Error);
        }
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  };
  // One tick at a time: a slow table must not stack ticks up.
  const guarded = (): Promise<void> => {
    busy ??= tick()
      .catch((error: Error) => options.onError?.(error))
      .finally(() => {
        busy = undefined;
      });
    return busy;
  };
  const interval = setInterval(guarded, options.tickMs);
  interval.unref();
  return { tick: guarded, stop: () => clearInterval(interval) };
}
