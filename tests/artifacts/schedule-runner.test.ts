/**
 * The schedule runner from its artifact in the Lambda-like sandbox, under its IAM grants,
 * with the event EventBridge Scheduler sends it (the target Input of
 * core/schedules/eventBridge.ts, `<aws.scheduler.scheduled-time>` filled in), delivered twice
 * as Scheduler may: one task, carrying the schedule's id.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedFunction, LocalCloud } from "../../build/lambda/cloud.js";
import { runnerInput } from "../../core/schedules/eventBridge.js";
import { callApi, startCloud } from "./support.js";

let cloud: LocalCloud;
let api: DeployedFunction;

beforeAll(async () => {
  cloud = await startCloud();
  api = await cloud.deploy(cloud.byHandler("api"));
}, 300_000);

afterAll(async () => {
  await cloud?.close();
});

describe("schedule runner artifact", () => {
  it("creates the run's task once, however often Scheduler delivers the run", async () => {
    const runner = await cloud.deploy(cloud.byHandler("schedule-runner"));
    const scheduleId = "01M94RV3YZKHVV39MKKXVC2TBH";
    const now = new Date().toISOString();
    await cloud.admin.doc.send(
      new PutCommand({
        TableName: cloud.tableName("Schedules"),
        Item: {
          schedule_id: scheduleId,
          list_pk: "schedule",
          schedule_expression: "rate(1 day)",
          task: { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] },
          since_last_run: false,
          state: "enabled",
          created_at: now,
          updated_at: now,
          anchor_at: now,
          run_count: 0,
          recent_runs: [],
        },
      }),
    );
    const event = JSON.parse(runnerInput(scheduleId).replace("<aws.scheduler.scheduled-time>", "2026-12-07T00:00:00Z"));
    const first = await runner.invoke<{ outcome: string; task_id: string }>(event);
    expect(first.error, first.logs.join("\n")).toBeUndefined();
    expect(first.result?.outcome).toBe("created");
    const again = await runner.invoke<{ outcome: string; task_id: string }>(event);
    expect(again.result).toEqual({ outcome: "repeated", task_id: first.result?.task_id });
    const task = (await callApi(api, "GET", `/api/v1/tasks/${first.result?.task_id}`)).body.data;
    expect(task).toMatchObject({ schedule_id: scheduleId, origin: "schedule", status: "pending" });
    expect(cloud.denied()).toEqual([]);
  });
});
