/**
 * Names for the document's types (src/openapi.ts is generated from it: see scripts/sdk-types.ts).
 * Nothing here is written by hand but the names, so a field added to the API shows up here
 * once the types are regenerated.
 */
import type { components, operations } from "./openapi.js";

type Schemas = components["schemas"];

/** The envelope's `data` of an operation's answer with this status. */
type DataOf<
  Op extends keyof operations,
  Status extends keyof operations[Op]["responses"],
> = operations[Op]["responses"][Status] extends {
  content: { "application/json": { data: infer Data } };
}
  ? Data
  : never;

type BodyOf<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;

export type Task = Schemas["Task"];
export type TaskStatus = Task["status"];
export type Platform = Task["platform"];
export type TaskProgress = Task["progress"];
/** What POST /api/v1/tasks takes: one of the platforms' inputs, told apart by `platform`. */
export type TaskInput = Schemas["TaskInput"];
export type WebTaskInput = Schemas["WebTaskInput"];
/** One result row: task_id, item_key, ok, then the platform's own fields. */
export type ResultItem = Schemas["ResultItem"];
export type Account = Schemas["Account"];
export type AccountInput = BodyOf<"createAccount">;
export type AccountActivation = NonNullable<BodyOf<"activateAccount">>;
/** A sign-in by QR code: its state, the QR code (a PNG data URL) and, when done, the account. */
export type LoginSession = Schemas["LoginSession"];
/** What POST /api/v1/accounts/login takes: the platform, and an expired account to sign in again. */
export type AccountLoginInput = BodyOf<"startAccountLogin">;
export type ListTasksQuery = QueryOf<"listTasks">;
/** What POST /api/v1/scrape takes: up to 10 URLs, the web page options and `timeout_ms`. */
export type ScrapeInput = Schemas["ScrapeInput"];
/** POST /api/v1/scrape's answer when the task ended within the wait (200). */
export type ScrapeEnded = DataOf<"scrape", 200>;
/** POST /api/v1/scrape's answer when it had not (202): the task, and where to poll it. */
export type ScrapePending = DataOf<"scrape", 202>;
export type ListAccountsQuery = QueryOf<"listAccounts">;
/** A recurring crawl: a create-task body run on a cron or rate expression, with its next and recent runs. */
export type Schedule = Schemas["Schedule"];
/** What POST /api/v1/schedules takes: `schedule_expression`, `timezone`, `name`, `task`, … */
export type ScheduleInput = BodyOf<"createSchedule">;
export type ListSchedulesQuery = QueryOf<"listSchedules">;
/** What DELETE /api/v1/schedules/{schedule_id} answers. */
export type DeletedSchedule = DataOf<"deleteSchedule", 200>;
/** What DELETE /api/v1/tasks/{task_id} answers. */
export type DeletedTask = DataOf<"deleteTask", 200>;
export type DeletedAccount = DataOf<"deleteAccount", 200>;

/** A page of a list: pass `next_cursor` back as `cursor` for the next one; null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Formats of a results export: the pages' bodies, concatenated, are one file. */
export type ExportFormat = "csv" | "jsonl" | "json";

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];
