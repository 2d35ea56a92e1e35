/**
 * A listing spread over index shards (core/aws/tables.ts TASK_INDEX_SHARDS) read as one
 * ordered stream: a k-way merge of the shards' Queries, each sorted by task id (a ULID, so
 * creation order). Each shard is read a page at a time, only when the merge needs its
 * next id, and the merge can say where every shard stands, so a listing page ends with a
 * cursor holding all their positions and the next page goes on from exactly there: no id
 * twice, none left out, the order kept across pages.
 *
 * Why a page of `limit` ids needs at most `limit` from any one shard: the merge takes the
 * next id over all shards, so it never takes more from one shard than the page holds. With
 * every shard's first `limit` ids fetched at once, a page costs one parallel round of Queries.
 */
import type { ShardPosition } from "../pagination.js";

/** One Query page of one shard: ids in the listing's order, and the id to read on after (its LastEvaluatedKey), if any. */
export interface ShardPage {
  ids: string[];
  next: string | undefined;
}

/** Reads up to `limit` ids of `shard`, after `after` (exclusive) or from its start. */
export type ShardQuery = (shard: number, after: string | undefined, limit: number) => Promise<ShardPage>;

export type MergeOrder = "newest_first" | "oldest_first";

interface ShardState {
  /** Where the shard's next Query starts: null from its start. */
  readFrom: string | null;
  /** Fetched and not yet taken, in order. */
  buffer: string[];
  /** Whether the shard may have ids past the buffer (nothing fetched yet counts as "may"). */
  more: boolean;
}

export class ShardMerge {
  private readonly start: ShardPosition[];
  private readonly shards: ShardState[];
  /** The last id taken, over all shards. */
  private last: string | undefined;

  constructor(
    private readonly query: ShardQuery,
    start: readonly ShardPosition[],
    private readonly order: MergeOrder,
    /** Ids per shard Query. */
    private readonly pageSize: number,
  ) {
    this.start = [...start];
    this.shards = start.map((position) => ({
      readFrom: position === false ? null : position,
      buffer: [],
      more: position !== false,
    }));
  }

  /** The next id over all shards, or undefined when every shard is read to its end. */
  async next(): Promise<string | undefined> {
    // A shard whose buffer ran dry but may have more must be read before the next id is known.
    const dry = this.shards.flatMap((shard, index) => (shard.buffer.length === 0 && shard.more ? [index] : []));
    await Promise.all(dry.map((index) => this.fill(index)));
    let best: ShardState | undefined;
    for (const shard of this.shards) {
      const head = shard.buffer[0];
      if (head === undefined) continue;
      const first = best?.buffer[0];
      if (first === undefined || (this.order === "newest_first" ? head > first : head < first)) best = shard;
    }
    const id = best?.buffer.shift();
    if (id !== undefined) this.last = id;
    return id;
  }

  /** Up to `count` next ids (fewer only at the end). */
  async take(count: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < count) {
      const id = await this.next();
      if (id === undefined) break;
      ids.push(id);
    }
    return ids;
  }

  /**
   * Where each shard stands after the ids taken so far: false once read to its end, else
   * after the last id taken over all shards. Every id not taken yet is past that one (the
   * merge takes them in order), in every shard, so the next page loses nothing by starting
   * each shard there; and a shard none of whose ids were taken must not start again from
   * its newest end, or a task created since would turn up on a later page, out of order.
   * Before any id is taken, each shard stays where it started.
   */
  positions(): ShardPosition[] {
    return this.shards.map((shard, index) => {
      if (shard.buffer.length === 0 && !shard.more) return false;
      return this.last ?? this.start[index] ?? null;
    });
  }

  /** Every shard is read to its end and every id fetched was taken. */
  done(): boolean {
    return this.shards.every((shard) => shard.buffer.length === 0 && !shard.more);
  }

  private async fill(index: number): Promise<void> {
    const shard = this.shards[index]!;
    // Loop: a Query may stop early (its 1 MB read limit) with nothing in it yet more behind.
    while (shard.buffer.length === 0 && shard.more) {
      const page = await this.query(index, shard.readFrom ?? undefined, this.pageSize);
      shard.buffer.push(...page.ids);
      shard.more = page.next !== undefined;
      if (page.next !== undefined) shard.readFrom = page.next;
    }
  }
}
