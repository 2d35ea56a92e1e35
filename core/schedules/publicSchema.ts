/** The zod shape of a schedule as the API answers it (core/schedules/model.ts PublicSchedule), for the OpenAPI document. */
import * as z from "zod";
import { SCHEDULE_STATES, type PublicSchedule } from "./model.js";

const timestamp = z.iso.datetime();

export const publicScheduleSchema = z
  .object({
    schedule_id: z.string().meta({ description: "A ULID; also the name of its EventBridge Scheduler schedule on AWS" }),
    name: z.string().optional(),
    schedule_expression: z.string().meta({ examples: ["cron(0 8 * * ? *)", "rate(1 day)"] }),
    timezone: z.string().optional().meta({ description: "IANA name; absent: UTC" }),
    task: z.record(z.string(), z.unknown()).meta({ description: "The create-task body each run creates a task from" }),
    since_last_run: z.boolean(),
    state: z.enum(SCHEDULE_STATES),
    created_at: timestamp,
    updated_at: timestamp,
    anchor_at: timestamp.meta({
      description:
        "When the schedule was created or last resumed: a rate schedule runs first then, then every interval",
    }),
    last_scheduled_time: timestamp.optional().meta({ description: "The latest run's scheduled time" }),
    run_count: z.int().min(0).meta({ description: "How many runs made a task so far" }),
    recent_runs: z
      .array(z.object({ task_id: z.string(), scheduled_time: timestamp }))
      .meta({ description: "The newest runs first, at most 20; all of them: GET /api/v1/tasks?schedule_id=…" }),
    next_runs: z.array(timestamp).meta({ description: "The next three run times; empty while paused" }),
  })
  .meta({ description: "A schedule: a create-task body run on a cron or rate expression" });

// Fails to compile when the interface and the schema disagree on a field.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
const _keysMatch: SameKeys<PublicSchedule, z.output<typeof publicScheduleSchema>> = true;
void _keysMatch;
