/**
 * The AWS path of schedules: the API handler with SCHEDULER_GROUP_NAME set drives the real
 * @aws-sdk/client-scheduler over HTTP against a stand-in of EventBridge Scheduler
 * (tests/fixtures/scheduler/server.ts), and the stand-in fires the schedule runner handler with
 * the event Scheduler sends. Tables and queue: real dynalite and SQS.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBridgeScheduleTrigger } from "../../core/schedules/eventBridge.js";
import type { Schedule } from "../../core/schedules/model.js";
import { startSchedulerStandIn, type SchedulerStandIn } from "../fixtures/scheduler/server.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

const GROUP = "crawl-tasks-test";
const RUNNER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:crawl-tasks-test-ScheduleRunner";
const ROLE_ARN = "arn:aws:iam::123456789012:role/crawl-tasks-test-SchedulerRole";
const TEMPLATE = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };

let aws: TestAws;
let scheduler: SchedulerStandIn;
let client: SchedulerClient;
let api: typeof import("../../functions/api/handler.js").handler;
let runner: typeof import("../../functions/schedule-runner/handler.js").handler;

async function call(method: string, path: string, body?: unknown) {
  const response = await api(
    httpEvent(method, path, body === undefined ? {} : { body: body as object }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? "") as { code: number; message: string; data: Record<string, unknown> },
  };
}

async function rows(): Promise<number> {
  return (await aws.clients.doc.send(new ScanCommand({ TableName: "schedules" }))).Items?.length ?? 0;
}

beforeAll(async () => {
  aws = await startTestAws();
  scheduler = await startSchedulerStandIn({
    groups: [GROUP],
    invoke: async (arn, event) => {
      if (arn !== RUNNER_ARN) throw new Error(`no function ${arn}`);
      return runner(event, lambdaContext());
    },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    SCHEDULER_GROUP_NAME: GROUP,
    SCHEDULER_TARGET_ARN: RUNNER_ARN,
    SCHEDULER_ROLE_ARN: ROLE_ARN,
    SCHEDULE_MIN_INTERVAL_SECS: "3600",
  });
  client = new SchedulerClient({ endpoint: scheduler.endpoint, maxAttempts: 1 });
  ({ handler: api } = await import("../../functions/api/handler.js"));
  ({ handler: runner } = await import("../../functions/schedule-runner/handler.js"));
});

afterAll(async () => {
  for (const name of [
    "AWS_ENDPOINT_URL_SCHEDULER",
    "SCHEDULER_GROUP_NAME",
    "SCHEDULER_TARGET_ARN",
    "SCHEDULER_ROLE_ARN",
  ])
    delete process.env[name];
  client?.destroy();
  await scheduler?.close();
  await aws?.close();
});

describe("the stand-in answers as Scheduler documents", () => {
  const definition = {
    GroupName: GROUP,
    ScheduleExpression: "rate(1 day)",
    FlexibleTimeWindow: { Mode: "OFF" as const },
    Target: { Arn: RUNNER_ARN, RoleArn: ROLE_ARN },
  };

  it("refuses a bad name and a bad expression with ValidationException", async () => {
    await expect(client.send(new CreateScheduleCommand({ ...definition, Name: "has space" }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      client.send(new CreateScheduleCommand({ ...definition, Name: "x", ScheduleExpression: "every day" })),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it("answers ConflictException for a name taken, ResourceNotFoundException for a missing group or schedule", async () => {
    await client.send(new CreateScheduleCommand({ ...definition, Name: "taken" }));
    await expect(client.send(new CreateScheduleCommand({ ...definition, Name: "taken" }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(
      client.send(new CreateScheduleCommand({ ...definition, Name: "y", GroupName: "no-such-group" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new GetScheduleCommand({ Name: "nope", GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe("schedules on EventBridge Scheduler", () => {
  let scheduleId: string;

  it("creating a schedule creates its Scheduler schedule: same name, expression, zone, the runner's Input", async () => {
    const response = await call("POST", "/api/v1/schedules", {
      schedule_expression: "cron(0 8 * * ? *)",
      timezone: "Asia/Shanghai",
      task: TEMPLATE,
    });
    expect(response.status).toBe(201);
    scheduleId = String(response.body.data.schedule_id);
    const remote = await client.send(new GetScheduleCommand({ Name: scheduleId, GroupName: GROUP }));
    expect(remote).toMatchObject({
      Name: scheduleId,
      GroupName: GROUP,
      ScheduleExpression: "cron(0 8 * * ? *)",
      ScheduleExpressionTimezone: "Asia/Shanghai",
      State: "ENABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: RUNNER_ARN,
        RoleArn: ROLE_ARN,
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
      },
    });
    expect(JSON.parse(remote.Target!.Input!)).toEqual({
      schedule_id: scheduleId,
      scheduled_time: "<aws.scheduler.scheduled-time>",
    });
  });

  it("a fired run creates one task, however often Scheduler delivers it", async () => {
    const first = await scheduler.fire(GROUP, scheduleId, "2026-12-07T00:00:00Z");
    const retry = await scheduler.fire(GROUP, scheduleId, "2026-12-07T00:00:00Z", 2);
    expect(first).toMatchObject({ outcome: "created" });
    expect(retry).toEqual({ ...(first as object), outcome: "repeated" });
    const task = (await call("GET", `/api/v1/tasks/${(first as { task_id: string }).task_id}`)).body.data;
    expect(task).toMatchObject({ schedule_id: scheduleId, origin: "schedule" });
  });

  it("pause and resume disable and enable it, sending the whole definition", async () => {
    await call("POST", `/api/v1/schedules/${scheduleId}/pause`);
    const paused = await client.send(new GetScheduleCommand({ Name: scheduleId, GroupName: GROUP }));
    expect(paused).toMatchObject({ State: "DISABLED", ScheduleExpressionTimezone: "Asia/Shanghai" });
    expect(paused.Target?.Input).toContain(scheduleId);
    await call("POST", `/api/v1/schedules/${scheduleId}/resume`);
    expect((await client.send(new GetScheduleCommand({ Name: scheduleId, GroupName: GROUP }))).State).toBe("ENABLED");
  });

  it("a resume Scheduler refuses leaves the schedule paused, and says the scheduler is unavailable", async () => {
    await call("POST", `/api/v1/schedules/${scheduleId}/pause`);
    scheduler.failNext("UpdateSchedule", { status: 500, type: "InternalServerException", message: "boom" }, 3);
    const refused = await call("POST", `/api/v1/schedules/${scheduleId}/resume`);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/^scheduler is unavailable/);
    expect((await call("GET", `/api/v1/schedules/${scheduleId}`)).body.data.state).toBe("paused");
    expect((await call("POST", `/api/v1/schedules/${scheduleId}/resume`)).status).toBe(200);
  });

  it("a schedule Scheduler cannot create is not kept: 503, no row", async () => {
    const before = await rows();
    scheduler.failNext("CreateSchedule", { status: 429, type: "ThrottlingException", message: "slow down" }, 3);
    const refused = await call("POST", "/api/v1/schedules", { schedule_expression: "rate(1 day)", task: TEMPLATE });
    expect(refused.status).toBe(503);
    expect(refused.body.data).toMatchObject({ dependency: "scheduler" });
    expect(await rows()).toBe(before);
  });

  it("a bad expression never reaches Scheduler", async () => {
    const calls = scheduler.calls.length;
    const refused = await call("POST", "/api/v1/schedules", { schedule_expression: "cron(0 8 * * *)", task: TEMPLATE });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^schedule_expression: /);
    expect(scheduler.calls.length).toBe(calls);
  });

  it("delete removes the Scheduler schedule, then the row; deleting one already gone in Scheduler still works", async () => {
    expect((await call("DELETE", `/api/v1/schedules/${scheduleId}`)).status).toBe(200);
    await expect(client.send(new GetScheduleCommand({ Name: scheduleId, GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect((await call("GET", `/api/v1/schedules/${scheduleId}`)).status).toBe(404);

    const other = await call("POST", "/api/v1/schedules", { schedule_expression: "rate(1 day)", task: TEMPLATE });
    const otherId = String(other.body.data.schedule_id);
    scheduler.schedules.delete(`${GROUP}/${otherId}`);
    expect((await call("DELETE", `/api/v1/schedules/${otherId}`)).status).toBe(200);
    expect((await call("GET", `/api/v1/schedules/${otherId}`)).status).toBe(404);
  });

  it("a create whose answer was lost (ConflictException on the retry) makes the definition current", async () => {
    const trigger = new EventBridgeScheduleTrigger(client, {
      groupName: GROUP,
      targetArn: RUNNER_ARN,
      roleArn: ROLE_ARN,
    });
    const schedule: Schedule = {
      schedule_id: "01M94RV3YZKHVV39MKKXVC2TBH",
      schedule_expression: "rate(1 day)",
      task: TEMPLATE,
      since_last_run: false,
      state: "enabled",
      created_at: "2026-12-06T00:00:00.000Z",
      updated_at: "2026-12-06T00:00:00.000Z",
      anchor_at: "2026-12-06T00:00:00.000Z",
      run_count: 0,
      recent_runs: [],
    };
    await trigger.create({ ...schedule, schedule_expression: "rate(2 days)" });
    await trigger.create(schedule);
    const remote = await client.send(new GetScheduleCommand({ Name: schedule.schedule_id, GroupName: GROUP }));
    expect(remote.ScheduleExpression).toBe("rate(1 day)");
  });
});
