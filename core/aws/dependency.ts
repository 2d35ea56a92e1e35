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

/**
 * Runs one call to a backing service. Anything that means the service is unreachable,
 * missing or overloaded becomes a {@link DependencyUnavailableError} naming it, which
 * the API maps to 503 and the crawler to "deliver again".
 */
export async function callDependency<T>(dependency: Dependency, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && answeredErrorNames.has(error.name)) throw error;
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
