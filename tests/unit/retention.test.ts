/** RESULT_RETENTION_DAYS as read by the functions, infra/ and the one-machine stack, and the TTLs made from it. */
import { describe, expect, it } from "vitest";
import { loadConfig, resultRetentionDaysOf } from "../../core/config.js";
import { expiryEpochSecs } from "../../core/tasks/retention.js";
import { loadStackConfig, StackConfigError } from "../../local/config.js";

describe("RESULT_RETENTION_DAYS", () => {
  it("is 0 (keep for good) when unset or empty, else whole days up to 3650", () => {
    expect(resultRetentionDaysOf({})).toBe(0);
    expect(resultRetentionDaysOf({ RESULT_RETENTION_DAYS: " " })).toBe(0);
    expect(resultRetentionDaysOf({ RESULT_RETENTION_DAYS: "30" })).toBe(30);
    expect(resultRetentionDaysOf({ RESULT_RETENTION_DAYS: "3650" })).toBe(3650);
    expect(loadConfig({ RESULT_RETENTION_DAYS: "7" }).resultRetentionDays).toBe(7);
  });

  it.each(["-1", "1.5", "3651", "30d", "forever"])(
    "refuses %s: deleting data on a mistyped value is worse than not starting",
    (raw) => {
      expect(() => resultRetentionDaysOf({ RESULT_RETENTION_DAYS: raw })).toThrow(
        `RESULT_RETENTION_DAYS must be a whole number of days from 0 (keep for good) to 3650, got "${raw}"`,
      );
      expect(() => loadStackConfig({ RESULT_RETENTION_DAYS: raw }, "/srv/app")).toThrow(StackConfigError);
    },
  );
});

describe("expiryEpochSecs", () => {
  it("is whole epoch seconds: the start, the extra seconds and the days", () => {
    const start = Date.parse("2026-12-01T10:00:00.900Z");
    expect(expiryEpochSecs(30, start)).toBe(Date.parse("2026-12-31T10:00:00Z") / 1000);
    expect(expiryEpochSecs(1, start, 3600)).toBe(Date.parse("2026-12-02T11:00:00Z") / 1000);
  });
});
