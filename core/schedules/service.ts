import { monotonicFactory } from "ulid";
import * as z from "zod";
import { NotFoundError, ValidationError } from "../errors.js";
import { parseOrThrow, queryIntegerIn } from "../validation.js";
import { CATCH_UP_SECS } from "./due.js";
import { checkMinimumInterval, nextRuns, parseScheduleExpression } from "./expression.js";
import type { PublicSchedule, Schedule, ScheduleState } from "./model.js";
import { scheduleBodySchema } from "./schema.js";
import type { ScheduleStore } from "./store.js";
import type { ScheduleTrigger } from "./trigger.js";
import { TASK_ID_PATTERN } from "../tasks/model.js";
import type { Page } from "../tasks/store.js";

/** Checks a create-task body exactly as POST /api/v1/tasks does, storing nothing (TaskService.check). */
export interface TaskBodyCheck {
  check(body: unknown): void;
}

export interface ScheduleServiceDeps {
  schedules: ScheduleStore;
  trigger: ScheduleTrigger;
  tasks: TaskBodyCheck;
}

export interface ScheduleServiceOptions {
  /** SCHEDULE_MIN_INTERVAL_SECS */
  minIntervalSecs: number;
}

const listQuerySchema = z.strictObject({
  limit: queryIntegerIn(1, 100).default(20),
  cursor: z.string().max(2048, { error: "must be at most 2048 characters" }).optional(),
});

/** How many next run times a schedule shows. */
const NEXT_RUNS_SHOWN = 3;

const newScheduleId = monotonicFactory();

/**
 * Schedules: validated here, stored in the table (the store of record), then given their
 * trigger. Every change leaves the two agreeing: a trigger that cannot be created removes the
 * row again, and a pause or resume the trigger refuses puts the row back as it was.
 */
export class ScheduleService {
  constructor(
    private readonly deps: ScheduleServiceDeps,
    private readonly options: ScheduleServiceOptions,
  ) {}

  async create(body: unknown): Promise<PublicSchedule> {
    const parsed = parseOrThrow(scheduleBodySchema, body);
    const expression = parseScheduleExpression(parsed.schedule_expression, parsed.timezone);
    checkMinimumInterval(expression, this.options.minIntervalSecs);
    checkTemplate(parsed.task);
    checkAsTask(this.deps.tasks, parsed.task);
    const now = new Date().toISOString();
    const schedule: Schedule = {
      schedule_id: newScheduleId(),
      ...(parsed.name === undefined ? {} : { name: parsed.name }),
      schedule_expression: parsed.schedule_expression.trim(),
      ...(parsed.timezone === undefined ? {} : { timezone: parsed.timezone }),
      task: parsed.task,
      since_last_run: parsed.since_last_run,
      state: parsed.paused ? "paused" : "enabled",
      created_at: now,
      updated_at: now,
      anchor_at: now,
      run_count: 0,
      recent_runs: [],
    };
    await this.deps.schedules.create(schedule);
    try {
      await this.deps.trigger.create(schedule);
    } catch (error) {
      await this.deps.schedules.delete(schedule.schedule_id);
      throw error;
    }
    return withNextRuns(schedule);
  }

  async get(scheduleId: string): Promise<PublicSchedule> {
    return withNextRuns(await this.find(scheduleId));
  }

  async list(query: Record<string, string | undefined>): Promise<Page<PublicSchedule>> {
    const parsed = parseOrThrow(listQuerySchema, query);
    const page = await this.deps.schedules.list(parsed);
    return { items: page.items.map((schedule) => withNextRuns(schedule)), next_cursor: page.next_cursor };
  }

  pause(scheduleId: string): Promise<PublicSchedule> {
    return this.setState(scheduleId, "paused");
  }

  /** Resumes from now: runs missed while paused are not made up (a rate schedule starts again at once). */
  resume(scheduleId: string): Promise<PublicSchedule> {
    return this.setState(scheduleId, "enabled");
  }

  /** Removes the trigger, then the row: a delete cut short leaves the row, and deleting again finishes. */
  async delete(scheduleId: string): Promise<{ schedule_id: string }> {
    const schedule = await this.find(scheduleId);
    await this.deps.trigger.delete(schedule.schedule_id);
    await this.deps.schedules.delete(schedule.schedule_id);
    return { schedule_id: schedule.schedule_id };
  }

  private async setState(scheduleId: string, state: ScheduleState): Promise<PublicSchedule> {
    const before = await this.find(scheduleId);
    if (before.state === state) return withNextRuns(before);
    const anchor = state === "enabled" ? new Date().toISOString() : undefined;
    const updated = await this.deps.schedules.setState(before.schedule_id, state, anchor);
    if (updated === undefined) throw notFound(scheduleId);
    try {
      await this.deps.trigger.update(updated);
    } catch (error) {
      await this.deps.schedules.setState(before.schedule_id, before.state, before.anchor_at);
      throw error;
    }
    return withNextRuns(updated);
  }

  private async find(scheduleId: string): Promise<Schedule> {
    const schedule = TASK_ID_PATTERN.test(scheduleId) ? await this.deps.schedules.get(scheduleId) : undefined;
    if (schedule === undefined) throw notFound(scheduleId);
    return schedule;
  }
}

function notFound(scheduleId: string): NotFoundError {
  return new NotFoundError(`schedule_id: schedule ${JSON.stringify(scheduleId.slice(0, 64))} not found`);
}

/**
 * What a template may not hold: a proxy's password (a task seals it with the accounts key,
 * a schedule would keep it in its row as given), and a body too large for its row.
 */
function checkTemplate(task: Record<string, unknown>): void {
  const proxy = task.proxy;
  if (typeof proxy === "string" && /\/\/[^/@]*:[^/@]*@/.test(proxy))
    throw new ValidationError(
      "task.proxy: a schedule does not store proxy credentials; use PROXY_POOL, or a proxy without a password",
      "task.proxy",
    );
  if (new TextEncoder().encode(JSON.stringify(task)).byteLength > 65_536)
    throw new ValidationError("task: must be at most 65536 bytes as JSON", "task");
}

/** The template's problems, named under `task.` ("task.keywords: …") so the caller sees where they are. */
function checkAsTask(tasks: TaskBodyCheck, template: Record<string, unknown>): void {
  try {
    tasks.check(template);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const problems = error.problems.map(({ field, message }) => ({
      field: `task.${field}`,
      message: message.startsWith(`${field}:`) ? `task.${message}` : `task.${field}: ${message}`,
    }));
    const [first, ...rest] = problems;
    throw first === undefined ? error : ValidationError.of([first, ...rest]);
  }
}

/** The schedule with its next run times (none while paused). */
export function withNextRuns(schedule: Schedule, now = new Date()): PublicSchedule {
  if (schedule.state !== "enabled") return { ...schedule, next_runs: [] };
  const expression = parseScheduleExpression(schedule.schedule_expression, schedule.timezone);
  const anchor = new Date(schedule.anchor_at);
  // From the last run made (or the anchor: a new rate schedule's first run is its anchor), so a
  // run due but not yet fired shows first; runs past the catch-up window are never fired (./due.ts).
  const from = Math.max(
    schedule.last_scheduled_time === undefined ? 0 : new Date(schedule.last_scheduled_time).getTime(),
    anchor.getTime() - 1,
  );
  const after = new Date(now.getTime() - from > CATCH_UP_SECS * 1000 ? now.getTime() : from);
  const runs = nextRuns(expression, after, NEXT_RUNS_SHOWN, anchor);
  return { ...schedule, next_runs: runs.map((run) => run.toISOString()) };
}

export { listQuerySchema as scheduleListQuerySchema };
