/**
 * Schedule expressions in EventBridge Scheduler's syntax, checked here so the API refuses
 * what Scheduler would refuse, and so the one-machine stack fires at the same times:
 *
 * - `rate(value unit)`: value a positive integer, unit minute(s) | hour(s) | day(s).
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields; one of
 *   day-of-month and day-of-week must be `?`; day-of-week 1–7 is SUN–SAT; L, W and # allowed.
 *
 * Source: "Schedule types in EventBridge Scheduler"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html) and the
 * ScheduleExpression member of CreateSchedule
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
 * One-time `at(...)` schedules are refused: a schedule here is recurring.
 *
 * croner computes the next times: its 7-part mode (seconds … year) with Quartz weekdays
 * (1 = Sunday, as AWS counts) takes an AWS cron once a 0 seconds field is put in front.
 */
import { Cron } from "croner";
import { ValidationError } from "../errors.js";

export type ScheduleExpression =
  | { kind: "rate"; expression: string; everySecs: number }
  | { kind: "cron"; expression: string; cron: Cron };

const RATE_UNITS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86_400,
  days: 86_400,
};

/** Years AWS cron accepts in the year field (the EventBridge cron reference). */
const CRON_YEARS = { min: 1970, max: 2199 } as const;

const FIELD = "schedule_expression";

function refuse(message: string): never {
  throw new ValidationError(`${FIELD}: ${message}`, FIELD);
}

/** An IANA time zone name Intl knows, e.g. "Asia/Shanghai"; undefined: UTC. */
export function checkTimezone(timezone: string | undefined): void {
  if (timezone === undefined) return;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new ValidationError(`timezone: ${JSON.stringify(timezone)} is not an IANA time zone name`, "timezone");
  }
}

/** Parses and checks `expression`; a 400 naming `schedule_expression` when it is not one Scheduler takes. */
export function parseScheduleExpression(expression: string, timezone?: string): ScheduleExpression {
  checkTimezone(timezone);
  const text = expression.trim();
  if (text.startsWith("at(")) refuse("one-time at(...) schedules are not supported; use rate(...) or cron(...)");
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) return parseRate(text, rate[1] ?? "");
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return parseCron(text, cron[1] ?? "", timezone);
  return refuse('must be "rate(value unit)" or "cron(minutes hours day-of-month month day-of-week year)"');
}

function parseRate(expression: string, inner: string): ScheduleExpression {
  const match = /^(\d+) ([a-z]+)$/.exec(inner.trim());
  if (!match) refuse('rate(...) must be "rate(value unit)", e.g. rate(1 day)');
  const value = Number(match[1]);
  const unit = match[2] ?? "";
  const unitSecs = RATE_UNITS[unit];
  if (unitSecs === undefined) refuse(`rate unit must be minute(s), hour(s) or day(s), got "${unit}"`);
  if (!Number.isSafeInteger(value) || value < 1) refuse("rate value must be a positive integer");
  // ASSUMPTION: Scheduler's guide shows rate(1 day) / rate(5 minutes) but does not say it
  // refuses "1 days"; EventBridge rules do (singular for 1, plural above). Refused here alike.
  if ((value === 1) !== !unit.endsWith("s"))
    refuse(`rate unit must be singular for 1 and plural above, got "${inner}"`);
  return { kind: "rate", expression, everySecs: value * unitSecs };
}

function parseCron(expression: string, inner: string, timezone: string | undefined): ScheduleExpression {
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6)
    refuse(`cron(...) needs six fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [, , dayOfMonth, , dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === "?") === (dayOfWeek === "?"))
    refuse("cron(...) needs ? in exactly one of day-of-month and day-of-week");
  for (const value of year.match(/\d{4,}/g) ?? []) {
    const n = Number(value);
    if (n < CRON_YEARS.min || n > CRON_YEARS.max) refuse(`cron year must be ${CRON_YEARS.min}–${CRON_YEARS.max}`);
  }
  let cron: Cron;
  try {
    // croner reads "?" as "*"; with one of the two day fields "?", AND and OR agree.
    cron = new Cron(`0 ${fields.join(" ")}`, {
      mode: "7-part",
      alternativeWeekdays: true,
      // AWS writes steps as "0/15" (from minute 0, every 15), which croner calls sloppy.
      sloppyRanges: true,
      ...(timezone === undefined ? { timezone: "UTC" } : { timezone }),
      paused: true,
    });
  } catch (error) {
    return refuse(`cron(...) is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cron.nextRun() === null) refuse("cron(...) never runs again");
  return { kind: "cron", expression, cron };
}

/**
 * The next `count` run times after `after`. A rate schedule counts from `anchor` (when it
 * was created or resumed): Scheduler starts a rate schedule without a StartDate at once and
 * then every interval (schedule-types.html, "Rate-based schedules").
 */
export function nextRuns(parsed: ScheduleExpression, after: Date, count: number, anchor: Date): Date[] {
  const runs: Date[] = [];
  if (parsed.kind === "rate") {
    const step = parsed.everySecs * 1000;
    const elapsed = after.getTime() - anchor.getTime();
    let next = elapsed < 0 ? anchor.getTime() : anchor.getTime() + (Math.floor(elapsed / step) + 1) * step;
    while (runs.length < count) {
      runs.push(new Date(next));
      next += step;
    }
    return runs;
  }
  let from = after;
  while (runs.length < count) {
    const next = parsed.cron.nextRun(from);
    if (next === null) break;
    runs.push(next);
    from = next;
  }
  return runs;
}

/**
 * The shortest gap between runs, in seconds: a rate's interval, or the least gap between the
 * next 50 runs of a cron (enough to see a per-minute or per-hour pattern).
 */
export function shortestIntervalSecs(parsed: ScheduleExpression, now: Date): number {
  if (parsed.kind === "rate") return parsed.everySecs;
  const runs = nextRuns(parsed, now, 50, now);
  let least = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) {
    least = Math.min(least, ((runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime()) / 1000);
  }
  return least;
}

/** Refuses an expression that would run more often than every `minSecs` seconds. */
export function checkMinimumInterval(parsed: ScheduleExpression, minSecs: number, now = new Date()): void {
  const shortest = shortestIntervalSecs(parsed, now);
  if (shortest < minSecs)
    refuse(`runs every ${shortest} s at its shortest; this service allows at most one run every ${minSecs} s`);
}
