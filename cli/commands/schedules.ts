/** `schedules create|list|get|pause|resume|delete`: recurring crawls (docs/schedules.md). */
import type { PublicSchedule } from "../../core/schedules/model.js";
import type { Page } from "../../core/tasks/store.js";
import { flag, integerOption, stringValue } from "../args.js";
import type { Command, CommandGroup } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { readSource } from "../input.js";
import { buildTaskBody, CREATE_OPTIONS, parseBodyText } from "../taskBody.js";
import { shortTime } from "../views.js";

const { "idempotency-key": _key, ...taskOptions } = CREATE_OPTIONS;

const SCHEDULE_COLUMNS = ["SCHEDULE_ID", "STATE", "EXPRESSION", "TZ", "PLATFORM", "RUNS", "NEXT_RUN", "NAME"] as const;

function scheduleRow(schedule: PublicSchedule): string[] {
  return [
    schedule.schedule_id,
    schedule.state,
    schedule.schedule_expression,
    schedule.timezone ?? "UTC",
    `${String(schedule.task.platform)}/${String(schedule.task.crawler_type)}`,
    String(schedule.run_count),
    schedule.next_runs[0] ? shortTime(schedule.next_runs[0]) : "-",
    schedule.name ?? "",
  ];
}

function printSchedule(schedule: PublicSchedule, out: Parameters<Command["run"]>[0]["out"]): void {
  if (out.json) return out.printJson(schedule);
  out.table(SCHEDULE_COLUMNS, [scheduleRow(schedule)]);
  if (schedule.next_runs.length > 0) out.line(`next runs: ${schedule.next_runs.map(shortTime).join(", ")}`);
  for (const run of schedule.recent_runs) out.line(`run ${shortTime(run.scheduled_time)}  task ${run.task_id}`);
}

export const createScheduleCommand: Command = {
  name: "create",
  summary: "create a schedule: a task body run on a cron or rate expression; prints its id",
  usage: "--expression EXPR [--timezone TZ] [--name TEXT] --platform P --type T [fields…]",
  options: {
    expression: {
      type: "string",
      value: "EXPR",
      description: 'schedule_expression: "cron(0 8 * * ? *)" or "rate(1 day)" (EventBridge Scheduler syntax)',
    },
    timezone: { type: "string", value: "TZ", description: "timezone the cron is read in, e.g. Asia/Shanghai (UTC)" },
    name: { type: "string", value: "TEXT", description: "your name for the schedule" },
    paused: { type: "boolean", description: "create it paused" },
    ...taskOptions,
  },
  details: [
    "The task fields are those of `tasks create`; the API checks them as POST /api/v1/tasks does.",
    "Examples:",
    '  crawl-tasks schedules create --expression "cron(0 8 * * ? *)" --timezone Asia/Shanghai \\',
    "      --platform xhs --type search --keyword coffee",
    '  crawl-tasks schedules create --expression "rate(1 day)" --body task.json',
  ].join("\n"),
  async run({ values, client, out, stdin }) {
    const expression = stringValue(values, "expression");
    if (expression === undefined) throw new UsageError('--expression: is required, e.g. "rate(1 day)"');
    const bodySource = stringValue(values, "body");
    const base =
      bodySource === undefined
        ? {}
        : parseBodyText(await readSource("body", bodySource, stdin), bodySource === "-" ? "stdin" : bodySource);
    const timezone = stringValue(values, "timezone");
    const name = stringValue(values, "name");
    const { data } = await client().request<PublicSchedule>("POST", "/api/v1/schedules", {
      body: {
        schedule_expression: expression,
        ...(timezone === undefined ? {} : { timezone }),
        ...(name === undefined ? {} : { name }),
        ...(flag(values, "paused") ? { paused: true } : {}),
        task: buildTaskBody(values, base),
      },
    });
    if (out.json) out.printJson(data);
    else out.line(data.schedule_id);
    return EXIT.ok;
  },
};

export const listSchedulesCommand: Command = {
  name: "list",
  summary: "list schedules, newest first",
  usage: "[--limit N] [--cursor C]",
  options: {
    limit: { type: "string", value: "N", description: "schedules per page (1-100, default 20)" },
    cursor: { type: "string", value: "C", description: "next_cursor of the previous page" },
  },
  async run({ values, client, out }) {
    const limit = integerOption(values, "limit");
    const { data } = await client().request<Page<PublicSchedule>>("GET", "/api/v1/schedules", {
      query: { limit: limit === undefined ? undefined : String(limit), cursor: stringValue(values, "cursor") },
    });
    if (out.json) out.printJson(data);
    else if (data.items.length === 0) out.note("no schedules");
    else out.table(SCHEDULE_COLUMNS, data.items.map(scheduleRow));
    if (!out.json && data.next_cursor) out.note(`more: --cursor ${data.next_cursor}`);
    return EXIT.ok;
  },
};

function byId(
  name: string,
  summary: string,
  method: "GET" | "POST" | "DELETE",
  suffix: string,
  done?: string,
): Command {
  return {
    name,
    summary,
    usage: "<SCHEDULE_ID>",
    options: {},
    args: { names: ["SCHEDULE_ID"] },
    async run({ args, client, out }) {
      const path = `/api/v1/schedules/${encodeURIComponent(args[0]!)}${suffix}`;
      const { data } = await client().request<PublicSchedule>(method, path);
      if (done !== undefined && !out.json) out.line(`${data.schedule_id} ${done}`);
      else printSchedule(data, out);
      return EXIT.ok;
    },
  };
}

export const schedulesGroup: CommandGroup = {
  name: "schedules",
  summary: "Schedules (recurring crawls)",
  commands: [
    createScheduleCommand,
    listSchedulesCommand,
    byId("get", "show a schedule, its next runs and its recent runs' tasks", "GET", ""),
    byId("pause", "pause a schedule", "POST", "/pause"),
    byId("resume", "resume a paused schedule from now", "POST", "/resume"),
    byId("delete", "delete a schedule (its tasks stay)", "DELETE", "", "deleted"),
  ],
};
