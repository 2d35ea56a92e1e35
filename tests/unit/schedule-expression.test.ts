/**
 * Schedule expressions in EventBridge Scheduler's syntax (core/schedules/expression.ts) and
 * which run a timer fires (core/schedules/due.ts): one catch-up run at most, never a burst.
 */
import { describe, expect, it } from "vitest";
import { dueRun } from "../../core/schedules/due.js";
import {
  checkMinimumInterval,
  nextRuns,
  parseScheduleExpression,
  shortestIntervalSecs,
} from "../../core/schedules/expression.js";
import type { Schedule } from "../../core/schedules/model.js";
import { withNextRuns } from "../../core/schedules/service.js";

const NOW = new Date("2026-12-06T04:00:00Z"); // a Sunday

function runs(expression: string, timezone?: string, count = 3): string[] {
  return nextRuns(parseScheduleExpression(expression, timezone), NOW, count, NOW).map((d) => d.toISOString());
}

describe("parseScheduleExpression", () => {
  it("reads AWS cron: six fields, 1 = Sunday, steps from a start, L and #", () => {
    expect(runs("cron(0 8 * * ? *)")).toEqual([
      "2026-12-06T08:00:00.000Z",
      "2026-12-07T08:00:00.000Z",
      "2026-12-08T08:00:00.000Z",
    ]);
    // 2 is Monday in AWS cron (1 = SUN … 7 = SAT), not Tuesday as in Unix cron.
    expect(runs("cron(0 8 ? * 2 *)", undefined, 1)).toEqual(["2026-12-07T08:00:00.000Z"]);
    expect(runs("cron(0/20 * * * ? *)", undefined, 3)).toEqual([
      "2026-12-06T04:20:00.000Z",
      "2026-12-06T04:40:00.000Z",
      "2026-12-06T05:00:00.000Z",
    ]);
    expect(runs("cron(0 8 L * ? *)", undefined, 1)).toEqual(["2026-12-31T08:00:00.000Z"]);
    // The third Friday (6) of the month.
    expect(runs("cron(0 10 ? * 6#3 *)", undefined, 1)).toEqual(["2026-12-18T10:00:00.000Z"]);
    expect(runs("cron(0 8 1 1 ? 2028)", undefined, 1)).toEqual(["2028-01-01T08:00:00.000Z"]);
  });

  it("reads a cron in its time zone", () => {
    expect(runs("cron(0 8 ? * MON-FRI *)", "Asia/Shanghai", 2)).toEqual([
      "2026-12-07T00:00:00.000Z",
      "2026-12-08T00:00:00.000Z",
    ]);
  });

  it("reads rate: a positive value, singular for 1", () => {
    expect(parseScheduleExpression("rate(1 day)")).toMatchObject({ kind: "rate", everySecs: 86_400 });
    expect(parseScheduleExpression("rate(12 hours)")).toMatchObject({ kind: "rate", everySecs: 43_200 });
    expect(shortestIntervalSecs(parseScheduleExpression("rate(5 minutes)"), NOW)).toBe(300);
  });

  it.each([
    ["daily", /^schedule_expression: must be "rate\(value unit\)" or "cron/],
    ["at(2027-01-01T00:00:00)", /one-time at\(\.\.\.\) schedules are not supported/],
    ["rate(1 week)", /rate unit must be minute\(s\), hour\(s\) or day\(s\)/],
    ["rate(0 minutes)", /positive integer/],
    ["rate(1 days)", /singular for 1/],
    ["rate(2 day)", /plural above/],
    ["cron(0 8 * * *)", /six fields/],
    ["cron(0 8 * * * *)", /\? in exactly one of day-of-month and day-of-week/],
    ["cron(0 8 ? * ? *)", /\? in exactly one/],
    ["cron(61 8 * * ? *)", /cron\(\.\.\.\) is not valid/],
    ["cron(0 8 * * ? 2200)", /year must be 1970–2199/],
    ["cron(0 8 * * ? 2001)", /never runs again/],
  ])("refuses %s naming schedule_expression", (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(message);
    expect(() => parseScheduleExpression(expression)).toThrow(/^schedule_expression: /);
  });

  it("refuses an unknown time zone naming timezone", () => {
    expect(() => parseScheduleExpression("rate(1 day)", "Mars/Olympus")).toThrow(/^timezone: /);
  });

  it("refuses runs closer than the minimum interval", () => {
    expect(() => checkMinimumInterval(parseScheduleExpression("rate(30 minutes)"), 3600, NOW)).toThrow(
      /runs every 1800 s at its shortest/,
    );
    expect(() => checkMinimumInterval(parseScheduleExpression("cron(0/30 * * * ? *)"), 3600, NOW)).toThrow(
      /runs every 1800 s/,
    );
    expect(() => checkMinimumInterval(parseScheduleExpression("cron(0 * * * ? *)"), 3600, NOW)).not.toThrow();
  });
});

function schedule(overrides: Partial<Schedule>): Schedule {
  return {
    schedule_id: "01M94RV3YZKHVV39MKKXVC2TBH",
    schedule_expression: "rate(1 hour)",
    task: {},
    since_last_run: false,
    state: "enabled",
    created_at: "2026-12-06T00:00:00.000Z",
    updated_at: "2026-12-06T00:00:00.000Z",
    anchor_at: "2026-12-06T00:00:00.000Z",
    run_count: 0,
    recent_runs: [],
    ...overrides,
  };
}

describe("withNextRuns", () => {
  it("shows a new rate schedule's first run (its anchor) until it has run, then the following ones", () => {
    const fresh = schedule({ anchor_at: "2026-12-06T00:00:00.000Z" });
    expect(withNextRuns(fresh, new Date("2026-12-06T00:00:05Z")).next_runs).toEqual([
      "2026-12-06T00:00:00.000Z",
      "2026-12-06T01:00:00.000Z",
      "2026-12-06T02:00:00.000Z",
    ]);
    const ran = schedule({ last_scheduled_time: "2026-12-06T00:00:00.000Z" });
    expect(withNextRuns(ran, new Date("2026-12-06T00:00:05Z")).next_runs[0]).toBe("2026-12-06T01:00:00.000Z");
    // Stopped for a day: the runs dropped past the catch-up window are not shown as due.
    expect(withNextRuns(ran, new Date("2026-12-07T00:30:00Z")).next_runs[0]).toBe("2026-12-07T01:00:00.000Z");
    expect(withNextRuns(schedule({ state: "paused" }), new Date("2026-12-06T00:00:05Z")).next_runs).toEqual([]);
  });
});

describe("dueRun", () => {
  it("fires a rate schedule at its anchor, then every interval", () => {
    const s = schedule({});
    expect(dueRun(s, new Date("2026-12-06T00:00:05Z"))?.toISOString()).toBe("2026-12-06T00:00:00.000Z");
    const ran = schedule({ last_scheduled_time: "2026-12-06T00:00:00.000Z" });
    expect(dueRun(ran, new Date("2026-12-06T00:59:59Z"))).toBeUndefined();
    expect(dueRun(ran, new Date("2026-12-06T01:00:10Z"))?.toISOString()).toBe("2026-12-06T01:00:00.000Z");
  });

  it("after a stop, fires only the latest missed run, and only within the hour", () => {
    const cron = schedule({ schedule_expression: "cron(0/15 * * * ? *)", last_scheduled_time: "2026-12-06T00:00:00Z" });
    // Down from 00:00 to 02:20: eight runs missed; one fires, the 02:15 one.
    expect(dueRun(cron, new Date("2026-12-06T02:20:00Z"))?.toISOString()).toBe("2026-12-06T02:15:00.000Z");
    // Down for days on a daily schedule: its last run is 20 h old, past the hour: none.
    const daily = schedule({ schedule_expression: "cron(0 8 * * ? *)", last_scheduled_time: "2026-12-01T08:00:00Z" });
    expect(dueRun(daily, new Date("2026-12-07T04:00:00Z"))).toBeUndefined();
    expect(dueRun(daily, new Date("2026-12-07T08:40:00Z"))?.toISOString()).toBe("2026-12-07T08:00:00.000Z");
  });

  it("fires nothing while paused, and nothing missed while paused after a resume", () => {
    expect(dueRun(schedule({ state: "paused" }), new Date("2026-12-06T00:00:05Z"))).toBeUndefined();
    const resumed = schedule({
      schedule_expression: "cron(0 * * * ? *)",
      anchor_at: "2026-12-06T05:30:00.000Z",
      last_scheduled_time: "2026-12-06T01:00:00.000Z",
    });
    expect(dueRun(resumed, new Date("2026-12-06T05:40:00Z"))).toBeUndefined();
    expect(dueRun(resumed, new Date("2026-12-06T06:00:30Z"))?.toISOString()).toBe("2026-12-06T06:00:00.000Z");
  });
});
