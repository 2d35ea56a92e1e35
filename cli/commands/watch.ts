/**
 * `tasks watch <ID>`: polls the task until it ends and exits with its outcome. A terminal
 * gets one line rewritten in place; anything else gets a line per change. Ctrl+C stops
 * watching, never the task.
 */
import type { Task } from "../../core/tasks/model.js";
import { durationOption } from "../args.js";
import type { CrawlTasksClient } from "../../sdk/typescript/src/index.js";
import type { Command } from "../command.js";
import { ApiError, describeError, EXIT, NetworkError, type ExitCode } from "../errors.js";
import type { Output } from "../output.js";
import { changed, finalLine, progressBar, progressLine, progressView, type ProgressView } from "../progress.js";

const POLL_MS = 1000;
const BACKOFF_MAX_MS = 15_000;
/**
 * Transient errors (network, 5xx, 429) are ridden out this long in a row before giving up.
 * Not when the very first poll cannot reach the API at all: that is a wrong API_URL or a
 * stack that is not running, which waiting does not mend (a 503 during a deploy is ridden out).
 */
const GIVE_UP_AFTER_MS = 120_000;

const OUTCOME: Partial<Record<Task["status"], ExitCode>> = {
  completed: EXIT.ok,
  failed: EXIT.failed,
  cancelled: EXIT.cancelled,
};

export const watchCommand: Command = {
  name: "watch",
  summary: "follow a task's progress until it ends; exits with its outcome",
  usage: "<TASK_ID> [--timeout D]",
  options: {
    timeout: {
      type: "string",
      value: "D",
      description: "stop watching after D (90, 90s, 5m, 2h): exit 5, the task keeps running",
    },
  },
  args: { names: ["TASK_ID"] },
  details: [
    "Exit codes: 0 completed, 1 failed, 4 cancelled, 5 --timeout reached, 3 API error or unreachable",
    "(at once on the first poll, after 2 minutes of retries later), 130 Ctrl+C (the task keeps",
    "running). With --json: the final task as JSON.",
  ].join("\n"),
  async run({ values, args, client, out }) {
    const timeoutSecs = durationOption(values, "timeout");
    return watchTask(client(), out, args[0]!, timeoutSecs === undefined ? undefined : timeoutSecs * 1000);
  },
};

/** What the user sees while watching; silent with --json. */
class WatchDisplay {
  private last: ProgressView | undefined;
  private drawn = false;

  constructor(private readonly out: Output) {}

  private get live(): boolean {
    return !this.out.json && this.out.interactive;
  }

  show(task: Task, note?: string): void {
    if (this.out.json) return;
    const view = progressView(task, Date.now());
    if (this.live) {
      this.out.streams.stdout.write(`\r\x1b[2K${progressBar(view, this.out.columns, note)}`);
      this.drawn = true;
    } else if (changed(this.last, view)) {
      this.out.line(progressLine(view));
    }
    this.last = view;
  }

  /** A poll failed; a terminal shows it on the bar, anything else gets a line on stderr. */
  trouble(task: Task | undefined, message: string): void {
    if (this.out.json) return;
    if (this.live && task !== undefined) this.show(task, message);
    else this.out.note(`warning: ${message}`);
  }

  clear(): void {
    if (this.drawn) this.out.streams.stdout.write("\r\x1b[2K");
    this.drawn = false;
  }

  finish(task: Task): void {
    this.clear();
    if (this.out.json) this.out.printJson(task);
    else this.out.line(finalLine(task, Date.now()));
  }
}

export async function watchTask(
  client: CrawlTasksClient,
  out: Output,
  taskId: string,
  timeoutMs: number | undefined,
): Promise<ExitCode> {
  const display = new WatchDisplay(out);
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once("SIGINT", onSigint);
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  let task: Task | undefined;
  let failingSince: number | undefined;
  let backoffMs = POLL_MS;
  try {
    for (;;) {
      let waitMs = POLL_MS;
      try {
        task = (
          await client.request<Task>("GET", `/api/v1/tasks/${encodeURIComponent(taskId)}`, {
            signal: interrupted.signal,
            // This loop retries itself and shows each retry; the client's quiet retries would hide them.
            maxRetries: 0,
          })
        ).data;
        failingSince = undefined;
        backoffMs = POLL_MS;
        const outcome = OUTCOME[task.status];
        if (outcome !== undefined) {
          display.finish(task);
          return outcome;
        }
        display.show(task);
      } catch (error) {
        if (interrupted.signal.aborted) return stopped(display, out, taskId);
        const transient = (error instanceof ApiError && error.transient) || error instanceof NetworkError;
        failingSince ??= Date.now();
        const neverReached = task === undefined && error instanceof NetworkError;
        if (!transient || neverReached || Date.now() - failingSince > GIVE_UP_AFTER_MS) throw error;
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        waitMs = backoffMs;
        display.trouble(task, `retrying in ${Math.round(waitMs / 1000)}s: ${describeError(error)}`);
      }
      if (deadline !== undefined && Date.now() + waitMs > deadline) {
        await sleep(Math.max(0, deadline - Date.now()), interrupted.signal);
        if (interrupted.signal.aborted) return stopped(display, out, taskId);
        display.clear();
        out.note(
          `timeout: task ${taskId} is still ${task?.status ?? "unknown"} after ${Math.round((timeoutMs ?? 0) / 1000)}s; it keeps running`,
        );
        return EXIT.timeout;
      }
      await sleep(waitMs, interrupted.signal);
      if (interrupted.signal.aborted) return stopped(display, out, taskId);
    }
  } finally {
    display.clear();
    process.off("SIGINT", onSigint);
  }
}

function stopped(display: WatchDisplay, out: Output, taskId: string): ExitCode {
  display.clear();
  out.note(`stopped watching; task ${taskId} keeps running (cancel it with: crawl-tasks tasks cancel ${taskId})`);
  return EXIT.interrupted;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
