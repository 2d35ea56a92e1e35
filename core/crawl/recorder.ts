import type { ResultItem } from "../platforms/types.js";
import type { ResultStore } from "../results/store.js";
import type { TaskProgress } from "../tasks/model.js";
import type { TaskStore } from "../tasks/store.js";
import { hostOf, NAMED_HOSTS, OTHER_HOSTS } from "../tasks/urlLists.js";
import type { PageBatch } from "../webhooks/events.js";
import type { PageEventBatcher } from "../webhooks/pageEvents.js";
import { CheckpointTooLargeError, type Checkpoint, type CheckpointStore } from "./checkpoints.js";

/** Distinct drift warnings a task keeps as examples. */
const MAX_WARNING_EXAMPLES = 5;

export interface RecorderOptions {
  flushEveryItems: number;
  flushEveryMs: number;
  checkpointEveryMs: number;
  /** Count pages per host of `data.url` in progress.hosts (web detail tasks: a batch across hosts). */
  countHosts?: boolean;
  /** The task's max_duration_secs: how long the attempt may still run, which results' TTL allows for. */
  attemptSecs?: number;
  /**
   * task.page events (core/webhooks/pageEvents.ts): the batcher decides when one is due at a
   * flush, its sequence number rides on that flush's progress write, and `send` queues it.
   */
  pageEvents?: { batcher: PageEventBatcher; send(batch: PageBatch): Promise<void> };
  /**
   * since_last_run (./sinceLastRun.ts): told each batch once it is stored, so the schedule's
   * record holds what this run stored even when the run is cut short.
   */
  seen?: { remember(items: readonly ResultItem[]): Promise<void> };
}

/**
 * Buffers a run's results, writes them in batches, keeps the task's progress current,
 * and saves a checkpoint after the results it covers are stored — never before, so a
 * checkpoint never claims a page whose result could be lost.
 */
export class ResultRecorder {
  private buffer: ResultItem[] = [];
  private bufferSince = 0;
  private lastCheckpointAt = 0;
  private lastCursor: (() => unknown) | undefined;
  private checkpointDirty = false;
  readonly progress: TaskProgress;
  succeeded: number;
  /**
   * since_last_run: items not stored because an earlier run of the schedule stored them
   * unchanged. A run that found only those completes (nothing new is not a failure).
   */
  unchanged: number;
  private firstError: { code: string; message: string } | undefined;
  /** The task left `running` (cancelled) while this run wrote progress. */
  notRunning = false;

  constructor(
    private readonly taskId: string,
    /** The lease holder: progress (and so checkpoints) are written only while it holds the task. */
    private readonly owner: string,
    private readonly stores: { tasks: TaskStore; results: ResultStore; checkpoints: CheckpointStore },
    private readonly options: RecorderOptions,
    resumed?: Checkpoint,
  ) {
    this.progress = resumed ? structuredClone(resumed.progress) : { pages_done: 0, items: 0, errors: 0 };
    this.succeeded = resumed?.succeeded ?? 0;
    this.unchanged = resumed?.unchanged ?? 0;
    this.firstError = resumed?.firstError;
  }

  /** Drift that did not stop the crawl: counted, the first distinct examples kept (written with the next flush). */
  warn(example: string): void {
    this.progress.warnings = (this.progress.warnings ?? 0) + 1;
    const examples = this.progress.warning_examples ?? [];
    if (examples.length < MAX_WARNING_EXAMPLES && !examples.includes(example))
      this.progress.warning_examples = [...examples, example.slice(0, 200)];
  }

  /** An item since_last_run did not store (see {@link unchanged}). */
  skipUnchanged(): void {
    this.unchanged++;
  }

  async add(item: ResultItem): Promise<void> {
    if (item.replaces === true) {
      // Stored over an item counted before; only a success replaces one (web crawler.ts).
      return this.bufferItem(item);
    }
    this.progress.pages_done++;
    this.progress.items++;
    if (this.options.countHosts === true) this.countHost(item);
    if (item.ok) this.succeeded++;
    this.options.pageEvents?.batcher.add({
      item_key: item.item_key,
      ...(typeof item.data.url === "string" ? { url: item.data.url } : {}),
      ok: item.ok,
    });
    if (!item.ok) {
      this.progress.errors++;
      const error = item.data.error as { code?: string; message?: string } | null | undefined;
      this.firstError ??= {
        code: error?.code ?? "PAGE_FAILED",
        message: `${String(item.data.url ?? item.item_key)}: ${error?.message ?? "failed"}`,
      };
    }
    await this.bufferItem(item);
  }

  private countHost(item: ResultItem): void {
    const hosts = (this.progress.hosts ??= {});
    let host = hostOf(String(item.data.url ?? ""));
    if (!Object.hasOwn(hosts, host) && Object.keys(hosts).length >= NAMED_HOSTS) host = OTHER_HOSTS;
    const counts = (hosts[host] ??= { done: 0, errors: 0 });
    counts.done += 1;
    if (!item.ok) counts.errors += 1;
  }

  private async bufferItem(item: ResultItem): Promise<void> {
    if (this.buffer.length === 0) this.bufferSince = Date.now();
    // A batch write refuses two items of one key: a replacement still buffered takes its place.
    const earlier =
      item.replaces === true ? this.buffer.findIndex((buffered) => buffered.item_key === item.item_key) : -1;
    if (earlier >= 0) this.buffer[earlier] = item;
    else this.buffer.push(item);
    if (item.resumeCursor) this.lastCursor = item.resumeCursor;
    const due =
      this.buffer.length >= this.options.flushEveryItems || Date.now() - this.bufferSince >= this.options.flushEveryMs;
    if (due) await this.flush();
  }

  /**
   * Stores buffered results, then progress, then (when due or `forceCheckpoint`) the
   * checkpoint. `forceCheckpoint` is the run's last flush: any waiting task.page batch is sent.
   */
  async flush(forceCheckpoint = false): Promise<void> {
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      await this.stores.results.putMany(
        this.taskId,
        batch,
        this.options.attemptSecs === undefined ? {} : { attemptSecsLeft: this.options.attemptSecs },
      );
      await this.options.seen?.remember(batch);
      this.checkpointDirty = true;
    }
    const pages = this.options.pageEvents;
    const pageSequence = pages?.batcher.due(forceCheckpoint) ? pages.batcher.nextSequence() : undefined;
    const stillHeld = await this.stores.tasks.updateProgress(
      this.taskId,
      structuredClone(this.progress),
      this.progress.items,
      this.owner,
      pageSequence === undefined ? {} : { webhookPageSeq: pageSequence },
    );
    if (!stillHeld) {
      // Cancelled, or another delivery took over: its checkpoint must not be overwritten.
      this.notRunning = true;
      return;
    }
    if (pages !== undefined && pageSequence !== undefined)
      await pages.send({
        ...pages.batcher.take(),
        progress: structuredClone(this.progress),
        result_count: this.progress.items,
      });
    const due = Date.now() - this.lastCheckpointAt >= this.options.checkpointEveryMs;
    if (this.checkpointDirty && this.lastCursor && (due || forceCheckpoint)) {
      await this.saveCheckpoint({
        cursor: this.lastCursor(),
        progress: structuredClone(this.progress),
        succeeded: this.succeeded,
        ...(this.unchanged > 0 ? { unchanged: this.unchanged } : {}),
        ...(this.firstError ? { firstError: this.firstError } : {}),
        saved_at: new Date().toISOString(),
      });
      this.lastCheckpointAt = Date.now();
      this.checkpointDirty = false;
    }
  }

  private async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    try {
      await this.stores.checkpoints.save(this.taskId, checkpoint);
    } catch (error) {
      // Too big to store: crawling on is better than failing; a resumed run re-crawls more.
      if (error instanceof CheckpointTooLargeError) return;
      throw error;
    }
  }

  counts(): { progress: TaskProgress; result_count: number } {
    return { progress: structuredClone(this.progress), result_count: this.progress.items };
  }

  noSuccessError(): { code: string; message: string } {
    if (this.progress.pages_done === 0) return { code: "NOTHING_CRAWLED", message: "the crawl produced no pages" };
    const first = this.firstError ?? { code: "PAGE_FAILED", message: "unknown" };
    return {
      code: "ALL_PAGES_FAILED",
      message: `all ${this.progress.pages_done} pages failed; first error (${first.code}) ${first.message}`.slice(
        0,
        1000,
      ),
    };
  }
}
