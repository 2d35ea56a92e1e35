/**
 * The AWS trigger: one EventBridge Scheduler schedule per schedule, named by its id, in the
 * stage's schedule group, invoking the schedule runner function with the run's scheduled time.
 *
 * Sources (EventBridge Scheduler API Reference, https://docs.aws.amazon.com/scheduler/latest/APIReference/):
 * - CreateSchedule: Name and GroupName 1–64 of [0-9a-zA-Z-_.]; ConflictException (409) when the
 *   name is taken in the group; FlexibleTimeWindow and Target required.
 * - UpdateSchedule: replaces the whole definition ("all properties that you don't specify are
 *   set to their default"), so every update sends all of it; ResourceNotFoundException (404).
 * - DeleteSchedule: ResourceNotFoundException (404) when there is none.
 * - Context attributes (UserGuide/managing-schedule-context-attributes.html):
 *   `<aws.scheduler.scheduled-time>` in the target's Input is replaced by the run's scheduled
 *   time, the same on every retry of that run, so the runner derives its idempotency key from it.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { DependencyUnavailableError, ValidationError } from "../errors.js";
import { CATCH_UP_SECS } from "./due.js";
import type { Schedule } from "./model.js";
import type { ScheduleTrigger } from "./trigger.js";

export interface EventBridgeTriggerOptions {
  groupName: string;
  /** The schedule runner function's ARN. */
  targetArn: string;
  /** The role Scheduler assumes to invoke it. */
  roleArn: string;
}

/**
 * How long Scheduler keeps retrying a run that could not invoke the runner, and how often.
 * One hour, as the one-machine stack's catch-up window (local/scheduleTimer.ts): a run later
 * than that is dropped by both, never fired late in a burst.
 */
export const RUN_RETRY_POLICY = { MaximumEventAgeInSeconds: CATCH_UP_SECS, MaximumRetryAttempts: 10 } as const;

/** What Scheduler sends the runner: the Input below, its placeholder filled in. */
export function runnerInput(scheduleId: string): string {
  return JSON.stringify({ schedule_id: scheduleId, scheduled_time: "<aws.scheduler.scheduled-time>" });
}

export class EventBridgeScheduleTrigger implements ScheduleTrigger {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeTriggerOptions,
  ) {}

  private definition(schedule: Schedule): CreateScheduleCommandInput {
    return {
      Name: schedule.schedule_id,
      GroupName: this.options.groupName,
      ScheduleExpression: schedule.schedule_expression,
      ...(schedule.timezone === undefined ? {} : { ScheduleExpressionTimezone: schedule.timezone }),
      // Runs at the minute asked for; the runner's idempotency key absorbs repeats.
      FlexibleTimeWindow: { Mode: "OFF" },
      State: schedule.state === "enabled" ? "ENABLED" : "DISABLED",
      Description: (schedule.name ?? "crawl-tasks schedule").slice(0, 512),
      Target: {
        Arn: this.options.targetArn,
        RoleArn: this.options.roleArn,
        Input: runnerInput(schedule.schedule_id),
        RetryPolicy: RUN_RETRY_POLICY,
      },
    };
  }

  async create(schedule: Schedule): Promise<void> {
    try {
      await this.client.send(new CreateScheduleCommand(this.definition(schedule)));
    } catch (error) {
      // Ids are fresh ULIDs: a conflict is our own earlier attempt whose answer was lost. Make it current.
      if (error instanceof ConflictException) return this.update(schedule);
      throw this.failure(error);
    }
  }

  async update(schedule: Schedule): Promise<void> {
    try {
      await this.client.send(new UpdateScheduleCommand(this.definition(schedule)));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw this.failure(error);
      // Gone from Scheduler while the table still has it (deleted by hand): put it back.
      try {
        await this.client.send(new CreateScheduleCommand(this.definition(schedule)));
      } catch (again) {
        throw this.failure(again);
      }
    }
  }

  async delete(scheduleId: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleId, GroupName: this.options.groupName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw this.failure(error);
    }
  }

  /**
   * What the API answers for a Scheduler error the methods above do not handle. A
   * ValidationException is about the caller's expression or time zone, which the API checks
   * first, so it only comes from a rule this service does not know: a 400 naming the field.
   * Anything else (a missing schedule group, throttling, an outage, a missing grant) is a 503
   * naming `scheduler`: the deployment's problem, and the schedule is not kept.
   */
  private failure(error: unknown): Error {
    if (error instanceof ValidationException)
      return new ValidationError(
        `schedule_expression: EventBridge Scheduler refused the schedule: ${error.message}`,
        "schedule_expression",
      );
    const name = error instanceof Error ? error.name || "Error" : "error";
    return new DependencyUnavailableError("scheduler", `scheduler is unavailable (${name})`, { cause: error });
  }
}
