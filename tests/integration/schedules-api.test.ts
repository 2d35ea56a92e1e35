/**
 * Schedules through the real API handler and the real schedule runner handler, against real
 * dynalite and SQS: create (and every refusal naming its field, with nothing stored), list
 * with a cursor, get with next runs, pause / resume / delete, a run making one task however
 * often Scheduler delivers it, and the run's tasks listed by schedule_id.
 */
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Task } from "../../core/tasks/model.js";
import { taskEndedEvent, taskPageEvent } from "../../core/webhooks/events.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let api: typeof import("../../functions/api/handler.js").handler;
let runner: typeof import("../../functions/schedule-runner/handler.js").handler;

type Json = { code: number; message: string; data: any };

async function call(method: string, path: string, body?: unknown) {
  const response = await api(
    httpEvent(method, path, body === undefined ? {} : { body: body as object }),
    lambdaContext(),
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? "") as Json };
}

const TEMPLATE = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };

async function storedSchedules(): Promise<number> {
  const scan = await aws.clients.doc.send(new ScanCommand({ TableName: "schedules" }));
  return scan.Items?.length ?? 0;
}

beforeAll(async () => {
  aws = await startTestAws();
  process.env.SCHEDULE_MIN_INTERVAL_SECS = "3600";
  ({ handler: api } = await import("../../functions/api/handler.js"));
  ({ handler: runner } = await import("../../functions/schedule-runner/handler.js"));
});

afterAll(async () => {
  delete process.env.SCHEDULE_MIN_INTERVAL_SECS;
  await aws?.close();
});

describe("POST /api/v1/schedules refusals", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["a cron with ? in neither day field", { schedule_expression: "cron(0 8 * * * *)" }, "schedule_expression"],
    ["a rate in weeks", { schedule_expression: "rate(1 week)" }, "schedule_expression"],
    ["a one-time at()", { schedule_expression: "at(2027-01-01T00:00:00)" }, "schedule_expression"],
    ["runs more often than the minimum", { schedule_expression: "rate(5 minutes)" }, "schedule_expression"],
    ["an unknown time zone", { timezone: "Mars/Olympus" }, "timezone"],
    ["a template POST /api/v1/tasks refuses", { task: { platform: "web", crawler_type: "detail" } }, "task.urls"],
    ["an unknown platform", { task: { platform: "myspace" } }, "task.platform"],
    ["a proxy with a password", { task: { ...TEMPLATE, proxy: "http://u:secret@proxy.test:8080" } }, "task"],
    ["an unknown field", { every: "day" }, 'unknown field "every"'],
    ["since_last_run not a boolean", { since_last_run: "yes" }, "since_last_run"],
  ];
  it.each(cases)("%s: 400 naming the field, nothing stored", async (_name, change, field) => {
    const response = await call("POST", "/api/v1/schedules", {
      schedule_expression: "rate(1 day)",
      task: TEMPLATE,
      ...change,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(400);
    expect(response.body.message.startsWith(field)).toBe(true);
    expect(await storedSchedules()).toBe(0);
  });
});

describe("a schedule's life", () => {
  let scheduleId: string;

  it("creates a schedule: 201, its Location, next runs in its time zone", async () => {
    const response = await call("POST", "/api/v1/schedules", {
      name: "weekday mornings",
      schedule_expression: "cron(0 8 ? * MON-FRI *)",
      timezone: "Asia/Shanghai",
      task: TEMPLATE,
    });
    expect(response.status).toBe(201);
    const schedule = response.body.data;
    scheduleId = schedule.schedule_id;
    expect(schedule).toMatchObject({ state: "enabled", since_last_run: false, recent_runs: [], task: TEMPLATE });
    expect(schedule.next_runs).toHaveLength(3);
    for (const run of schedule.next_runs as string[]) {
      // 08:00 in Shanghai is 00:00 UTC, Monday to Friday there.
      expect(run).toMatch(/T00:00:00\.000Z$/);
      const day = new Date(new Date(run).getTime() + 8 * 3600_000).getUTCDay();
      expect(day).toBeGreaterThanOrEqual(1);
      expect(day).toBeLessThanOrEqual(5);
    }
  });

  it("lists schedules newest first, a page at a time", async () => {
    const second = await call("POST", "/api/v1/schedules", { schedule_expression: "rate(2 hours)", task: TEMPLATE });
    const first = await call("GET", "/api/v1/schedules?limit=1");
    expect(first.body.data.items.map((s: { schedule_id: string }) => s.schedule_id)).toEqual([
      second.body.data.schedule_id,
    ]);
    const next = await call("GET", `/api/v1/schedules?limit=1&cursor=${first.body.data.next_cursor}`);
    expect(next.body.data.items[0].schedule_id).toBe(scheduleId);
    expect((await call("GET", "/api/v1/schedules?cursor=abc")).body.message).toMatch(/^cursor:/);
    await call("DELETE", `/api/v1/schedules/${second.body.data.schedule_id}`);
  });

  it("a run makes one task, however many times Scheduler delivers it", async () => {
    const event = { schedule_id: scheduleId, scheduled_time: "2026-12-07T00:00:00Z" };
    const first = await runner(event, lambdaContext());
    const again = await runner(event, lambdaContext());
    expect(first).toMatchObject({ outcome: "created" });
    expect(again).toEqual({ outcome: "repeated", task_id: (first as { task_id: string }).task_id });
    const taskId = (first as { task_id: string }).task_id;
    const task = (await call("GET", `/api/v1/tasks/${taskId}`)).body.data;
    expect(task).toMatchObject({ schedule_id: scheduleId, origin: "schedule", status: "pending" });

    const later = await runner({ schedule_id: scheduleId, scheduled_time: "2026-12-08T00:00:00Z" }, lambdaContext());
    const schedule = (await call("GET", `/api/v1/schedules/${scheduleId}`)).body.data;
    expect(schedule.recent_runs).toEqual([
      { task_id: (later as { task_id: string }).task_id, scheduled_time: "2026-12-08T00:00:00.000Z" },
      { task_id: taskId, scheduled_time: "2026-12-07T00:00:00.000Z" },
    ]);
    expect(schedule.last_scheduled_time).toBe("2026-12-08T00:00:00.000Z");

    const listed = await call("GET", `/api/v1/tasks?schedule_id=${scheduleId}&limit=1`);
    expect(listed.body.data.items.map((t: { task_id: string }) => t.task_id)).toEqual([
      (later as { task_id: string }).task_id,
    ]);
    const rest = await call("GET", `/api/v1/tasks?schedule_id=${scheduleId}&cursor=${listed.body.data.next_cursor}`);
    expect(rest.body.data.items.map((t: { task_id: string }) => t.task_id)).toEqual([taskId]);
    const mixed = await call("GET", `/api/v1/tasks?schedule_id=${scheduleId}&status=pending`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.message).toMatch(/^schedule_id: cannot be combined/);
  });

  it("accepts since_last_run: its runs' tasks carry it; POST /api/v1/tasks refuses the field", async () => {
    const created = await call("POST", "/api/v1/schedules", {
      schedule_expression: "rate(1 day)",
      task: TEMPLATE,
      since_last_run: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.since_last_run).toBe(true);
    const id = created.body.data.schedule_id;
    const run = await runner({ schedule_id: id, scheduled_time: "2026-12-07T00:00:00Z" }, lambdaContext());
    const task = (await call("GET", `/api/v1/tasks/${(run as { task_id: string }).task_id}`)).body.data;
    expect(task).toMatchObject({ schedule_id: id, since_last_run: true });
    const plain = await call("POST", "/api/v1/tasks", { ...TEMPLATE, since_last_run: true });
    expect(plain.status).toBe(400);
    expect(plain.body.message).toMatch(/since_last_run/);
    await call("DELETE", `/api/v1/schedules/${id}`);
  });

  it("pauses: no next runs, and a run already on its way makes nothing; resumes", async () => {
    const paused = await call("POST", `/api/v1/schedules/${scheduleId}/pause`);
    expect(paused.body.data).toMatchObject({ state: "paused", next_runs: [] });
    const run = await runner({ schedule_id: scheduleId, scheduled_time: "2026-12-09T00:00:00Z" }, lambdaContext());
    expect(run).toEqual({ outcome: "skipped", reason: "schedule_paused" });
    const resumed = await call("POST", `/api/v1/schedules/${scheduleId}/resume`);
    expect(resumed.body.data.state).toBe("enabled");
    expect(resumed.body.data.next_runs).toHaveLength(3);
  });

  it("each run's task gets the template's webhook settings, and its events carry schedule_id", async () => {
    const created = await call("POST", "/api/v1/schedules", {
      schedule_expression: "rate(1 day)",
      task: {
        ...TEMPLATE,
        webhook_url: "https://hooks.example.com/crawl",
        webhook_events: ["task.page", "task.completed"],
      },
    });
    const id = created.body.data.schedule_id;
    const run = (await runner({ schedule_id: id, scheduled_time: "2026-12-07T00:00:00Z" }, lambdaContext())) as {
      task_id: string;
    };
    const stored = (await aws.clients.doc.send(new GetCommand({ TableName: "tasks", Key: { task_id: run.task_id } })))
      .Item as Task;
    expect(stored).toMatchObject({
      webhook_url: "https://hooks.example.com/crawl",
      webhook_events: ["task.page", "task.completed"],
    });
    const ended = taskEndedEvent({ ...stored, status: "completed" });
    expect(ended?.task.schedule_id).toBe(id);
    const page = taskPageEvent(stored, {
      sequence: 1,
      items: [],
      ok_count: 0,
      error_count: 0,
      progress: stored.progress,
      result_count: 0,
    });
    expect(page?.task.schedule_id).toBe(id);
    await call("DELETE", `/api/v1/schedules/${id}`);
  });

  it("deletes: 404 after, and its runs make nothing; its tasks stay", async () => {
    expect((await call("DELETE", `/api/v1/schedules/${scheduleId}`)).body.data).toEqual({ schedule_id: scheduleId });
    expect((await call("GET", `/api/v1/schedules/${scheduleId}`)).status).toBe(404);
    expect((await call("POST", `/api/v1/schedules/${scheduleId}/pause`)).status).toBe(404);
    const run = await runner({ schedule_id: scheduleId, scheduled_time: "2026-12-10T00:00:00Z" }, lambdaContext());
    expect(run).toEqual({ outcome: "skipped", reason: "schedule_not_found" });
    expect((await call("GET", `/api/v1/tasks?schedule_id=${scheduleId}`)).body.data.items).toHaveLength(2);
  });
});

describe("the TypeScript SDK's schedule methods, over HTTP to the handler behind the stack's gateway", () => {
  it("creates, lists, reads, pauses, resumes and deletes; a refusal is an ApiError naming the field", async () => {
    const { startGateway } = await import("../../local/gateway.js");
    const { ApiError, CrawlTasksClient } = await import("../../sdk/typescript/src/index.js");
    const gateway = await startGateway({ handler: api, log: () => undefined });
    try {
      const client = new CrawlTasksClient({ baseUrl: gateway.url });
      const created = await client.createSchedule({
        schedule_expression: "rate(1 day)",
        name: "sdk",
        task: { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] },
      });
      expect(created).toMatchObject({ name: "sdk", state: "enabled", schedule_expression: "rate(1 day)" });
      const id = created.schedule_id;
      expect((await client.listSchedules({ limit: 100 })).items.map((schedule) => schedule.schedule_id)).toContain(id);
      expect((await client.getSchedule(id)).next_runs.length).toBeGreaterThan(0);
      expect((await client.pauseSchedule(id)).state).toBe("paused");
      expect((await client.resumeSchedule(id)).state).toBe("enabled");
      expect(await client.deleteSchedule(id)).toEqual({ schedule_id: id });
      const refused = await client
        .createSchedule({ schedule_expression: "rate(1 week)", task: TEMPLATE as never })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({ status: 400, field: "schedule_expression" });
    } finally {
      await gateway.close();
    }
  });
});

describe("the Python SDK's schedule and QR login methods, over HTTP to the handler behind the stack's gateway", () => {
  it("creates, lists, reads, pauses, resumes and deletes; a refusal is an ApiError naming the field", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const { resolve } = await import("node:path");
    const { startGateway } = await import("../../local/gateway.js");
    const gateway = await startGateway({ handler: api, log: () => undefined });
    const program = `
import json, sys
from crawl_tasks import ApiError, Client
client = Client(sys.argv[1])
created = client.create_schedule({"schedule_expression": "rate(1 day)", "name": "py",
    "task": {"platform": "web", "crawler_type": "detail", "urls": ["https://example.com/"]}})
sid = created["schedule_id"]
listed = [s["schedule_id"] for s in client.list_schedules(limit=100).items]
states = [client.pause_schedule(sid)["state"], client.resume_schedule(sid)["state"]]
runs = len(client.get_schedule(sid)["next_runs"])
deleted = client.delete_schedule(sid)
try:
    client.create_schedule({"schedule_expression": "rate(1 week)", "task": {"platform": "web"}})
    refused = None
except ApiError as error:
    refused = [error.status, error.field]
session = client.start_account_login("xhs")
login = [session["state"], client.get_account_login(session["session_id"])["session_id"] == session["session_id"]]
try:
    client.start_account_login("web")
    login.append(None)
except ApiError as error:
    login.append([error.status, error.field])
print(json.dumps({"name": created["name"], "listed": sid in listed, "states": states, "runs": runs,
    "deleted": deleted == {"schedule_id": sid}, "refused": refused, "login": login}))
`;
    try {
      const { stdout } = await promisify(execFile)("python3", ["-c", program, gateway.url], {
        env: { ...process.env, PYTHONPATH: resolve(import.meta.dirname, "../../sdk/python/src") },
      });
      expect(JSON.parse(stdout)).toEqual({
        name: "py",
        listed: true,
        states: ["paused", "enabled"],
        runs: expect.any(Number),
        deleted: true,
        refused: [400, "schedule_expression"],
        login: ["waiting", true, [400, "platform"]],
      });
    } finally {
      await gateway.close();
    }
  });
});
