/**
 * The crawl frontier: which pages are waiting, which were already seen, how many were
 * crawled. Plain data with a JSON snapshot, so a run can be checkpointed and resumed
 * later (the snapshot is not wired to storage yet).
 */

/** One page to crawl. `url` is already normalised (see `normaliseUrl`). */
export interface FrontierEntry {
  url: string;
  /** Link distance from the start URLs (start URLs are depth 0). */
  depth: number;
}

/** What {@link Frontier.snapshot} returns: JSON-safe, versioned for later format changes. */
export interface FrontierSnapshot {
  version: 1;
  maxPages: number;
  /** Pages still to crawl, in order; pages in flight at snapshot time come first. */
  queue: FrontierEntry[];
  /** Every URL ever accepted, crawled or not: nothing is crawled twice. */
  seen: string[];
  /** Pages finished (successfully or not); they count against `maxPages`. */
  done: number;
}

export class Frontier {
  readonly maxPages: number;
  #queue: FrontierEntry[] = [];
  /** Index of the next entry in #queue: a cursor instead of shift() keeps next() O(1). */
  #head = 0;
  #seen = new Set<string>();
  #inFlight = new Map<string, FrontierEntry>();
  #done = 0;

  constructor(maxPages: number) {
    if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError("maxPages must be a positive integer");
    this.maxPages = maxPages;
  }

  /**
   * Accepts a page unless it was seen before or the page budget is already spoken for.
   * Every accepted URL will be crawled, so refusing once `seen` reaches `maxPages`
   * keeps the queue and the seen set bounded by the budget.
   * @returns whether the page was queued
   */
  add(url: string, depth: number): boolean {
    if (this.#seen.has(url) || this.#seen.size >= this.maxPages) return false;
    this.#seen.add(url);
    this.#queue.push({ url, depth });
    return true;
  }

  /** Takes the next page to crawl (breadth-first order), or `undefined` when none is waiting. */
  next(): FrontierEntry | undefined {
    const entry = this.#queue[this.#head];
    if (entry === undefined) return undefined;
    this.#head += 1;
    // Drop the consumed prefix now and then so a long crawl does not keep it alive.
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#inFlight.set(entry.url, entry);
    return entry;
  }

  /** Marks a page taken with {@link next} as finished, whatever its outcome. */
  complete(entry: FrontierEntry): void {
    if (!this.#inFlight.delete(entry.url)) throw new Error(`not in flight: ${entry.url}`);
    this.#done += 1;
  }

  /** Pages finished so far. */
  get done(): number {
    return this.#done;
  }

  /** Pages taken but not completed. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Pages queued and not yet taken. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** True when nothing is queued or in flight: the crawl is over. */
  get finished(): boolean {
    return this.pending === 0 && this.#inFlight.size === 0;
  }

  /** True once `maxPages` URLs were accepted: {@link add} refuses every other one. */
  get full(): boolean {
    return this.#seen.size >= this.maxPages;
  }

  has(url: string): boolean {
    return this.#seen.has(url);
  }

  /**
   * A JSON-safe copy of the state. Pages in flight are put back at the head of the
   * queue: their results may never have been stored, so a resumed run crawls them again.
   */
  snapshot(): FrontierSnapshot {
    return {
      version: 1,
      maxPages: this.maxPages,
      queue: [...this.#inFlight.values(), ...this.#queue.slice(this.#head)].map((entry) => ({ ...entry })),
      seen: [...this.#seen],
      done: this.#done,
    };
  }

  /** Rebuilds a frontier from {@link snapshot}. */
  static fromSnapshot(snapshot: FrontierSnapshot): Frontier {
    if (snapshot.version !== 1) throw new Error(`unsupported frontier snapshot version ${String(snapshot.version)}`);
    const frontier = new Frontier(snapshot.maxPages);
    for (const url of snapshot.seen) frontier.#seen.add(url);
    frontier.#queue = snapshot.queue.map((entry) => ({ url: entry.url, depth: entry.depth }));
    for (const entry of frontier.#queue) frontier.#seen.add(entry.url);
    frontier.#done = snapshot.done;
    return frontier;
  }
}
