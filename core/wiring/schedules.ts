/**
 * The schedule parts of the builder (./dependencies.ts): the store, the trigger (EventBridge
 * Scheduler when SCHEDULER_GROUP_NAME is set, else the table alone for the one-machine
 * stack's timer), the API's schedule service and the runner. Used with taskParts and
 * taskServiceParts.
 */
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { EventBridgeScheduleTrigger } from "../schedules/eventBridge.js";
import { ScheduleRunner } from "../schedules/runner.js";
import { ScheduleService } from "../schedules/service.js";
import { DynamoScheduleStore, type ScheduleStore } from "../schedules/store.js";
import { type ScheduleTrigger, tableOnlyTrigger } from "../schedules/trigger.js";
import type { TaskService } from "../tasks/service.js";
import type { BaseDependencies } from "./dependencies.js";

export const scheduleParts = {
  scheduleStore: ({ config, clients }: BaseDependencies): ScheduleStore =>
    new DynamoScheduleStore(clients.doc, config.schedulesTable),
  scheduleTrigger: ({ config }: BaseDependencies): ScheduleTrigger =>
    config.schedulerGroupName
      ? new EventBridgeScheduleTrigger(new SchedulerClient({ maxAttempts: 3 }), {
          groupName: config.schedulerGroupName,
          targetArn: config.schedulerTargetArn,
          roleArn: config.schedulerRoleArn,
        })
      : tableOnlyTrigger,
  scheduleService: ({
    config,
    scheduleStore,
    scheduleTrigger,
    taskService,
  }: BaseDependencies & { scheduleStore: ScheduleStore; scheduleTrigger: ScheduleTrigger; taskService: TaskService }) =>
    new ScheduleService(
      { schedules: scheduleStore, trigger: scheduleTrigger, tasks: taskService },
      { minIntervalSecs: config.scheduleMinIntervalSecs },
    ),
};

/** The runner's parts: the store and the task service, no Scheduler client. */
export const scheduleRunnerParts = {
  scheduleStore: scheduleParts.scheduleStore,
  scheduleRunner: ({ scheduleStore, taskService }: { scheduleStore: ScheduleStore; taskService: TaskService }) =>
    new ScheduleRunner({ schedules: scheduleStore, tasks: taskService }),
};
