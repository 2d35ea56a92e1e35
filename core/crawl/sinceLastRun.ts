import { createHash } from "node:crypto";
import type { ResultItem } from "../platforms/types.js";
import type { SeenItemStore } from "../schedules/seen.js";

/**
 * Fields left out of an item's content hash: they change on every run whatever the item
 * says. When it was read (crawled_at, fetched_at, last_modify_ts), how the page was read
 * (web: settle timing, rendering, blocked requests, depth), the stored media files' links,
 * and the media platforms' counters: likes, comments, shares, plays, fans… move on every
 * run for any live post, so with them in, every post would count as changed and a
 * schedule would store (and page through) everything again. "Changed" is the content:
 * title, text, tags, media URLs, the creator shown.
 */
const VOLATILE_FIELDS = new Set([
  "crawled_at",
  "fetched_at",
  "last_modify_ts",
  "settle_ms",
  "settle_capped",
  "rendered",
  "blocked_requests",
  "depth",
  "media_files",
  "media_errors",
  "fans",
  "follows",
  "interaction",
  "total_fans",
]);

/** Counter fields by name: `liked_count`, `comment_count`, `total_replay_num`, `video_play_count`… */
function isVolatile(field: string): boolean {
  return VOLATILE_FIELDS.has(field) || field.endsWith("_count") || field.endsWith("_num");
}

/** The content hash of an item's data: SHA-256 of its fields but the volatile ones, keys sorted. */
export function contentHash(data: Record<string, unknown>): string {
  const kept = Object.keys(data)
    .filter((field) => !isVolatile(field))
    .sort()
    .map((field) => [field, data[field]]);
  return createHash("sha256").update(JSON.stringify(kept)).digest("base64url");
}

/**
 * One run of a schedule with since_last_run: asks the schedule's record (core/schedules/seen.ts)
 * whether an item is already stored with the same content, and tells it what the run stored.
 */
export class SinceLastRun {
  constructor(
    private readonly store: SeenItemStore,
    readonly scheduleId: string,
    /** Told of each item found unchanged (the recorder counts them: a run that found only those completes). */
    private readonly onUnchanged: () => void = () => undefined,
  ) {}

  /**
   * True when an earlier run of the schedule stored this item with the same content hash.
   * Sets `item.contentHash` either way (the recorder remembers it once the item is stored).
   * Failures are never "unchanged": a page that failed is tried again.
   */
  async unchanged(item: ResultItem): Promise<boolean> {
    if (!item.ok) return false;
    const hash = contentHash(item.data);
    item.contentHash = hash;
    const unchanged = (await this.store.hashOf(this.scheduleId, item.item_key)) === hash;
    if (unchanged) this.onUnchanged();
    return unchanged;
  }

  /** Remembers stored items that carry a content hash (the recorder calls it after each batch is written). */
  async remember(items: readonly ResultItem[]): Promise<void> {
    const entries = items.flatMap((item) =>
      item.ok && item.contentHash !== undefined ? [{ item_key: item.item_key, hash: item.contentHash }] : [],
    );
    if (entries.length > 0) await this.store.remember(this.scheduleId, entries);
  }
}
