/**
 * Load with faults: 500 tasks created by 50 concurrent clients against the one-machine
 * stack while its crawler workers are killed (SIGKILL, browser included) several times.
 * Every task must end terminal with exactly its site pages stored. Prints the figures
 * docs/reliability.md quotes. Run with `npm run test:load` (not part of `npm test`: ~2–4 minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killTree } from "../../local/process-tree.js";
import { startStack, type RunningStack } from "../support/stack.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { allResults, api, isTerminal, type TaskView } from "../support/api.js";

const TASKS = Number(process.env.LOAD_TASKS ?? 500);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const KILLS = Number(process.env.LOAD_KILLS ?? 3);
const PAGES_PER_TASK = 3;
const KILL_EVERY_MS = Number(process.env.LOAD_KILL_EVERY_MS ?? 10_000);

let site: TestSite;
let stack: RunningStack;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

beforeAll(async () => {
  // Each task crawls its own three pages, so results can be checked exactly per task.
  const pages: Record<string, string> = {};
  for (let i = 0; i < TASKS; i++) {
    for (let j = 0; j < PAGES_PER_TASK; j++)
      pages[`/t/${i}/${j}`] = `<title>Task ${i} page ${j}</title><p>${i}.${j}</p>`;
  }
  site = await startTestSite(pages);
  stack = await startStack({
    // LOAD_TASKS creates from one address may pass the default task-creation budget (600 a minute).
    env: {
      CRAWL_CONCURRENCY: "2",
      RETRY_BASE_DELAY_SECS: "1",
      SWEEP_INTERVAL_SECS: "5",
      STALE_PENDING_SECS: "10",
      CREATE_RATE_LIMIT: "100000",
    },
  });
});

afterAll(async () => {
  await stack?.kill();
  await site?.close();
});

describe("load with faults", () => {
  it(
    `${TASKS} tasks from ${CLIENTS} clients while workers are killed ${KILLS} times: every task terminal, results exact`,
    async () => {
      const started = Date.now();
      const createLatencies: number[] = [];
      const ids: string[] = new Array(TASKS);
      let next = 0;
      const client = async () => {
        for (let i = next++; i < TASKS; i = next++) {
          const urls = Array.from({ length: PAGES_PER_TASK }, (_, j) => site.urlFor(`/t/${i}/${j}`));
          const t0 = performance.now();
          const created = await api<TaskView>(
            stack.url,
            "POST",
            "/api/v1/tasks",
            { platform: "web", crawler_type: "detail", urls },
            { "idempotency-key": `load-${i}` },
          );
          createLatencies.push(performance.now() - t0);
          expect(created.status).toBe(201);
          ids[i] = created.body.data.task_id;
        }
      };

      // Kill every worker (and its browser) a few times while tasks are created and crawled.
      let kills = 0;
      let killedProcesses = 0;
      const killer = (async () => {
        while (kills < KILLS) {
          await new Promise((resolve) => setTimeout(resolve, KILL_EVERY_MS));
          const pids = stack.workerPids();
          for (const pid of pids) killTree(pid);
          killedProcesses += pids.length;
          kills++;
        }
      })();

      await Promise.all(Array.from({ length: CLIENTS }, client));
      const createdAt = Date.now();

      const pending = new Set(ids);
      const deadline = Date.now() + 10 * 60_000;
      const tasks = new Map<string, TaskView>();
      while (pending.size > 0 && Date.now() < deadline) {
        for (const id of [...pending]) {
          const { body } = await api<TaskView>(stack.url, "GET", `/api/v1/tasks/${id}`);
          if (isTerminal(body.data)) {
            tasks.set(id, body.data);
            pending.delete(id);
          }
        }
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const finished = Date.now();
      await killer;
      expect([...pending], "tasks still not terminal").toEqual([]);
      expect(killedProcesses).toBeGreaterThanOrEqual(KILLS);

      const statuses: Record<string, number> = {};
      for (const task of tasks.values()) statuses[task.status] = (statuses[task.status] ?? 0) + 1;
      expect(statuses).toEqual({ completed: TASKS });
      for (const [i, id] of ids.entries()) {
        const task = tasks.get(id)!;
        expect(task.result_count, `task ${i}`).toBe(PAGES_PER_TASK);
        const items = await allResults(stack.url, id);
        expect(items.map((item) => new URL(String(item.url)).pathname).sort(), `task ${i}`).toEqual(
          Array.from({ length: PAGES_PER_TASK }, (_, j) => `/t/${i}/${j}`),
        );
      }

      const sorted = [...createLatencies].sort((a, b) => a - b);
      const attempts = [...tasks.values()].map((task) => task.attempts);
      const figures = {
        tasks: TASKS,
        clients: CLIENTS,
        worker_kills: kills,
        worker_processes_killed: killedProcesses,
        create_p50_ms: Math.round(percentile(sorted, 50)),
        create_p95_ms: Math.round(percentile(sorted, 95)),
        create_p99_ms: Math.round(percentile(sorted, 99)),
        creates_per_sec: Math.round((TASKS / ((createdAt - started) / 1000)) * 10) / 10,
        all_terminal_after_s: Math.round((finished - started) / 100) / 10,
        tasks_per_min: Math.round(TASKS / ((finished - started) / 60_000)),
        tasks_retried: attempts.filter((n) => n > 1).length,
        max_attempts_used: Math.max(...attempts),
        pages_fetched: site.requests.length,
        pages_stored: TASKS * PAGES_PER_TASK,
      };
      console.log(`\nload figures: ${JSON.stringify(figures)}\n`);
    },
    15 * 60_000,
  );
});
