/**
 * The create-schedule body. Browser-safe (zod only), so the dashboard's form checks the same
 * shape; the expression itself is checked by ./expression.ts (croner) in ScheduleService, and
 * the task template by the task service exactly as POST /api/v1/tasks checks a body.
 */
import * as z from "zod";

export const scheduleBodySchema = z.strictObject({
  name: z
    .string({ error: "must be a string" })
    .min(1, { error: "must not be empty" })
    .max(200, { error: "must be at most 200 characters" })
    .optional()
    .meta({ description: "Your name for the schedule", examples: ["daily xhs search: coffee"] }),
  schedule_expression: z
    .string({ error: "must be a string" })
    .max(256, { error: "must be at most 256 characters" })
    .meta({
      description:
        "EventBridge Scheduler syntax: rate(value unit) with unit minute(s), hour(s) or day(s), or cron(minutes hours day-of-month month day-of-week year) with ? in one of the day fields. At least SCHEDULE_MIN_INTERVAL_SECS between runs",
      examples: ["cron(0 8 * * ? *)", "rate(1 day)"],
    }),
  timezone: z
    .string({ error: "must be a string" })
    .max(64, { error: "must be at most 64 characters" })
    .optional()
    .meta({ description: "IANA time zone the cron expression is read in; default UTC", examples: ["Asia/Shanghai"] }),
  task: z
    .record(z.string(), z.unknown(), { error: "must be an object: a create-task body (POST /api/v1/tasks)" })
    .meta({
      description: "The create-task body each run creates a task from, checked as POST /api/v1/tasks checks it",
    }),
  since_last_run: z.boolean({ error: "must be true or false" }).default(false).meta({
    description:
      "Each run stores only items new or changed since the schedule's earlier runs (counters and crawl times left out of the comparison), and stops paging a newest-first listing (creator posts; search sorted by time) at items they stored. See docs/schedules.md#since_last_run",
  }),
  paused: z.boolean({ error: "must be true or false" }).default(false).meta({
    description: "Create the schedule paused",
  }),
});

export type ScheduleBody = z.output<typeof scheduleBodySchema>;
