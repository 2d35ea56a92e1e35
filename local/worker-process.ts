/**
 * Entry point of one crawler worker process — the local counterpart of a Lambda sandbox.
 * Forked by ./worker-pool.ts with the stack's environment (endpoints, table names, queue URL).
 *
 * Stopping: on SIGTERM, or when the parent goes away, the worker stops polling. An idle
 * worker closes its browser (shutdownCrawler) and exits. A worker in the middle of a task
 * exits at once, as a Lambda sandbox that is shut down would: the task stays `running` in
 * its table and the next start of the stack picks it up again (recoverAfterRestart).
 * SIGINT is ignored: on Ctrl+C the terminal signals every process, and the parent decides.
 *
 * Heartbeat: a timer sends the parent a message every {@link WORKER_HEARTBEAT_MS}. Crawling
 * is asynchronous, so a busy worker keeps sending it; only a worker whose event loop stopped
 * (a script that never yields, a stuck synchronous call) falls silent, and the pool's
 * watchdog kills it (local/worker-pool.ts).
 */
import { sharedAwsClients } from "../core/aws/clients.js";
import { loadConfig, readVariable, VARIABLES } from "../core/config.js";
import { startWorker, type MessageOutcome } from "./worker.js";

/** How often a worker tells its parent that its event loop runs. */
export const WORKER_HEARTBEAT_MS = 1000;

/** Messages a worker sends its parent over the IPC channel. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "fatal"; message: string }
  /**
   * With `messageId`: the message being handled now, and its task when it names one; without:
   * idle again. The pool learns what a crash interrupts and how long an invocation has run.
   */
  | { type: "busy"; messageId?: string; taskId?: string }
  /** The delivery being handled claimed its task with this lease owner. */
  | { type: "claimed"; taskId: string; leaseOwner: string }
  /** Sent every WORKER_HEARTBEAT_MS while the event loop runs. */
  | { type: "heartbeat" };

const SHUTDOWN_BROWSER_MS = 2000;

const id = readVariable("crawlWorkerId") ?? "?";
const say = (line: string) => console.log(`worker ${id}: ${line}`);
// Once the parent is gone (it exited; this worker is stopping) there is no one to tell.
const send = (message: WorkerMessage) => process.connected && process.send?.(message);

function describe(outcome: MessageOutcome): string {
  const what = outcome.taskId ? `task ${outcome.taskId}` : `message ${outcome.messageId}`;
  const took = `${(outcome.durationMs / 1000).toFixed(1)} s`;
  if (outcome.result === "done") return `${what} handled in ${took}`;
  const why = outcome.error ? `handler threw: ${outcome.error}` : "handler reported a failure";
  return `${what} failed after ${took} (${why}); back in the queue in ${outcome.retryInSecs} s`;
}

async function main(): Promise<void> {
  process.on("SIGINT", () => undefined);
  const config = loadConfig();
  if (!config.taskQueueUrl) throw new Error("TASK_QUEUE_URL is not set");
  const timeoutSecs = Number(readVariable("crawlerTimeoutSecs") ?? VARIABLES.crawlerTimeoutSecs.default);
  const { handler, shutdownCrawler, onTaskClaimed } = await import("../functions/crawler/handler.js");
  onTaskClaimed(({ taskId, leaseOwner }) => send({ type: "claimed", taskId, leaseOwner }));

  const worker = startWorker({
    sqs: sharedAwsClients().sqs,
    queueUrl: config.taskQueueUrl,
    handler,
    timeoutMs: timeoutSecs * 1000,
    onStart: ({ messageId, taskId }) => send({ type: "busy", messageId, ...(taskId ? { taskId } : {}) }),
    onOutcome: (outcome) => {
      send({ type: "busy" });
      say(describe(outcome));
    },
    log: (line) => console.error(`worker ${id}: ${line}`),
  });

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    worker.stop();
    const busyWith = worker.current;
    if (busyWith) {
      // Exit now; the 'exit' hook of puppeteer kills the browser it launched.
      say(
        `stopping (${reason}) during ${busyWith.taskId ? `task ${busyWith.taskId}` : "a message"}; it resumes at the next start`,
      );
      process.exit(0);
    }
    const timer = setTimeout(() => process.exit(0), SHUTDOWN_BROWSER_MS);
    await shutdownCrawler().catch(() => undefined);
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("disconnect", () => void stop("parent exited"));

  send({ type: "ready" });
  await worker.done;
}

// From the first moment: loading the handler's modules is part of this worker's life too.
setInterval(() => send({ type: "heartbeat" }), WORKER_HEARTBEAT_MS).unref();

main().catch((error: unknown) => {
  const message = (error as Error)?.message ?? String(error);
  console.error(`worker ${id}: cannot start: ${message}`);
  send({ type: "fatal", message });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
