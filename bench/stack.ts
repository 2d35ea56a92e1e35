import { api } from "../tests/support/api.js";
import { startStack, type RunningStack } from "../tests/support/stack.js";
import { HOST_LIMIT_DEFAULTS } from "../core/politeness/constants.js";
import { startLoopbackSite, type LoopbackSite } from "./loopbackSite.js";
import { loadNow, measuredLine } from "./report.js";
import { formatMs, percentile, sleep } from "./stats.js";

/**
 * Issue 5, item 2: web tasks end to end through the one-machine stack (`npm start`, run by
 * tests/support/stack.ts with CRAWL_CONCURRENCY=2), created through its HTTP API, each a
 * one-page `detail` crawl of a page of bench/loopbackSite.ts. Latencies come from the task
 * records themselves: created_at (set by the API), started_at (set when a worker claims the
 * task: `running`), finished_at (`completed`), all on this machine's clock.
 *
 * Scenarios, on one stack, after a warm-up that launches both workers' Chromium:
 * - paced: one task at a time, the next created once the previous completed, so a worker is
 *   always idle and waiting: create→running is the pick-up latency (target ≤ 1 s p95);
 * - burst, one host: all tasks at once from several clients, every page on 127.0.0.1, with
 *   the default per-host politeness (one page start per 250 ms per host);
 * - burst, spread: the same over several loopback host names, so politeness does not bind.
 */

export interface StackBenchOptions {
  quick: boolean;
  /** Tasks per burst. @default 200 (quick: 20) */
  tasks?: number;
  /** Tasks in the paced scenario. @default 20 (quick: 5) */
  paced?: number;
  /** Host names of the spread burst. @default 8 */
  hosts?: number;
  /** Concurrent API clients creating a burst. @default 10 */
  clients?: number;
  /** Crawler worker processes. @default 2 */
  workers?: number;
}

interface TaskRecord {
  task_id: string;
  status: string;
  attempts: number;
  created_at: string;
  started_at?: string;
  finished_at?: string;
}

export interface ScenarioFigures {
  name: string;
  tasks: number;
  hosts: number;
  completed: number;
  /** Tasks that needed more than one attempt. */
  retried: number;
  createToRunningMs: number[];
  createToCompletedMs: number[];
  /** Completed tasks per minute, first created_at to last finished_at; undefined when paced (the pauses set it). */
  tasksPerMin?: number;
  /** Time between consecutive page requests arriving from the same host name (bursts): the politeness delay shows here. */
  pageStartGapsMs: number[];
}

export interface StackFigures {
  /** 1-minute load average when the measurement started. */
  loadAtStart: number;
  workers: number;
  clients: number;
  scenarios: ScenarioFigures[];
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const TASK_TIMEOUT_MS = 10 * 60_000;

async function createTask(stack: RunningStack, url: string): Promise<string> {
  const created = await api<TaskRecord>(stack.url, "POST", "/api/v1/tasks", {
    platform: "web",
    crawler_type: "detail",
    urls: [url],
    render: "always",
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body.message}`);
  return created.body.data.task_id;
}

/** Polls the tasks one request at a time (so watching adds next to no load) until all are terminal. */
async function waitForAll(stack: RunningStack, ids: string[]): Promise<TaskRecord[]> {
  const done = new Map<string, TaskRecord>();
  const deadline = Date.now() + TASK_TIMEOUT_MS;
  while (done.size < ids.length) {
    if (Date.now() > deadline)
      throw new Error(`${ids.length - done.size} task(s) not terminal after ${TASK_TIMEOUT_MS / 1000} s`);
    for (const id of ids) {
      if (done.has(id)) continue;
      const { body } = await api<TaskRecord>(stack.url, "GET", `/api/v1/tasks/${id}`);
      if (!TERMINAL.has(body.data.status)) break;
      done.set(id, body.data);
    }
    if (done.size < ids.length) await sleep(250);
  }
  return ids.map((id) => done.get(id) as TaskRecord);
}

/** Gaps between consecutive first requests of `paths`, per host (path i went to host i mod hosts). */
function pageStartGaps(site: LoopbackSite, paths: string[], hosts: number): number[] {
  return Array.from({ length: hosts }, (_, host) => {
    const arrivals = paths
      .flatMap((path, i) => (i % hosts === host ? (site.firstRequestAt(path) ?? []) : []))
      .sort((a, b) => a - b);
    return arrivals.slice(1).map((at, i) => at - (arrivals[i] as number));
  }).flat();
}

function figuresOf(
  name: string,
  hosts: number,
  tasks: TaskRecord[],
  paced: boolean,
  pageStartGapsMs: number[] = [],
): ScenarioFigures {
  const at = (iso: string | undefined): number => (iso === undefined ? Number.NaN : Date.parse(iso));
  const completed = tasks.filter((t) => t.status === "completed");
  const span = Math.max(...completed.map((t) => at(t.finished_at))) - Math.min(...tasks.map((t) => at(t.created_at)));
  return {
    name,
    tasks: tasks.length,
    hosts,
    completed: completed.length,
    retried: tasks.filter((t) => t.attempts > 1).length,
    createToRunningMs: completed.map((t) => at(t.started_at) - at(t.created_at)),
    createToCompletedMs: completed.map((t) => at(t.finished_at) - at(t.created_at)),
    ...(paced ? {} : { tasksPerMin: completed.length === 0 ? 0 : (completed.length / span) * 60_000 }),
    pageStartGapsMs,
  };
}

async function burst(
  stack: RunningStack,
  site: LoopbackSite,
  label: string,
  count: number,
  hosts: number,
  clients: number,
): Promise<TaskRecord[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const client = async (): Promise<void> => {
    // Task i's page is /<label>/<i> on host i mod hosts (pageStartGaps relies on it).
    for (let i = next++; i < count; i = next++)
      ids[i] = await createTask(stack, site.urlFor(i % hosts, `/${label}/${i}`));
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, client));
  return waitForAll(stack, ids);
}

export async function measureStack(options: StackBenchOptions): Promise<StackFigures> {
  const settings = {
    tasks: options.tasks ?? (options.quick ? 20 : 200),
    paced: options.paced ?? (options.quick ? 5 : 20),
    hosts: options.hosts ?? 8,
    clients: options.clients ?? 10,
    workers: options.workers ?? 2,
  };
  const loadAtStart = loadNow();
  const site = await startLoopbackSite({ hosts: settings.hosts });
  const stack = await startStack({
    env: { CRAWL_CONCURRENCY: String(settings.workers), LOG_LEVEL: "ERROR" },
    readyTimeoutMs: 120_000,
  });
  try {
    // Both workers launch Chromium on their first task; that cold start is item 3's figure, not this one's.
    await burst(stack, site, "warmup", 2 * settings.workers, 1, 2 * settings.workers);

    const scenarios: ScenarioFigures[] = [];
    const paced: TaskRecord[] = [];
    for (let i = 0; i < settings.paced; i += 1) {
      const id = await createTask(stack, site.urlFor(0, `/paced/${i}`));
      paced.push(...(await waitForAll(stack, [id])));
      // More than the default per-host delay, so the next page is never held back by politeness.
      await sleep(HOST_LIMIT_DEFAULTS.delayMs + 50);
    }
    scenarios.push(figuresOf("paced: one task at a time, workers idle", 1, paced, true));
    console.error(`stack: paced ${settings.paced} done`);

    for (const [label, hosts] of [
      ["one-host", 1],
      ["spread", settings.hosts],
    ] as const) {
      const tasks = await burst(stack, site, label, settings.tasks, hosts, settings.clients);
      const name =
        hosts === 1
          ? "burst, one host name (127.0.0.1)"
          : `burst, spread over ${hosts} host names (127.0.0.1–${hosts})`;
      const paths = Array.from({ length: settings.tasks }, (_, i) => `/${label}/${i}`);
      scenarios.push(figuresOf(name, hosts, tasks, false, pageStartGaps(site, paths, hosts)));
      console.error(`stack: ${name}: ${settings.tasks} done`);
    }
    return { loadAtStart, workers: settings.workers, clients: settings.clients, scenarios };
  } finally {
    await stack.stop();
    await site.close();
  }
}

const gapText = (scenario: ScenarioFigures | undefined): string =>
  scenario === undefined || scenario.pageStartGapsMs.length === 0
    ? "n/a"
    : `${formatMs(percentile(scenario.pageStartGapsMs, 50))}, ${formatMs(percentile(scenario.pageStartGapsMs, 5))}`;

export function stackMarkdown(figures: StackFigures, quick: boolean): string {
  const rows = figures.scenarios.map((s) => {
    const failed = s.tasks - s.completed;
    return `| ${s.name} | ${s.completed}/${s.tasks}${failed > 0 ? ` (${failed} not completed)` : ""}${s.retried > 0 ? `, ${s.retried} retried` : ""} | ${formatMs(percentile(s.createToRunningMs, 50))} | ${formatMs(percentile(s.createToRunningMs, 95))} | ${formatMs(percentile(s.createToCompletedMs, 50))} | ${formatMs(percentile(s.createToCompletedMs, 95))} | ${s.tasksPerMin === undefined ? "— (paced)" : s.tasksPerMin.toFixed(0)} |`;
  });
  const paced = figures.scenarios[0];
  const pickUpP95 = paced === undefined ? Number.NaN : percentile(paced.createToRunningMs, 95);
  const politenessCap = 60_000 / HOST_LIMIT_DEFAULTS.delayMs;
  const oneHost = figures.scenarios.find((s) => s.hosts === 1 && s.tasksPerMin !== undefined);
  const spread = figures.scenarios.find((s) => s.hosts > 1);
  // Bound by politeness when it ran near the cap, or when its pages mostly started one delay apart.
  const capBinds =
    oneHost?.tasksPerMin !== undefined &&
    (oneHost.tasksPerMin >= 0.9 * politenessCap ||
      percentile(oneHost.pageStartGapsMs, 50) <= 1.1 * HOST_LIMIT_DEFAULTS.delayMs);
  return `## End to end through the one-machine stack (issue 5, item 2)

${measuredLine(quick, figures.loadAtStart)}

The \`npm start\` stack (tests/support/stack.ts) with CRAWL_CONCURRENCY=${figures.workers}; each task is \`{"platform":"web","crawler_type":"detail","urls":[one page],"render":"always"}\` (in Chromium, as before render existed)
created with POST /api/v1/tasks, its page served by bench/loopbackSite.ts. Times from the task records: create→running is
started_at − created_at (a worker claimed it), create→completed is finished_at − created_at; tasks/min is completed tasks
÷ (last finished_at − first created_at). A warm-up of ${2 * figures.workers} tasks launched each worker's Chromium first (cold starts: next section).

| scenario | completed / tasks | create→running p50 | p95 | create→completed p50 | p95 | tasks/min |
|---|---|---|---|---|---|---|
${rows.join("\n")}

- Pick-up latency (paced: a worker is idle when the task is created), p95: **${formatMs(pickUpP95)}** (target ≤ 1 s).
- In the bursts, create→running is mostly time spent queued behind other tasks (${figures.workers} workers, one task each at a time); bursts were created by ${figures.clients} concurrent clients.
- Politeness: the default per-host limit (${HOST_LIMIT_DEFAULTS.concurrency} pages at once, one page start per ${HOST_LIMIT_DEFAULTS.delayMs} ms per host name, across all workers; a task may ask for
  \`host_delay_ms\`, env HOST_MIN_DELAY_MS only raises it) caps one host at ${politenessCap} one-page tasks/min. The one-host burst ran with the defaults and reached
  ${oneHost?.tasksPerMin?.toFixed(0) ?? "n/a"} tasks/min: ${capBinds ? "**politeness is the limit there** (rate near the cap, or pages one delay apart), not the workers" : "below the cap and with pages further apart than the delay, so the workers were the limit"}. The spread burst sends task i to host name
  i mod ${spread?.hosts ?? "?"} (127.0.0.k all reach the local server), so the per-host cap allows ${spread === undefined ? "?" : spread.hosts * politenessCap} tasks/min and the ${figures.workers} workers are the limit:
  ${spread?.tasksPerMin?.toFixed(0) ?? "n/a"} tasks/min.
- Time between consecutive page requests from one host name, as they reached the site (median, p5): one-host burst
  ${gapText(oneHost)}; spread burst, within each host name, ${gapText(spread)}. A median close to ${HOST_LIMIT_DEFAULTS.delayMs} ms means
  pages waited for the per-host delay.
`;
}
