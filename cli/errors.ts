/**
 * Exit codes scripts can rely on, and the errors that carry them. Every error the CLI
 * reports is one line on stderr: `error: <message>`.
 */
export const EXIT = {
  ok: 0,
  /** `tasks watch`: the task failed. Also any error the CLI did not expect. */
  failed: 1,
  /** Bad command line: unknown command or flag, missing or malformed value. Nothing was sent. */
  usage: 2,
  /** The API answered with an error (4xx/5xx) or could not be reached. */
  api: 3,
  /** `tasks watch`: the task was cancelled. */
  cancelled: 4,
  /** `tasks watch --timeout`: the task did not finish in time (it keeps running). */
  timeout: 5,
  /** Ctrl+C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake on the command line; the message says which flag and what is expected. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The API answered with an error envelope (or something that is not one). */
export class ApiError extends Error {
  readonly exitCode = EXIT.api;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Whether asking again later may work (watch keeps polling through these). */
  get transient(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No HTTP answer at all: refused, reset, DNS, TLS, timeout. */
export class NetworkError extends Error {
  readonly exitCode = EXIT.api;
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/** The one line printed for `error` (without the `error: ` prefix). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status})`;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error).split("\n")[0] ?? "unknown error";
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof ApiError || error instanceof NetworkError) return error.exitCode;
  return EXIT.failed;
}
