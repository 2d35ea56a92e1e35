/**
 * A schedule: a create-task body run again on a cron or rate expression. Stored in the
 * schedules table (the store of record); on AWS an EventBridge Scheduler schedule of the same
 * name fires it, in the one-machine stack a timer does (local/scheduleTimer.ts).
 */

export const SCHEDULE_STATES = ["enabled", "paused"] as const;
export type ScheduleState = (typeof SCHEDULE_STATES)[number];

/** How many recent runs a schedule keeps on its item (older ones: GET /api/v1/tasks?schedule_id=…). */
export const RECENT_RUNS_KEPT = 20;

export interface ScheduleRun {
  task_id: string;
  /** The time the run was due (Scheduler's `<aws.scheduler.scheduled-time>`), not when it ran. */
  scheduled_time: string;
}

export interface Schedule {
  /** A ULID; also the EventBridge Scheduler schedule's name. */
  schedule_id: string;
  name?: string;
  /** `cron(…)` or `rate(…)`, EventBridge Scheduler syntax (./expression.ts). */
  schedule_expression: string;
  /** IANA name; absent: UTC. */
  timezone?: string;
  /** The create-task body each run creates a task from, as given (validated as POST /api/v1/tasks validates). */
  task: Record<string, unknown>;
  /** Each run stores only what is new or changed since the schedule's earlier runs. */
  since_last_run: boolean;
  state: ScheduleState;
  created_at: string;
  updated_at: string;
  /** When the schedule was created or last resumed: a rate schedule counts its runs from here. */
  anchor_at: string;
  /** The latest run's scheduled time. */
  last_scheduled_time?: string;
  /** How many runs made a task so far. */
  run_count: number;
  /** The newest runs first, at most {@link RECENT_RUNS_KEPT}. */
  recent_runs: ScheduleRun[];
}

/** The index attribute every schedule carries (core/aws/tables.ts SCHEDULES_TABLE). */
export const SCHEDULE_LIST_PK = "schedule";

export type StoredSchedule = Schedule & { list_pk: typeof SCHEDULE_LIST_PK };

/** A schedule as the API shows it: with its next run times (none while paused). */
export type PublicSchedule = Schedule & { next_runs: string[] };
