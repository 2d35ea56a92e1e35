import { DependencyUnavailableError, type Dependency } from "../errors.js";

/** Errors that mean "the request was understood and refused", not "the service is down". */
const answeredErrorNames = new Set([
  "ConditionalCheckFailedException",
  "TransactionCanceledException",
  "ValidationException",
  "ItemCollectionSizeLimitExceededException",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "ReceiptHandleIsInvalid",
]);

/** Socket and DNS failures: the service could not be reached or dropped the connection. */
const networkErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** The SDK's own names for a call that took too long (node-http-handler, retry middleware). */
const timeoutErrorNames = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

/**
 * Whether a failed call means the service is unreachable, missing or overloaded. Measured on
 * this SDK (3.11xx) against refused, reset, hanging and misbehaving servers:
 *
 * - a service's answer is an SDK ServiceException with `$fault` ("client"/"server") and
 *   `$metadata`: throttling, 5xx, ResourceNotFoundException, AccessDenied;
 * - refused/reset/DNS/timeouts are Node errors with a `code` (ECONNREFUSED, ECONNRESET,
 *   ENOTFOUND, ETIMEDOUT; an AggregateError when every address of a name refused) or the SDK's
 *   TimeoutError, and the retry middleware stamps `$metadata` on them;
 * - an answer the SDK could not read (a proxy's HTML 502, a truncated body) is a SyntaxError
 *   that also carries `$metadata`.
 *
 * Anything else was thrown before the request left the process: marshalling (an own
 * `constructor` key: "Unsupported type passed"), a TypeError in our code. Those are bugs or bad
 * input, not an outage: calling them "unavailable" sent clients a 503 with a retry hint for a
 * request that would fail the same way forever.
 */
export function isUnavailability(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isUnavailability)) return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && networkErrorCodes.has(code)) return true;
  if (timeoutErrorNames.has(error.name)) return true;
  const sdk = error as { $fault?: unknown; $metadata?: unknown };
  if (sdk.$fault === "client" || sdk.$fault === "server") return true;
  // An abort is ours (a signal we passed), not the service's.
  return typeof sdk.$metadata === "object" && sdk.$metadata !== null && error.name !== "AbortError";
}

/**
 * Runs one call to a backing service. SDK service errors and network errors (see
 * {@link isUnavailability}) become a {@link DependencyUnavailableError} naming the service,
 * which the API maps to 503 and the crawler to "deliver again". Refusals the service answered
 * on purpose (a failed condition) and errors of our own making are rethrown as they are: the
 * API answers those with their 4xx, or a plain 500 without details.
 */
export async function callDependency<T>(dependency: Dependency, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && answeredErrorNames.has(error.name)) throw error;
    if (!isUnavailability(error)) throw error;
    throw new DependencyUnavailableError(
      dependency,
      `${dependency.replace("_", " ")} is unavailable (${error instanceof Error ? error.name || "Error" : "error"})`,
      { cause: error },
    );
  }
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
