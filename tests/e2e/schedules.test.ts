/**
 * Schedules in the running one-machine stack, driven through the CLI as users do: the stack's
 * timer fires a due run into a task carrying schedule_id; a schedule created paused makes
 * nothing until resumed, without a restart; get, list and delete.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type RunningStack } from "../support/stack.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(root, "cli/bin.js");

let stack: RunningStack;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, API_URL: stack.url, API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function tasksOf(scheduleId: string): Promise<Array<{ task_id: string; schedule_id?: string; origin?: string }>> {
  const response = await fetch(`${stack.url}/api/v1/tasks?schedule_id=${scheduleId}`);
  return ((await response.json()) as { data: { items: [] } }).data.items;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const TASK_FLAGS = ["--platform", "web", "--type", "detail", "--url", "https://example.com/"];

beforeAll(async () => {
  stack = await startStack({
    env: { SCHEDULE_TICK_SECS: "1", SCHEDULE_MIN_INTERVAL_SECS: "60", CRAWL_CONCURRENCY: "0", LOG_LEVEL: "SILENT" },
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe("schedules in the stack", () => {
  it("fires a due run into a task that carries the schedule's id", async () => {
    const created = await cli([
      "schedules",
      "create",
      "--expression",
      "rate(1 minute)",
      "--name",
      "e2e",
      ...TASK_FLAGS,
    ]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    const scheduleId = created.stdout.trim();
    // A rate schedule runs first when created (as Scheduler does without a StartDate).
    const tasks = await waitFor(
      () => tasksOf(scheduleId),
      (items) => items.length > 0,
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ schedule_id: scheduleId, origin: "schedule" });
    // The stack prints the run once the runner has answered, which may be after the task is listed.
    const line = `schedule ${scheduleId}: run created task ${tasks[0]!.task_id}`;
    expect(
      await waitFor(
        async () => stack.stdout(),
        (out) => out.includes(line),
      ),
    ).toContain(line);

    const shown = await cli(["schedules", "get", scheduleId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`task ${tasks[0]!.task_id}`);
    expect(shown.stdout).toMatch(/next runs: /);

    const listed = await cli(["schedules", "list", "--json"]);
    expect(JSON.parse(listed.stdout).items.map((s: { schedule_id: string }) => s.schedule_id)).toContain(scheduleId);

    expect((await cli(["schedules", "delete", scheduleId])).stdout.trim()).toBe(`${scheduleId} deleted`);
    const gone = await cli(["schedules", "get", scheduleId]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/schedule_id: schedule .* not found \(HTTP 404\)/);
  }, 60_000);

  it("a paused schedule makes nothing until resumed, without a restart", async () => {
    const created = await cli(["schedules", "create", "--expression", "rate(1 minute)", "--paused", ...TASK_FLAGS]);
    const scheduleId = created.stdout.trim();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await tasksOf(scheduleId)).toEqual([]);
    expect((await cli(["schedules", "resume", scheduleId])).code).toBe(0);
    const tasks = await waitFor(
      () => tasksOf(scheduleId),
      (items) => items.length > 0,
    );
    expect(tasks).toHaveLength(1);
    const paused = await cli(["schedules", "pause", scheduleId, "--json"]);
    expect(JSON.parse(paused.stdout)).toMatchObject({ state: "paused", next_runs: [] });
  }, 60_000);

  it("refuses a bad expression naming the field, exit 3", async () => {
    const refused = await cli(["schedules", "create", "--expression", "rate(5 minute)", ...TASK_FLAGS]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^error: schedule_expression: rate unit must be singular for 1 and plural above/);
  });
});
