/**
 * Which run of a schedule is due, for a timer that looks now and then (the one-machine
 * stack's, local/scheduleTimer.ts). Runs missed while nothing looked (the stack was down)
 * are not fired in a burst: only the latest, and only if it is at most {@link CATCH_UP_SECS}
 * old, as EventBridge Scheduler drops a run it could not deliver within the retry policy's
 * MaximumEventAgeInSeconds (core/schedules/eventBridge.ts RUN_RETRY_POLICY, the same hour).
 */
import { nextRuns, parseScheduleExpression } from "./expression.js";
import type { Schedule } from "./model.js";

/** The oldest a missed run may be and still be fired (one catch-up run); also Scheduler's MaximumEventAgeInSeconds. */
export const CATCH_UP_SECS = 3600;

/** The most runs looked through: an hour of a per-minute cron, with room. */
const MAX_STEPS = 10_000;

/** The scheduled time of the run to fire now, or undefined when none is due. */
export function dueRun(schedule: Schedule, now: Date, catchUpSecs = CATCH_UP_SECS): Date | undefined {
  if (schedule.state !== "enabled") return undefined;
  const parsed = parseScheduleExpression(schedule.schedule_expression, schedule.timezone);
  const anchor = new Date(schedule.anchor_at);
  // After the last run made, or from the anchor (a rate schedule's first run is the anchor itself).
  const lastRun = schedule.last_scheduled_time === undefined ? undefined : new Date(schedule.last_scheduled_time);
  // Runs older than the catch-up window are dropped anyway: looking from there keeps a long stop cheap.
  const since = new Date(
    Math.max(lastRun?.getTime() ?? 0, anchor.getTime() - 1, now.getTime() - catchUpSecs * 1000 - 1),
  );
  let latest: Date | undefined;
  if (parsed.kind === "rate") {
    const step = parsed.everySecs * 1000;
    const elapsed = now.getTime() - anchor.getTime();
    if (elapsed >= 0) latest = new Date(anchor.getTime() + Math.floor(elapsed / step) * step);
  } else {
    let from = since;
    for (let i = 0; i < MAX_STEPS; i++) {
      const [next] = nextRuns(parsed, from, 1, anchor);
      if (next === undefined || next > now) break;
      latest = next;
      from = next;
    }
  }
  return latest === undefined || latest <= since ? undefined : latest;
}
