/**
 * Keeps N crawler worker processes alive (./worker-process.ts), as Lambda keeps sandboxes:
 * a worker that dies unexpectedly is replaced (one log line, and a growing pause if it keeps
 * dying at once). `stop()` sends SIGTERM to all and SIGKILL to any still alive after the grace.
 *
 * The watchdog: every worker sends a heartbeat while its event loop runs. A ready worker
 * silent for longer than `hangTimeoutMs` is hung (a page or task that blocks it), and so is
 * one whose invocation runs past `invocationTimeoutMs`, as Lambda kills an invocation at the
 * function's timeout. It is killed with everything below it (its Chromium), replaced like a
 * worker that died, and the task it had claimed is reported through `onTaskHung`, so the
 * hang is recorded on the task (./interrupted.ts) instead of the next worker finding the
 * lease expired much later.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ENV } from "../core/config.js";
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
  /**
   * A ready worker that sent no heartbeat for this long is killed and replaced. Keep it well
   * under the task lease (60 s, renewed every 15 s), so the pool acts while the hung worker
   * still holds its task. 0 turns the watchdog off. @default 30_000
   */
  hangTimeoutMs?: number;
  /**
   * A worker still handling one message this long after it started is killed, as Lambda ends
   * an invocation at the function's timeout (the crawler hands over well before it). 0: never.
   * @default 0
   */
  invocationTimeoutMs?: number;
  /**
   * Called, once the worker is gone, when the watchdog killed a worker in the middle of a
   * task (instead of `onTaskInterrupted`).
   */
  onTaskHung?: (hang: HungWorker) => void;
}

/** A worker the watchdog killed during a task. */
export interface HungWorker {
  taskId: string;
  /** "silent": its heartbeat stopped; "timeout": its invocation ran past the function's timeout. */
  reason: HangReason;
  /** The lease owner of the worker's claim, when it had claimed the task (see WorkerMessage "claimed"). */
  leaseOwner?: string;
  /** 1-based worker number. */
  workerId: number;
  /** How long it had been silent when it was killed. */
  silentMs: number;
  /** How long its invocation had run when it was killed. */
  busyMs: number;
}

export type HangReason = "silent" | "timeout";

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
  hangTimeoutMs: 30_000,
  invocationTimeoutMs: 0,
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
  /** The lease owner of its claim of `taskId`, once it said. */
  leaseOwner?: string;
  /** When it started the message it is handling; undefined between messages. */
  busySince?: number;
  /** It said "ready": from then on the watchdog expects its heartbeat. */
  ready: boolean;
  /** When it was last heard from (any message counts). */
  lastHeardAt: number;
  /** Set when the watchdog killed it: why, and how long it had been silent and busy. */
  hung?: { reason: HangReason; silentMs: number; busyMs: number };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Forks the workers at once; await `ready` before counting on them. `stop()` works at any time. */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const settings = { ...defaults, ...options };
  const slots: Slot[] = Array.from({ length: settings.size }, (_, i) => ({
    id: i + 1,
    startedAt: 0,
    quickDeaths: 0,
    ready: false,
    lastHeardAt: 0,
  }));
  let stopping = false;

  function spawn(slot: Slot): Promise<void> {
    slot.startedAt = Date.now();
    slot.lastHeardAt = slot.startedAt;
    slot.ready = false;
    // fork() reuses process.execArgv, so workers load TypeScript through tsx as this process does.
    const child = fork(settings.entry, [], {
      env: { ...settings.env, [ENV.crawlWorkerId]: String(slot.id) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    slot.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      child.on("message", (message: WorkerMessage) => {
        slot.lastHeardAt = Date.now();
        if (message?.type === "ready") {
          slot.ready = true;
          resolve();
        }
        if (message?.type === "busy") {
          slot.taskId = message.taskId;
          slot.leaseOwner = undefined;
          slot.busySince = message.messageId === undefined ? undefined : slot.lastHeardAt;
        }
        if (message?.type === "claimed" && message.taskId === slot.taskId) slot.leaseOwner = message.leaseOwner;
        if (message?.type === "fatal") reject(new Error(`worker ${slot.id} cannot start: ${message.message}`));
      });
      child.once("exit", (code, signal) =>
        reject(new Error(`worker ${slot.id} exited while starting (${describeExit(code, signal)})`)),
      );
    });
    child.once("exit", (code, signal) => onExit(slot, child, code, signal));
    return ready;
  }

  function onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child === child) slot.child = undefined;
    const { taskId, leaseOwner, hung } = slot;
    slot.taskId = undefined;
    slot.leaseOwner = undefined;
    slot.busySince = undefined;
    slot.hung = undefined;
    slot.ready = false;
    if (stopping) return;
    const lived = Date.now() - slot.startedAt;
    slot.quickDeaths = lived < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
    const delayMs = Math.min(500 * 2 ** slot.quickDeaths, MAX_RESTART_DELAY_MS);
    const during = taskId ? ` during task ${taskId}` : "";
    const how = hung === undefined ? "died" : "was killed for hanging";
    settings.log(
      `worker ${slot.id} ${how}${during} (${describeExit(code, signal)}); starting a new one in ${seconds(delayMs)}`,
    );
    // Reported only now: a killed worker can no longer write to its task.
    if (taskId && hung !== undefined && settings.onTaskHung) {
      settings.onTaskHung({ taskId, ...(leaseOwner ? { leaseOwner } : {}), workerId: slot.id, ...hung });
    } else if (taskId) settings.onTaskInterrupted?.(taskId);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!stopping) spawn(slot).catch((error: Error) => settings.log(error.message));
    }, delayMs);
  }

  /**
   * Kills ready workers silent for longer than the limit, or busy past the invocation
   * timeout. If this process itself was stalled (its timer ran late), the silence may be its
   * own: every worker gets a fresh window, since heartbeats queued meanwhile are read only
   * after this timer.
   */
  const limits = [settings.hangTimeoutMs, settings.invocationTimeoutMs].filter((ms) => ms > 0);
  const watchdogTickMs = Math.max(100, Math.min(1000, ...limits.map((ms) => ms / 4)));
  let lastTick = Date.now();
  function watch(): void {
    const now = Date.now();
    const stalled = now - lastTick > 2 * watchdogTickMs + 500;
    lastTick = now;
    for (const slot of slots) {
      const child = slot.child;
      if (stalled) slot.lastHeardAt = Math.max(slot.lastHeardAt, now);
      if (stopping || stalled || child === undefined || !slot.ready || slot.hung !== undefined) continue;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const silentMs = now - slot.lastHeardAt;
      const busyMs = slot.busySince === undefined ? 0 : now - slot.busySince;
      const silent = settings.hangTimeoutMs > 0 && silentMs > settings.hangTimeoutMs;
      const overran = settings.invocationTimeoutMs > 0 && busyMs > settings.invocationTimeoutMs;
      if (!silent && !overran) continue;
      slot.hung = { reason: silent ? "silent" : "timeout", silentMs, busyMs };
      const during = slot.taskId ? ` during task ${slot.taskId}` : "";
      const why = silent
        ? `no heartbeat for ${seconds(silentMs)}`
        : `its invocation ran past the function's timeout (${seconds(busyMs)})`;
      settings.log(`worker ${slot.id} hung: ${why}${during}; killing it and its browser`);
      // Its Chromium runs in a process group of its own: the whole tree goes.
      if (child.pid === undefined) child.kill("SIGKILL");
      else killTree(child.pid);
    }
  }
  const watchdog = limits.length > 0 ? setInterval(watch, watchdogTickMs) : undefined;
  watchdog?.unref();

  async function stop(graceMs = 2500): Promise<void> {
    stopping = true;
    clearInterval(watchdog);
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
            const killTimer = setTimeout(
              () => (child.pid === undefined ? child.kill("SIGKILL") : killTree(child.pid)),
              graceMs,
            );
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
    readyTimer = setTimeout(
      () => reject(new Error(`workers not ready within ${settings.readyTimeoutMs / 1000} s`)),
      settings.readyTimeoutMs,
    );
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
