/**
 * One run of a schedule: the task it creates. EventBridge Scheduler invokes the runner
 * function with this event on AWS (functions/schedule-runner), the one-machine stack's timer
 * calls the same handler (local/scheduleTimer.ts).
 *
 * Scheduler delivers at least once ("Scheduler ... invokes the target at least once",
 * UserGuide/managing-schedule-retry-policy), so the task is created with an Idempotency-Key
 * made of the schedule id and the run's scheduled time: every delivery of one run makes the
 * same single task.
 */
import * as z from "zod";
import type { PublicTask, TaskOrigin } from "../tasks/model.js";
import type { ScheduleStore } from "./store.js";

/** What the runner is invoked with: the target Input of ./eventBridge.ts, its placeholder filled in. */
export const scheduleRunEventSchema = z.object({
  schedule_id: z.string().min(1).max(64),
  scheduled_time: z.iso.datetime({ offset: true }),
});
export type ScheduleRunEvent = z.output<typeof scheduleRunEventSchema>;

/** The task service's create, as the runner uses it. */
export interface TaskCreator {
  create(
    body: unknown,
    options: {
      idempotencyKey: string;
      origin: TaskOrigin;
      schedule: { schedule_id: string; since_last_run: boolean };
    },
  ): Promise<{ task: PublicTask; created: boolean }>;
}

export type ScheduleRunOutcome =
  | { outcome: "created" | "repeated"; task_id: string }
  | { outcome: "skipped"; reason: "schedule_not_found" | "schedule_paused" };

/** The Idempotency-Key of one run: the same for every delivery of it. */
export function runIdempotencyKey(scheduleId: string, scheduledTime: string): string {
  return `schedule:${scheduleId}:${new Date(scheduledTime).toISOString()}`;
}

export class ScheduleRunner {
  constructor(private readonly deps: { schedules: ScheduleStore; tasks: TaskCreator }) {}

  /** @throws {z.ZodError} for an event that is not a run event (a wrong target Input: a deployment bug). */
  async run(event: unknown): Promise<ScheduleRunOutcome> {
    const { schedule_id, scheduled_time } = scheduleRunEventSchema.parse(event);
    const schedule = await this.deps.schedules.get(schedule_id);
    // A run already on its way when the schedule was deleted or paused makes nothing.
    if (schedule === undefined) return { outcome: "skipped", reason: "schedule_not_found" };
    if (schedule.state !== "enabled") return { outcome: "skipped", reason: "schedule_paused" };
    const { task, created } = await this.deps.tasks.create(schedule.task, {
      idempotencyKey: runIdempotencyKey(schedule_id, scheduled_time),
      origin: "schedule",
      schedule: { schedule_id, since_last_run: schedule.since_last_run },
    });
    await this.deps.schedules.recordRun(schedule_id, {
      task_id: task.task_id,
      scheduled_time: new Date(scheduled_time).toISOString(),
    });
    return { outcome: created ? "created" : "repeated", task_id: task.task_id };
  }
}
