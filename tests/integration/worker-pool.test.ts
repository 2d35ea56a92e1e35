/**
 * The worker pool's watchdog (local/worker-pool.ts) with real processes: the real pool forks
 * a scripted worker (tests/support/scriptedWorker.ts) that speaks the worker protocol and
 * then hangs in a chosen way. The whole stack with real crawls and a truly blocked event
 * loop is in tests/e2e/watchdog.test.ts; here are the cases a crawl cannot produce on demand:
 * an invocation that outlives the function's timeout while its loop runs, and the pool's
 * own stall.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { descendantPids } from "../../local/process-tree.js";
import { startWorkerPool, type HungWorker, type WorkerPool, type WorkerPoolOptions } from "../../local/worker-pool.js";
import { alive, until } from "../support/wait.js";

const entry = fileURLToPath(new URL("../support/scriptedWorker.ts", import.meta.url));
const LIMIT_MS = 1000;

let pool: WorkerPool | undefined;
let dir: string | undefined;

afterEach(async () => {
  await pool?.stop(500);
  pool = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Run {
  hangs: HungWorker[];
  interrupted: string[];
  lines: string[];
}

async function startPool(
  behaviour: string,
  options: Partial<WorkerPoolOptions> = {},
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  dir = mkdtempSync(join(tmpdir(), "worker-pool-"));
  const run: Run = { hangs: [], interrupted: [], lines: [] };
  pool = startWorkerPool({
    size: 1,
    entry,
    env: {
      ...process.env,
      NODE_OPTIONS: "--import tsx",
      SCRIPTED_WORKER_BEHAVIOUR: behaviour,
      SCRIPTED_WORKER_MARK: join(dir, "misbehaved"),
      ...extraEnv,
    },
    hangTimeoutMs: LIMIT_MS,
    onTaskHung: (hang) => run.hangs.push(hang),
    onTaskInterrupted: (taskId) => run.interrupted.push(taskId),
    log: (line) => run.lines.push(line),
    ...options,
  });
  await pool.ready;
  return run;
}

describe("the worker pool's watchdog", () => {
  it("kills a worker whose event loop stopped mid-task, with the processes it started, within the limit; reports its claim; replaces it", async () => {
    const run = await startPool("block");
    const [pid] = pool!.pids();
    // Its stand-in browser, started in a process group of its own.
    const browser = await until(() => descendantPids(pid!)[0], 5000, "the worker's child");

    const hang = await until(() => run.hangs[0], LIMIT_MS + 5000, "the hang reported");
    expect(hang).toMatchObject({ taskId: "T1", leaseOwner: "owner-1", workerId: 1, reason: "silent" });
    expect(hang.silentMs).toBeGreaterThan(LIMIT_MS);
    // Heartbeat every 100 ms, watchdog tick 250 ms: found within a tick of the limit.
    expect(hang.silentMs).toBeLessThan(LIMIT_MS + 1000);
    expect(alive(pid!)).toBe(false);
    await until(() => !alive(browser), 2000, "its child killed");
    expect(run.interrupted).toEqual([]);
    expect(run.lines).toContainEqual(
      expect.stringMatching(/^worker 1 hung: no heartbeat for \d\.\d s during task T1; killing it and its browser$/),
    );
    expect(run.lines).toContainEqual(
      expect.stringMatching(
        /^worker 1 was killed for hanging during task T1 \(killed by SIGKILL\); starting a new one/,
      ),
    );

    // The replacement heart-beats and is left alone.
    const replacement = await until(() => pool!.pids().find((other) => other !== pid), 15_000, "a replacement");
    await new Promise((resolve) => setTimeout(resolve, 3 * LIMIT_MS));
    expect(pool!.pids()).toEqual([replacement]);
    expect(run.hangs).toHaveLength(1);
  });

  it("kills a worker whose invocation runs past the function's timeout, though its loop runs", async () => {
    const run = await startPool("overrun", { invocationTimeoutMs: 1500 });
    const [pid] = pool!.pids();
    const hang = await until(() => run.hangs[0], 8000, "the hang reported");
    expect(hang).toMatchObject({ taskId: "T1", leaseOwner: "owner-1", reason: "timeout" });
    expect(hang.busyMs).toBeGreaterThan(1500);
    expect(hang.silentMs).toBeLessThan(LIMIT_MS);
    expect(alive(pid!)).toBe(false);
    expect(run.lines).toContainEqual(
      expect.stringMatching(
        /^worker 1 hung: its invocation ran past the function's timeout \(\d\.\d s\) during task T1/,
      ),
    );
  });

  it("leaves a worker that is busy for several times the limit alone while it heart-beats", async () => {
    const run = await startPool("busy", {}, { SCRIPTED_WORKER_BUSY_MS: String(4 * LIMIT_MS) });
    const [pid] = pool!.pids();
    await new Promise((resolve) => setTimeout(resolve, 5 * LIMIT_MS));
    expect(run.hangs).toEqual([]);
    expect(pool!.pids()).toEqual([pid]);
  });

  it("does not blame its workers for its own stall: silence it could not hear is forgiven", async () => {
    const run = await startPool("idle");
    const [pid] = pool!.pids();
    // This process (the pool's) blocks for three times the limit; the worker's heartbeats wait in the pipe.
    const until3 = Date.now() + 3 * LIMIT_MS;
    while (Date.now() < until3) {
      // busy
    }
    await new Promise((resolve) => setTimeout(resolve, 2 * LIMIT_MS));
    expect(run.hangs).toEqual([]);
    expect(run.lines.filter((line) => line.includes("hung"))).toEqual([]);
    expect(pool!.pids()).toEqual([pid]);
  });
});
