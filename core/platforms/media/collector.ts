import { RetryableCrawlError } from "../../errors.js";
import { NoAnswerError } from "./drift.js";
import type { CapturedResponse, MediaPlatformName, ResponseCollector, ResponseMatch } from "./types.js";

/** At most this many uncollected responses are kept; older ones are dropped first. */
const MAX_QUEUED = 50;

interface Pending {
  test: (response: CapturedResponse) => boolean;
  resolve(response: CapturedResponse): void;
  reject(error: unknown): void;
}

/**
 * Responses of one endpoint, kept in arrival order until taken (the session feeds it,
 * see session.ts). One `next` at a time: a session's crawl is sequential.
 */
export class Collector implements ResponseCollector {
  readonly match: ResponseMatch;
  readonly #label: string;
  readonly #onClose: (collector: Collector) => void;
  readonly #runExclusive: <T>(work: () => Promise<T>) => Promise<T>;
  readonly #timeoutMs: number;
  #queue: CapturedResponse[] = [];
  #pending: Pending | undefined;
  #error: unknown;
  #closed = false;

  constructor(
    match: ResponseMatch,
    label: string,
    hooks: {
      onClose(collector: Collector): void;
      runExclusive<T>(work: () => Promise<T>): Promise<T>;
      timeoutMs: number;
    },
  ) {
    this.match = match;
    this.#label = label;
    this.#timeoutMs = hooks.timeoutMs;
    this.#onClose = hooks.onClose;
    this.#runExclusive = hooks.runExclusive;
  }

  /** A response the session read for this collector's endpoint (already past `match.test`). */
  add(response: CapturedResponse): void {
    if (this.#closed) return;
    const pending = this.#pending;
    if (pending !== undefined && this.#passes(pending.test, response)) {
      this.#pending = undefined;
      pending.resolve(response);
      return;
    }
    this.#queue.push(response);
    if (this.#queue.length > MAX_QUEUED) this.#queue.shift();
  }

  /** An access problem (or a stop): every later `next` throws it. */
  fail(error: unknown): void {
    if (this.#error !== undefined || this.#closed) return;
    this.#error = error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  next<T>(
    action?: () => Promise<unknown>,
    options: { test?: (response: CapturedResponse) => boolean; timeoutMs?: number } = {},
  ): Promise<CapturedResponse<T>> {
    return this.#runExclusive(() => this.#next<T>(action, options));
  }

  async #next<T>(
    action: (() => Promise<unknown>) | undefined,
    options: { test?: (response: CapturedResponse) => boolean; timeoutMs?: number },
  ): Promise<CapturedResponse<T>> {
    if (this.#error !== undefined) throw this.#error;
    if (this.#closed) throw new RetryableCrawlError("SESSION_CLOSED", `${this.#label}: collector closed`);
    const test = options.test ?? (() => true);
    const index = this.#queue.findIndex((response) => this.#passes(test, response));
    if (index >= 0) return this.#queue.splice(index, 1)[0] as CapturedResponse<T>;

    const arrived = new Promise<CapturedResponse>((resolve, reject) => {
      this.#pending = { test, resolve, reject };
    });
    arrived.catch(() => undefined); // awaited below; a rejection during the action is not "unhandled"
    let timer: NodeJS.Timeout | undefined;
    try {
      await action?.();
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const endpoint = `${this.match.method ?? "any"} ${String(this.match.path)}`;
          reject(
            new NoAnswerError(
              {
                platform: this.#label as MediaPlatformName,
                step: this.match.step ?? "waiting for a response",
                endpoint,
              },
              timeoutMs,
            ),
          );
        }, timeoutMs);
      });
      return (await Promise.race([arrived, timedOut])) as CapturedResponse<T>;
    } finally {
      clearTimeout(timer);
      this.#pending = undefined;
    }
  }

  close(): void {
    if (this.#closed) return;
    const pending = this.#pending;
    this.#pending = undefined;
    this.#closed = true;
    this.#queue = [];
    pending?.reject(new RetryableCrawlError("SESSION_CLOSED", `${this.#label}: collector closed`));
    this.#onClose(this);
  }

  /** A test that throws (a platform bug) fails the pending next instead of the session. */
  #passes(test: (response: CapturedResponse) => boolean, response: CapturedResponse): boolean {
    try {
      return test(response);
    } catch (error) {
      this.fail(error);
      return false;
    }
  }
}
