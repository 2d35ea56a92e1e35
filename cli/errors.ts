/**
 * Exit codes scripts can rely on, and the errors that carry them. Every error the CLI
 * reports is one line on stderr: `error: <message>`. API and network errors are the SDK's
 * (sdk/typescript), which the CLI is built on.
 */
import { ApiError, NetworkError } from "../sdk/typescript/src/index.js";

export { ApiError, NetworkError };
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

/** The one line printed for `error` (without the `error: ` prefix). */
export function describeError(error: unknown): string {
  // The key is the one thing a caller can fix without reading the docs.
  if (error instanceof ApiError && error.status === 401)
    return `${error.message} — pass --api-key or set API_KEY (HTTP ${error.status})`;
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status})`;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error).split("\n")[0] ?? "unknown error";
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return error.exitCode;
  if (error instanceof ApiError || error instanceof NetworkError) return EXIT.api;
  return EXIT.failed;
}
