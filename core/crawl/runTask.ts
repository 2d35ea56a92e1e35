import type { BrowserContext } from "puppeteer-core";
import { RetryableCrawlError, isRetryable, toErrorSummary } from "../errors.js";
import { getCrawler } from "../platforms/crawlers.js";
import type { CrawlContext, ResultItem } from "../platforms/types.js";
import type { ResultStore } from "../results/store.js";
import type { Task, TaskProgress } from "../tasks/model.js";
import type { TaskStore } from "../tasks/store.js";

/** Where a task's browser context comes from (a warm browser reused across invocations). */
export interface TaskBrowser {
  newTaskContext(): Promise<BrowserContext>;
}

export interface RunTaskDeps {
  tasks: TaskStore;
  results: ResultStore;
  browser: TaskBrowser;
  log?: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
}

export interface RunTaskOptions {
  /** Results are written once this many are buffered. @default 25 (one BatchWriteItem) */
  flushEveryItems?: number;
  /** …or once the oldest buffered result is this old, so progress moves in the console. @default 1000 */
  flushEveryMs?: number;
  /** How long a cancellation check is reused before the table is asked again. @default 500 */
  cancelCheckIntervalMs?: number;
  /**
   * A task `running` without any update for this long lost its worker (a function
   * timeout, a killed process): a new delivery may take it over. Keep it above the
   * function timeout; a live crawl updates the task with every batch of results.
   * @default 360_000 (a 5-minute function timeout plus a minute)
   */
  staleRunningAfterMs?: number;
  /** Aborts the crawl (worker shutdown, deadline). */
  signal?: AbortSignal;
}

const defaults = { flushEveryItems: 25, flushEveryMs: 1000, cancelCheckIntervalMs: 500, staleRunningAfterMs: 360_000 };

/** What became of one delivery of a task's message. */
export type RunOutcome =
  | { kind: "skipped"; reason: string }
  | { kind: "completed" | "failed" | "cancelled"; task: Task };

/**
 * Runs one delivery of a task: claim it (pending → running, once, however often the
 * message arrives), crawl with the task's platform, write results in batches as they
 * come, and end the task. Throws {@link RetryableCrawlError} after putting the task
 * back to pending when another delivery may succeed; the caller reports that record
 * as failed so the queue delivers it again.
 */
export async function runTask(taskId: string, deps: RunTaskDeps, options: RunTaskOptions = {}): Promise<RunOutcome> {
  const settings = { ...defaults, ...options };
  const log = deps.log ?? (() => undefined);
  const task = await deps.tasks.get(taskId);
  if (task === undefined) return { kind: "skipped", reason: "task not found" };
  // A running task is only taken over once it is stale: its worker is gone, not slow.
  const staleBefore = new Date(Date.now() - settings.staleRunningAfterMs).toISOString();
  const abandoned = task.status === "running" && task.updated_at < staleBefore;
  if (task.status !== "pending" && !abandoned) return { kind: "skipped", reason: `task is ${task.status}` };
  const guard = abandoned ? { updatedBefore: staleBefore } : {};
  if (abandoned) log("warn", "taking over an abandoned running task", { task_id: taskId, updated_at: task.updated_at });

  if (task.attempts >= task.max_attempts) {
    const lost = { code: "WORKER_LOST", message: "the worker running this task stopped answering" };
    const failed = await deps.tasks.transition(
      task,
      [task.status],
      "failed",
      {
        finished_at: new Date().toISOString(),
        error: abandoned ? lost : (task.error ?? { code: "MAX_ATTEMPTS", message: `gave up after ${task.attempts} attempts` }),
      },
      guard,
    );
    return failed ? { kind: "failed", task: failed } : { kind: "skipped", reason: "task moved meanwhile" };
  }

  const claimed = await deps.tasks.transition(
    task,
    [task.status],
    "running",
    {
      incrementAttempts: true,
      started_at: new Date().toISOString(),
      finished_at: undefined,
      error: undefined,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
    },
    guard,
  );
  if (claimed === undefined) return { kind: "skipped", reason: "claimed by another delivery" };
  log("info", "task claimed", { task_id: taskId, attempt: claimed.attempts });

  const recorder = new ResultRecorder(claimed, deps, settings);
  let context: BrowserContext | undefined;
  try {
    const platform = getCrawler(claimed.platform);
    context = await deps.browser.newTaskContext();
    const crawlContext: CrawlContext = {
      taskId,
      browser: context,
      signal: options.signal ?? new AbortController().signal,
      isCancelled: () => recorder.isCancelled(),
      log: (message, fields) => log("info", message, { task_id: taskId, ...fields }),
    };
    for await (const item of platform.crawl({ crawler_type: claimed.crawler_type, ...claimed.params }, crawlContext)) {
      await recorder.add(item);
      if (recorder.cancelled) break;
    }
    await recorder.flush();
    return await finish(claimed, recorder, deps);
  } catch (error) {
    await recorder.flush().catch(() => undefined);
    const summary = toErrorSummary(error);
    log("warn", "crawl run failed", { task_id: taskId, error: summary, attempt: claimed.attempts });
    if (isRetryable(error) && claimed.attempts < claimed.max_attempts) {
      const released = await deps.tasks.transition(claimed, ["running"], "pending", { error: summary });
      if (released) throw new RetryableCrawlError(summary.code, summary.message, { cause: error });
      return { kind: "skipped", reason: "task moved while failing" };
    }
    const failed = await deps.tasks.transition(claimed, ["running"], "failed", {
      finished_at: new Date().toISOString(),
      error: summary,
      ...recorder.counts(),
    });
    return failed ? { kind: "failed", task: failed } : { kind: "skipped", reason: "task moved while failing" };
  } finally {
    await context?.close().catch(() => undefined);
  }
}

async function finish(claimed: Task, recorder: ResultRecorder, deps: RunTaskDeps): Promise<RunOutcome> {
  const now = new Date().toISOString();
  if (!recorder.cancelled) {
    const ended =
      recorder.succeeded > 0
        ? await deps.tasks.transition(claimed, ["running"], "completed", { finished_at: now, ...recorder.counts() })
        : await deps.tasks.transition(claimed, ["running"], "failed", {
            finished_at: now,
            error: recorder.noSuccessError(),
            ...recorder.counts(),
          });
    if (ended) return { kind: ended.status as "completed" | "failed", task: ended };
  }
  // Cancelled while running: keep the partial results and record how far it got.
  const cancelled = await deps.tasks.transition(claimed, ["cancelled"], "cancelled", recorder.counts());
  return cancelled ? { kind: "cancelled", task: cancelled } : { kind: "skipped", reason: "task moved meanwhile" };
}

/** Buffers results, writes them in batches, and keeps the task's progress current. */
class ResultRecorder {
  private buffer: ResultItem[] = [];
  private bufferSince = 0;
  private progress: TaskProgress = { pages_done: 0, items: 0, errors: 0 };
  private firstError: { code: string; message: string } | undefined;
  private lastCancelCheck = 0;
  succeeded = 0;
  cancelled = false;

  constructor(
    private readonly task: Task,
    private readonly deps: RunTaskDeps,
    private readonly settings: typeof defaults,
  ) {}

  async add(item: ResultItem): Promise<void> {
    this.progress.pages_done++;
    this.progress.items++;
    if (item.ok) this.succeeded++;
    else {
      this.progress.errors++;
      const error = item.data.error as { code?: string; message?: string } | undefined;
      this.firstError ??= { code: error?.code ?? "PAGE_FAILED", message: `${String(item.data.url ?? item.item_key)}: ${error?.message ?? "failed"}` };
    }
    if (this.buffer.length === 0) this.bufferSince = Date.now();
    this.buffer.push(item);
    const due = this.buffer.length >= this.settings.flushEveryItems || Date.now() - this.bufferSince >= this.settings.flushEveryMs;
    if (due) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      await this.deps.results.putMany(this.task.task_id, batch);
    }
    const stillRunning = await this.deps.tasks.updateProgress(this.task.task_id, { ...this.progress }, this.progress.items);
    if (!stillRunning) this.cancelled = true;
  }

  async isCancelled(): Promise<boolean> {
    if (this.cancelled) return true;
    if (Date.now() - this.lastCancelCheck < this.settings.cancelCheckIntervalMs) return false;
    this.lastCancelCheck = Date.now();
    const current = await this.deps.tasks.get(this.task.task_id);
    this.cancelled = current?.status !== "running";
    return this.cancelled;
  }

  counts(): { progress: TaskProgress; result_count: number } {
    return { progress: { ...this.progress }, result_count: this.progress.items };
  }

  noSuccessError(): { code: string; message: string } {
    if (this.progress.pages_done === 0) return { code: "NOTHING_CRAWLED", message: "the crawl produced no pages" };
    const first = this.firstError ?? { code: "PAGE_FAILED", message: "unknown" };
    return {
      code: "ALL_PAGES_FAILED",
      message: `all ${this.progress.pages_done} pages failed; first error (${first.code}) ${first.message}`.slice(0, 1000),
    };
  }
}

