/**
 * A bounded hand-off between page workers (producers) and the async generator the
 * caller iterates (one consumer). Producers wait while `capacity` items are buffered,
 * so a slow consumer (e.g. one writing every item to DynamoDB) slows the crawl down
 * instead of letting results pile up in memory.
 */
export class BoundedChannel<T> {
  readonly capacity: number;
  #items: T[] = [];
  #closed = false;
  #error: unknown = undefined;
  #failed = false;
  /** Producers blocked on a full buffer. */
  #spaceWaiters: Array<() => void> = [];
  /** The consumer blocked on an empty buffer. */
  #itemWaiter: (() => void) | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.capacity = capacity;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Items buffered now. */
  get size(): number {
    return this.#items.length;
  }

  /**
   * Adds an item, waiting while the buffer is full.
   * @returns false when the channel was closed (the item was dropped): stop producing.
   */
  async push(item: T): Promise<boolean> {
    while (!this.#closed && this.#items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    if (this.#closed) return false;
    this.#items.push(item);
    this.#wakeConsumer();
    return true;
  }

  /**
   * The next item; `done` once the channel is closed and drained.
   * Throws the error given to {@link fail} after the buffered items were taken.
   */
  async pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.#items.length > 0) {
        const item = this.#items.shift() as T;
        this.#wakeProducer();
        return { done: false, value: item };
      }
      if (this.#closed) {
        if (this.#failed) throw this.#error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#itemWaiter = resolve;
      });
    }
  }

  /** No more items: the consumer still gets what is buffered, then `done`. */
  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  /** Like {@link close}, but the consumer gets `error` after the buffered items. */
  fail(error: unknown): void {
    if (!this.#closed) {
      this.#failed = true;
      this.#error = error;
    }
    this.close();
  }

  /** Closes and throws the buffered items away: the consumer sees `done` at once. */
  discard(): void {
    this.#items = [];
    this.close();
  }

  #wakeConsumer(): void {
    const waiter = this.#itemWaiter;
    this.#itemWaiter = undefined;
    waiter?.();
  }

  #wakeProducer(): void {
    this.#spaceWaiters.shift()?.();
  }

  #wakeAll(): void {
    this.#wakeConsumer();
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
