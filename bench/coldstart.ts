import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAwsClients, type AwsClients } from "../core/aws/clients.js";
import { HOST_LIMIT_DEFAULTS } from "../core/politeness/constants.js";
import { SqsTaskQueue, type TaskQueue } from "../core/queue/taskQueue.js";
import { DynamoResultStore } from "../core/results/store.js";
import { DynamoTaskStore, TaskService } from "../core/tasks/index.js";
import { ensureQueues, ensureTables } from "../local/resources.js";
import { startDynamoServer, startSqsServer, type RunningServer } from "../local/servers.js";
import type { WorkerMessage } from "../local/worker-process.js";
import { POLL_WAIT_SECS } from "../local/worker.js";
import { startLoopbackSite, type LoopbackSite } from "./loopbackSite.js";
import { loadNow, measuredLine } from "./report.js";
import { formatMs, median, percentile, sleep } from "./stats.js";

/**
 * Issue 5, item 3: how long a crawler worker takes from a crawl message being sent to the
 * first navigation (the first request for the task's page reaching bench/loopbackSite.ts).
 *
 * The real worker: local/worker-process.ts forked as the stack's worker pool forks it (its
 * SQS long poll, functions/crawler/handler.ts, runTask, the shared WarmBrowser), against
 * dynalite and local-aws-sqs started here. Tasks are stored and queued by TaskService as the
 * API does; "sent" is when its SendMessage call starts.
 *
 * - cold, Chromium unpacked first: a fresh worker process whose TMPDIR is a new empty
 *   directory, so @sparticuz/chromium inflates its ~200 MB binary there (as in a new Lambda
 *   sandbox) before launching it. The shared /tmp/chromium is left alone.
 * - cold, Chromium present: a fresh worker process with the binary already in /tmp:
 *   browser launch only.
 * - warm: the following messages to the same process, one at a time, each once the previous
 *   task completed and the per-host delay has passed (so politeness never holds the page).
 *
 * A fresh worker has already imported the handler when it says "ready" (as Lambda's init
 * phase does); that spawn → ready time is reported apart.
 */

export interface ColdStartOptions {
  quick: boolean;
  /** Fresh processes per cold variant. @default 3 (quick: 1) */
  processes?: number;
  /** Warm messages per process. @default 5 (quick: 3) */
  warmPerProcess?: number;
}

export type ColdVariant = "unpack" | "present";

export interface ColdStartFigures {
  /** 1-minute load average when the measurement started. */
  loadAtStart: number;
  /** Fresh process: fork → "ready" (Node start, tsx, handler imports). */
  spawnToReadyMs: number[];
  /** Message sent → first navigation, first message of a fresh process, by variant. */
  coldMs: Record<ColdVariant, number[]>;
  /** Message sent → first navigation, later messages in the same process. */
  warmMs: number[];
  /** Where a warm message's time goes: sent → the worker hands it to the handler (SQS receive, IPC notice). */
  warmReceivedMs: number[];
  /** Sent → the task claimed as `running` (started_at), warm. */
  warmClaimedMs: number[];
  /** Message sent → task completed (finished_at), warm. */
  warmCompletedMs: number[];
}

const WORKER_ENTRY = fileURLToPath(new URL("../local/worker-process.ts", import.meta.url));
const TABLES = {
  tasksTable: "tasks",
  resultsTable: "results",
  politenessTable: "politeness",
  accountsTable: "accounts",
};
const NAVIGATION_TIMEOUT_MS = 120_000;

interface Backend {
  dynamo: RunningServer;
  sqs: RunningServer;
  clients: AwsClients;
  queueUrl: string;
  service: TaskService;
  tasks: DynamoTaskStore;
  /** When the last SendMessage call started (epoch ms). */
  lastSentAt(): number;
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  process.env.AWS_REGION ??= "us-east-1";
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  const [dynamo, sqs] = await Promise.all([startDynamoServer(), startSqsServer()]);
  const clients = createAwsClients({ dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint });
  await ensureTables(clients.dynamo, TABLES);
  const { queueUrl } = await ensureQueues(clients.sqs, {
    queueName: "crawl-tasks",
    deadLetterQueueName: "crawl-tasks-dlq",
    visibilityTimeoutSecs: 600,
    maxReceiveCount: 10,
  });
  const inner = new SqsTaskQueue(clients.sqs, queueUrl);
  let sentAt = 0;
  const queue: TaskQueue = {
    send: (message, options) => {
      sentAt = Date.now();
      return inner.send(message, options);
    },
    ping: () => inner.ping(),
  };
  const tasks = new DynamoTaskStore(clients.doc, TABLES.tasksTable);
  const service = new TaskService({ tasks, results: new DynamoResultStore(clients.doc, TABLES.resultsTable), queue });
  return {
    dynamo,
    sqs,
    clients,
    queueUrl,
    service,
    tasks,
    lastSentAt: () => sentAt,
    close: async () => {
      clients.dynamo.destroy();
      clients.sqs.destroy();
      await Promise.all([dynamo.close(), sqs.close()]);
    },
  };
}

/** What local/main.ts gives its workers, pointed at this benchmark's servers. */
function workerEnv(backend: Backend, tmp: string | undefined): NodeJS.ProcessEnv {
  const { CHROMIUM_PATH: _ignored, ...inherited } = process.env;
  return {
    ...inherited,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: backend.dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: backend.sqs.endpoint,
    TASKS_TABLE: TABLES.tasksTable,
    RESULTS_TABLE: TABLES.resultsTable,
    POLITENESS_TABLE: TABLES.politenessTable,
    ACCOUNTS_TABLE: TABLES.accountsTable,
    TASK_QUEUE_URL: backend.queueUrl,
    CRAWLER_TIMEOUT_SECS: "120",
    ALLOW_PRIVATE_TARGETS: "1",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    ACCOUNTS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    CREATOR_HASH_SECRET: randomBytes(32).toString("hex"),
    CRAWL_WORKER_ID: "1",
    ...(tmp === undefined ? {} : { TMPDIR: tmp }),
  };
}

interface RunningWorker {
  child: ChildProcess;
  ready: Promise<void>;
  /** When the worker said it hands this task's message to the handler (its "busy" notice). */
  receivedAt(taskId: string): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

function forkWorker(env: NodeJS.ProcessEnv): RunningWorker {
  const child = fork(WORKER_ENTRY, [], {
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const received = new Map<string, number>();
  child.on("message", (message: WorkerMessage) => {
    if (message?.type === "busy" && message.taskId !== undefined) received.set(message.taskId, Date.now());
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (message: WorkerMessage) => {
      if (message?.type === "ready") resolve();
      if (message?.type === "fatal") reject(new Error(`worker cannot start: ${message.message}`));
    });
    void exited.then(() => reject(new Error(`worker exited while starting:\n${output}`)));
  });
  return {
    child,
    ready,
    receivedAt: (taskId) => received.get(taskId),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killTimer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}

async function waitForCompletion(
  backend: Backend,
  taskId: string,
): Promise<{ started_at: string; finished_at: string }> {
  const deadline = Date.now() + NAVIGATION_TIMEOUT_MS;
  for (;;) {
    const task = await backend.tasks.get(taskId);
    if (task?.status === "completed" && task.finished_at && task.started_at)
      return { started_at: task.started_at, finished_at: task.finished_at };
    if (task?.status === "failed" || task?.status === "cancelled")
      throw new Error(`task ${taskId} ${task.status}: ${JSON.stringify(task.error)}`);
    if (Date.now() > deadline)
      throw new Error(`task ${taskId} still ${task?.status} after ${NAVIGATION_TIMEOUT_MS / 1000} s`);
    await sleep(50);
  }
}

interface TaskTimes {
  navigationMs: number;
  receivedMs: number;
  claimedMs: number;
  completedMs: number;
}

/** Sends one task; times from its message being sent. */
async function oneTask(backend: Backend, worker: RunningWorker, site: LoopbackSite, path: string): Promise<TaskTimes> {
  const { task } = await backend.service.create({
    platform: "web",
    crawler_type: "detail",
    urls: [site.urlFor(0, path)],
    render: "always",
  });
  const sentAt = backend.lastSentAt();
  const navigatedAt = await site.waitForRequest(path, NAVIGATION_TIMEOUT_MS).catch(async (error: Error) => {
    const stored = await backend.tasks.get(task.task_id);
    throw new Error(
      `${error.message}; task ${task.task_id} is ${stored?.status} ${JSON.stringify(stored?.error ?? {})}`,
    );
  });
  const record = await waitForCompletion(backend, task.task_id);
  return {
    navigationMs: navigatedAt - sentAt,
    receivedMs: (worker.receivedAt(task.task_id) ?? Number.NaN) - sentAt,
    claimedMs: Date.parse(record.started_at) - sentAt,
    completedMs: Date.parse(record.finished_at) - sentAt,
  };
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartFigures> {
  const processes = options.processes ?? (options.quick ? 1 : 3);
  const warmPerProcess = options.warmPerProcess ?? (options.quick ? 3 : 5);
  const figures: ColdStartFigures = {
    loadAtStart: loadNow(),
    spawnToReadyMs: [],
    coldMs: { unpack: [], present: [] },
    warmMs: [],
    warmReceivedMs: [],
    warmClaimedMs: [],
    warmCompletedMs: [],
  };
  const site = await startLoopbackSite();
  const backend = await startBackend();
  let sample = 0;
  try {
    for (let round = 0; round < processes; round += 1) {
      for (const variant of ["unpack", "present"] as const) {
        const tmp = variant === "unpack" ? mkdtempSync(join(tmpdir(), "bench-cold-")) : undefined;
        const worker = forkWorker(workerEnv(backend, tmp));
        try {
          const forkedAt = Date.now();
          await worker.ready;
          figures.spawnToReadyMs.push(Date.now() - forkedAt);
          // Let its first long poll reach the queue, as an idle sandbox waiting for events would be.
          await sleep(500);
          const cold = await oneTask(backend, worker, site, `/cold/${sample++}`);
          figures.coldMs[variant].push(cold.navigationMs);
          if (tmp !== undefined && !existsSync(join(tmp, "chromium")))
            throw new Error(`the worker did not unpack Chromium into ${tmp}`);
          for (let i = 0; i < warmPerProcess; i += 1) {
            await sleep(HOST_LIMIT_DEFAULTS.delayMs + 150);
            const warm = await oneTask(backend, worker, site, `/warm/${sample++}`);
            figures.warmMs.push(warm.navigationMs);
            figures.warmReceivedMs.push(warm.receivedMs);
            figures.warmClaimedMs.push(warm.claimedMs);
            figures.warmCompletedMs.push(warm.completedMs);
          }
          console.error(
            `coldstart: ${variant} round ${round + 1}: cold ${cold.navigationMs} ms, warm ${figures.warmMs.slice(-warmPerProcess).join(", ")} ms`,
          );
        } catch (error) {
          throw new Error(`${(error as Error).message}\nworker output:\n${worker.output().slice(-2000)}`);
        } finally {
          await worker.stop();
          if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
          // local-aws-sqs keeps a stopped worker's long poll open until its wait ends and would hand
          // the next message to that dead connection (invisible for the visibility timeout).
          await sleep(POLL_WAIT_SECS * 1000 + 500);
        }
      }
    }
    return figures;
  } finally {
    await backend.close();
    await site.close();
  }
}

export function coldStartMarkdown(figures: ColdStartFigures, quick: boolean): string {
  const row = (label: string, values: number[]): string =>
    `| ${label} | ${values.length} | ${formatMs(median(values))} | ${formatMs(Math.min(...values))} – ${formatMs(Math.max(...values))} |`;
  return `## Cold and warm crawler start (issue 5, item 3)

${measuredLine(quick, figures.loadAtStart)}

A crawler worker as the stack runs it (local/worker-process.ts, forked with the stack's environment, against dynalite and
local-aws-sqs started by the benchmark) gets one-page web \`detail\` tasks stored and queued by TaskService, as the API does.
Time: SendMessage call started → first request for the task's page at the local site (the first navigation), on one clock.

| case | samples | median | min – max |
|---|---|---|---|
${row("cold: fresh process, Chromium unpacked first (empty TMPDIR) + browser launch", figures.coldMs.unpack)}
${row("cold: fresh process, Chromium already in /tmp, browser launch", figures.coldMs.present)}
${row("**warm**: next message to the same process", figures.warmMs)}
${row("warm, message sent → worker hands it to the handler", figures.warmReceivedMs)}
${row("warm, message sent → task claimed (started_at)", figures.warmClaimedMs)}
${row("warm, message sent → task completed (finished_at)", figures.warmCompletedMs)}
${row("(fresh process: fork → ready, i.e. Node + tsx + handler imports, before any message)", figures.spawnToReadyMs)}

- Warm message → first navigation, median: **${formatMs(median(figures.warmMs))}**, p95 ${formatMs(percentile(figures.warmMs, 95))} (target ≤ 100 ms). It includes the worker's SQS receive,
  the task claim in DynamoDB, the per-host politeness slot (a DynamoDB write), a fresh browser context and page, and request interception setup.
- Each warm message is sent once the previous task completed and ${HOST_LIMIT_DEFAULTS.delayMs + 150} ms passed, so the per-host delay (${HOST_LIMIT_DEFAULTS.delayMs} ms) never holds the page back.
`;
}
