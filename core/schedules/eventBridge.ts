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
import { callDependency } from "../aws/dependency.js";
import { ValidationError } from "../errors.js";
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
export const RUN_RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } as const;

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
      await this.call(() => this.client.send(new CreateScheduleCommand(this.definition(schedule))));
    } catch (error) {
      // Ids are fresh ULIDs: a conflict is our own earlier attempt whose answer was lost. Make it current.
      if (error instanceof ConflictException) return this.update(schedule);
      throw error;
    }
  }

  async update(schedule: Schedule): Promise<void> {
    try {
      await this.call(() => this.client.send(new UpdateScheduleCommand(this.definition(schedule))));
    } catch (error) {
      // Gone from Scheduler while the table still has it (deleted by hand): put it back.
      if (error instanceof ResourceNotFoundException)
        return void (await this.call(() => this.client.send(new CreateScheduleCommand(this.definition(schedule)))));
      throw error;
    }
  }

  async delete(scheduleId: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(new DeleteScheduleCommand({ Name: scheduleId, GroupName: this.options.groupName })),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }

  /**
   * Scheduler's own refusals pass through (ConflictException, ResourceNotFoundException, for the
   * callers above); a ValidationException is the caller's expression or time zone, which the API
   * checks first, so it only comes from a rule this service does not know: a 400 naming the field.
   */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ConflictException || error instanceof ResourceNotFoundException) throw error;
      if (error instanceof ValidationException)
        throw new ValidationError(
          `schedule_expression: EventBridge Scheduler refused the schedule: ${error.message}`,
          "schedule_expression",
        );
      return callDependency("scheduler", () => Promise.reject(error));
    }
  }
}
