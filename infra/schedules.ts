import { ENV } from "../core/config";
import { queueGrant, tableGrant } from "./access";
import { functionEnvironment } from "./environment";
import { taskQueue } from "./queue";
import { schedulesTable, tasksTable } from "./storage";

/**
 * Schedules (core/schedules, docs/schedules.md). The API keeps each schedule in the schedules
 * table and creates one EventBridge Scheduler schedule for it, named by its id, in this
 * stage's schedule group; Scheduler invokes the runner, which creates the run's task.
 *
 * SST 4.17 has no component for schedules created at run time (CronV2 is one schedule fixed
 * at deploy time), so the group and the role Scheduler assumes are the Pulumi AWS provider's
 * resources, as CronV2 itself builds its role (components/aws/cron-v2.ts createRole).
 */
export const scheduleGroup = new aws.scheduler.ScheduleGroup("ScheduleGroup", {
  name: `${$app.name}-${$app.stage}`,
});

/** Creates a run's task: reads its schedule, writes the task (and its idempotency marker), queues it. */
export const scheduleRunner = new sst.aws.Function("ScheduleRunner", {
  handler: "functions/schedule-runner/handler.handler",
  memory: "512 MB",
  timeout: "30 seconds",
  environment: functionEnvironment,
  nodejs: { minify: true, esbuild: { keepNames: false } },
  permissions: [
    tableGrant(schedulesTable, ["GetItem", "UpdateItem"]),
    tableGrant(tasksTable, ["GetItem", "PutItem"]),
    queueGrant(taskQueue),
  ],
});

/**
 * What Scheduler assumes to invoke the runner: it may invoke that one function, and only
 * for schedules of this account (the confused-deputy condition of the Scheduler guide's
 * execution role, UserGuide/setting-up.html#setting-up-execution-role).
 */
export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "invoke-schedule-runner",
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: scheduleRunner.arn }],
      }),
    },
  ],
});

/** What the API function gets to manage schedules in the group and hand Scheduler the role. */
export const scheduleManagerEnvironment = {
  [ENV.schedulerGroupName]: scheduleGroup.name,
  [ENV.schedulerTargetArn]: scheduleRunner.arn,
  [ENV.schedulerRoleArn]: schedulerRole.arn,
};

export const scheduleManagerGrants = [
  tableGrant(schedulesTable, ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"]),
  {
    actions: [
      "scheduler:CreateSchedule",
      "scheduler:UpdateSchedule",
      "scheduler:DeleteSchedule",
      "scheduler:GetSchedule",
    ],
    resources: [$interpolate`arn:aws:scheduler:*:*:schedule/${scheduleGroup.name}/*`],
  },
  { actions: ["iam:PassRole"], resources: [schedulerRole.arn] },
];
