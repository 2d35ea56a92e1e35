/**
 * Keeps N crawler worker processes alive (./worker-process.ts), as Lambda keeps sandboxes:
 * a worker that dies unexpectedly is replaced (one log line, and a growing pause if it keeps
 * dying at once). `stop()` sends SIGTERM to all and SIGKILL to any still alive after the grace.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { killTree } from "./process-tree.js";
import type { WorkerMessage } from "./worker-process.js";

export interface WorkerPoolOptions {
  /** Number of worker processes. */
  size: number;
  /** Environment of every worker (the stack's endpoints, tables, queue URL). */
  env: NodeJS.ProcessEnv;
  /** @default ./worker-process.ts beside this file */
  entry?: string;
  /** start() rejects if a worker has not said "ready" within this. @default 60_000 */
  readyTimeoutMs?: number;
  /** Where pool events go (one line each). @default console.error */
  log?: (line: string) => void;
  /** Called when a worker died in the middle of a task, with that task's id. */
  onTaskInterrupted?: (taskId: string) => void;
}

export interface WorkerPool {
  /** Resolves once every worker has said "ready"; rejects if one cannot start in time. */
  readonly ready: Promise<void>;
  /** Process ids of the live workers. */
  pids(): number[];
  /** SIGTERM to every worker, SIGKILL after `graceMs`; resolves when all have exited. */
  stop(graceMs?: number): Promise<void>;
}

const defaults = {
  entry: fileURLToPath(new URL("./worker-process.ts", import.meta.url)),
  readyTimeoutMs: 60_000,
  log: (line: string) => console.error(line),
};

/** A worker that dies sooner than this after starting counts as crash-looping. */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

interface Slot {
  id: number;
  child?: ChildProcess;
  startedAt: number;
  quickDeaths: number;
  restartTimer?: NodeJS.Timeout;
  /** Task the worker is handling, as it last said. */
  taskId?: string;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/** Forks the workers at once; await `ready` before counting on them. `stop()` works at any time. */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const settings = { ...defaults, ...options };
  const slots: Slot[] = Array.from({ length: settings.size }, (_, i) => ({ id: i + 1, startedAt: 0, quickDeaths: 0 }));
  let stopping = false;

  function spawn(slot: Slot): Promise<void> {
    slot.startedAt = Date.now();
    // fork() reuses process.execArgv, so workers load TypeScript through tsx as this process does.
    const child = fork(settings.entry, [], {
      env: { ...settings.env, CRAWL_WORKER_ID: String(slot.id) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    slot.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      child.on("message", (message: WorkerMessage) => {
        if (message?.type === "ready") resolve();
        if (message?.type === "busy") slot.taskId = message.taskId;
        if (message?.type === "fatal") reject(new Error(`worker ${slot.id} cannot start: ${message.message}`));
      });
      child.once("exit", (code, signal) => reject(new Error(`worker ${slot.id} exited while starting (${describeExit(code, signal)})`)));
    });
    child.once("exit", (code, signal) => onExit(slot, child, code, signal));
    return ready;
  }

  function onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child === child) slot.child = undefined;
    const taskId = slot.taskId;
    slot.taskId = undefined;
    if (stopping) return;
    const lived = Date.now() - slot.startedAt;
    slot.quickDeaths = lived < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
    const delayMs = Math.min(500 * 2 ** slot.quickDeaths, MAX_RESTART_DELAY_MS);
    const during = taskId ? ` during task ${taskId}` : "";
    settings.log(`worker ${slot.id} died${during} (${describeExit(code, signal)}); starting a new one in ${(delayMs / 1000).toFixed(1)} s`);
    if (taskId) settings.onTaskInterrupted?.(taskId);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!stopping) spawn(slot).catch((error: Error) => settings.log(error.message));
    }, delayMs);
  }

  async function stop(graceMs = 2500): Promise<void> {
    stopping = true;
    const alive = slots.flatMap((slot) => {
      clearTimeout(slot.restartTimer);
      const child = slot.child;
      return child && child.exitCode === null && child.signalCode === null ? [child] : [];
    });
    await Promise.all(
      alive.map(
        (child) =>
          new Promise<void>((resolve) => {
            // Past the grace, the worker and its browser (in a process group of its own) go together.
            const killTimer = setTimeout(() => (child.pid === undefined ? child.kill("SIGKILL") : killTree(child.pid)), graceMs);
            child.once("exit", () => {
              clearTimeout(killTimer);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
  }

  let readyTimer: NodeJS.Timeout | undefined;
  const readyTimeout = new Promise<never>((_, reject) => {
    readyTimer = setTimeout(() => reject(new Error(`workers not ready within ${settings.readyTimeoutMs / 1000} s`)), settings.readyTimeoutMs);
  });
  const ready = Promise.race([Promise.all(slots.map(spawn)), readyTimeout]).then(
    () => clearTimeout(readyTimer),
    (error: unknown) => {
      clearTimeout(readyTimer);
      throw error;
    },
  );
  // Whoever awaits `ready` sees the error; this only keeps an unawaited failure from crashing the process.
  ready.catch(() => undefined);
  return {
    ready,
    pids: () => slots.flatMap((slot) => (slot.child?.pid !== undefined ? [slot.child.pid] : [])),
    stop,
  };
}
