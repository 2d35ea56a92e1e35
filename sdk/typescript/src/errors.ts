/**
 * What the client throws. Every failure is one of these, with a one-line message:
 * {@link ApiError} (the API, or API Gateway in front of it, answered with an error),
 * {@link NetworkError} (no answer at all) or {@link WaitTimeoutError} (waitForTask ran out of time).
 */

import type { Task } from "./types.js";

/** One problem with the input, as the API's 400 lists them in `data.errors`. */
export interface FieldError {
  /** The field to blame, e.g. `urls.0`, `max_pages`, `body`. */
  field: string;
  message: string;
}

/** The base class: `catch (e) { if (e instanceof CrawlTasksError) … }` catches everything the client throws. */
export class CrawlTasksError extends Error {
  /** Whether asking again later may work (throttling, a dependency that did not answer, no connection). */
  get transient(): boolean {
    return false;
  }
}

export interface ApiErrorDetails {
  /** The envelope's `data.error`: VALIDATION_FAILED, NOT_FOUND, CONFLICT, … Undefined when the answer is not our envelope. */
  code?: string | undefined;
  /** The envelope's `data.field`: the request field to blame, when there is one. */
  field?: string | undefined;
  /** The envelope's `data.errors`: every problem with the input (400 only), first one first. */
  errors?: FieldError[];
  /** The envelope's `data` as sent, e.g. `{ error: "DEPENDENCY_UNAVAILABLE", dependency: "queue" }`. */
  data?: unknown;
  /** From a `Retry-After` header, in milliseconds. */
  retryAfterMs?: number | undefined;
  /**
   * False when the body was not the API's envelope: API Gateway's own `{"message":"Too Many Requests"}`
   * (429) or `{"message":"Internal Server Error"}` (500), a proxy's HTML page, an empty body.
   */
  envelope: boolean;
}

/** The API answered with a non-2xx status (or a 2xx that is not its JSON envelope). */
export class ApiError extends CrawlTasksError {
  readonly status: number;
  readonly code: string | undefined;
  readonly field: string | undefined;
  readonly errors: FieldError[];
  readonly data: unknown;
  readonly retryAfterMs: number | undefined;
  readonly envelope: boolean;

  constructor(message: string, status: number, details: ApiErrorDetails) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = details.code;
    this.field = details.field;
    this.errors = details.errors ?? [];
    this.data = details.data;
    this.retryAfterMs = details.retryAfterMs;
    this.envelope = details.envelope;
  }

  override get transient(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No HTTP answer at all: refused, reset, DNS, TLS, a request that took longer than `timeoutMs`. */
export class NetworkError extends CrawlTasksError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }

  override get transient(): boolean {
    return true;
  }
}

/** `waitForTask` reached its timeout; the task keeps running. `task` is the last one seen, if any. */
export class WaitTimeoutError extends CrawlTasksError {
  constructor(
    message: string,
    readonly task: Task | undefined,
  ) {
    super(message);
    this.name = "WaitTimeoutError";
  }
}
