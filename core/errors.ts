/**
 * Errors named after the decision they cause.
 *
 * - {@link ClientError} and its subclasses: the caller did something wrong; the API
 *   answers with the error's `statusCode` and `message` (never a stack trace).
 * - {@link DependencyUnavailableError}: a table or queue did not answer; the API answers
 *   503 naming it, the crawler hands the message back to the queue.
 * - {@link RetryableCrawlError} / {@link NonRetryableCrawlError}: what the crawler does
 *   with a task whose run broke. {@link isRetryable} is the one place that decides.
 */

/** Base class: every error this project throws on purpose. */
export class AppError extends Error {
  /** Stable, machine-readable code, e.g. `VALIDATION_FAILED`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
}

/** A mistake of the caller's. `statusCode` is always 4xx. */
export class ClientError extends AppError {
  readonly statusCode: number;
  /** The request field the error is about, when there is one (`urls.0`, `limit`). */
  readonly field?: string;
  constructor(statusCode: number, code: string, message: string, field?: string) {
    super(code, message);
    this.name = "ClientError";
    this.statusCode = statusCode;
    if (field !== undefined) this.field = field;
  }
}

/** One problem with a request: the field to blame and the message naming it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends ClientError {
  /** Every problem found, the first being `field`/`message` (the API answers them as `data.errors`). */
  readonly problems: readonly FieldProblem[];
  constructor(message: string, field?: string, problems?: readonly FieldProblem[]) {
    super(400, "VALIDATION_FAILED", message, field);
    this.name = "ValidationError";
    this.problems = problems ?? [{ field: field ?? "body", message }];
  }

  /** The error for a non-empty list of problems: the first is the message, all are kept. */
  static of(problems: readonly [FieldProblem, ...FieldProblem[]]): ValidationError {
    const [first] = problems;
    return new ValidationError(first.message, first.field, problems);
  }
}

export class NotFoundError extends ClientError {
  constructor(message: string) {
    super(404, "NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** The request is well-formed but conflicts with the current state (e.g. cancel a finished task). */
export class ConflictError extends ClientError {
  constructor(message: string) {
    super(409, "CONFLICT", message);
    this.name = "ConflictError";
  }
}

/** Which backing service did not answer. */
export type Dependency =
  | "tasks_table"
  | "results_table"
  | "queue"
  | "politeness_table"
  | "accounts_table"
  | "accounts_key"
  | "schedules_table"
  | "scheduler";

export class DependencyUnavailableError extends AppError {
  readonly dependency: Dependency;
  constructor(dependency: Dependency, message: string, options?: { cause?: unknown }) {
    super("DEPENDENCY_UNAVAILABLE", message, options);
    this.name = "DependencyUnavailableError";
    this.dependency = dependency;
  }
}

/** The crawl broke for a reason that may pass (browser crash, throttling): deliver again. */
export class RetryableCrawlError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "RetryableCrawlError";
  }
}

/** The crawl cannot succeed by trying again (bad input, every page failed). */
export class NonRetryableCrawlError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "NonRetryableCrawlError";
  }
}

const transientAwsErrorNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeout",
]);

const transientNetworkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"]);

/**
 * The one function that decides whether a failed crawl run is worth another delivery.
 * Unknown errors count as retryable: the attempt cap stops endless loops, while giving
 * up on a transient error would lose a task for good.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableCrawlError || error instanceof ClientError) return false;
  if (error instanceof RetryableCrawlError || error instanceof DependencyUnavailableError) return true;
  if (error instanceof Error) {
    if (transientAwsErrorNames.has(error.name)) return true;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && transientNetworkCodes.has(code)) return true;
  }
  return true;
}

/** `{code, message}` as stored on a task; never a stack. */
export function toErrorSummary(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: error.name || "ERROR", message: error.message.slice(0, 1000) };
  return { code: "ERROR", message: String(error).slice(0, 1000) };
}
