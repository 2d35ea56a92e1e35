import type { PageEventItem } from "./events.js";

/** When a task.page event is due. */
export interface PageEventOptions {
  /** An event once this many pages are waiting… @default 100 */
  everyItems: number;
  /** …or once the oldest waiting page is this old. @default 10_000 */
  everyMs: number;
}

export const PAGE_EVENT_DEFAULTS: PageEventOptions = { everyItems: 100, everyMs: 10_000 };

/**
 * Collects a run's stored pages into task.page batches. The run's recorder asks it, at each
 * of its batched progress writes, whether an event is due; the batch's sequence number is
 * written with that progress (no write of its own), and the event is queued once the write
 * succeeded. So events come at the recorder's flushes, at most one per flush, and a sequence
 * number is never used twice: it continues from the task's stored `webhook_page_seq` on
 * every later run (retries included).
 */
export class PageEventBatcher {
  private waiting: PageEventItem[] = [];
  private okCount = 0;
  private errorCount = 0;
  private oldestAt = 0;

  constructor(
    /** The last sequence number this task used (0: none yet). */
    private sequence: number,
    private readonly options: PageEventOptions = PAGE_EVENT_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A page the run stored (or is about to store with the next flush). */
  add(item: PageEventItem): void {
    if (this.waiting.length === 0) this.oldestAt = this.now();
    this.waiting.push(item);
    if (item.ok) this.okCount++;
    else this.errorCount++;
  }

  /** Whether an event is due now; `final`: the run is ending, so any waiting page is. */
  due(final = false): boolean {
    if (this.waiting.length === 0) return false;
    return (
      final || this.waiting.length >= this.options.everyItems || this.now() - this.oldestAt >= this.options.everyMs
    );
  }

  /** The sequence number the waiting batch takes (written with the progress before {@link take}). */
  nextSequence(): number {
    return this.sequence + 1;
  }

  /** Takes the waiting batch under the next sequence number. */
  take(): { sequence: number; items: PageEventItem[]; ok_count: number; error_count: number } {
    this.sequence += 1;
    const batch = {
      sequence: this.sequence,
      items: this.waiting,
      ok_count: this.okCount,
      error_count: this.errorCount,
    };
    this.waiting = [];
    this.okCount = 0;
    this.errorCount = 0;
    return batch;
  }
}
