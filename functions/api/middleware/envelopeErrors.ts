import type { MiddlewareObj } from "@middy/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import { ClientError, DependencyUnavailableError, ValidationError } from "../../../core/errors.js";
import { envelope, type HttpResponse } from "../http.js";

/**
 * Kept back from the function's time limit for answering when a request runs out of time:
 * middy's early timeout fires this long before Lambda would end the invocation, so the
 * caller gets a 504 in the envelope from us, not API Gateway's own 503 `{"message": …}`
 * after Lambda killed the function (docs/limits.md, "API Gateway's own answers").
 */
export const API_TIME_RESERVE_MS = 1_000;

/** What middy's early timeout throws (the handler's `timeoutEarlyResponse`). */
export class ApiTimeoutError extends Error {
  constructor() {
    super("the API ran out of time before answering");
    this.name = "ApiTimeoutError";
  }
}

export interface EnvelopeErrorsOptions {
  logger?: Logger;
}

/**
 * The one place errors become HTTP: client mistakes keep their 4xx and message (a 401 with
 * `www-authenticate: Bearer`), a missing dependency is a 503 naming it, and anything else is
 * a 500 without details — no message, no stack — logged here. A request that runs out of
 * time answers 504 TIMEOUT ({@link ApiTimeoutError}).
 */
export function envelopeErrors(options: EnvelopeErrorsOptions = {}): MiddlewareObj<unknown, HttpResponse> {
  const envelopeErrorsOnError: NonNullable<MiddlewareObj<unknown, HttpResponse>["onError"]> = (request) => {
    if (request.response !== undefined && request.response !== null) return;
    const error = request.error;
    if (error instanceof ClientError) {
      // A 401 always names the scheme to use (RFC 9110 §11.6.1).
      const headers: Record<string, string> = error.statusCode === 401 ? { "www-authenticate": "Bearer" } : {};
      request.response = envelope(
        error.statusCode,
        error.message,
        {
          error: error.code,
          ...(error.field ? { field: error.field } : {}),
          // Every problem of a refused input, the first being field/message (kept for older clients).
          ...(error instanceof ValidationError ? { errors: error.problems } : {}),
        },
        headers,
      );
      return;
    }
    if (error instanceof DependencyUnavailableError) {
      options.logger?.warn("dependency unavailable", { dependency: error.dependency, error });
      request.response = envelope(
        503,
        error.message,
        { error: error.code, dependency: error.dependency },
        { "retry-after": "5" },
      );
      return;
    }
    if (error instanceof ApiTimeoutError) {
      options.logger?.error("request ran out of time", { error });
      request.response = envelope(
        504,
        "the API ran out of time before answering; the request may still have taken effect (a create may have stored its task): read before sending it again, or send it again with the same Idempotency-Key",
        { error: "TIMEOUT" },
        { "retry-after": "5" },
      );
      return;
    }
    options.logger?.error("unhandled error", { error });
    request.response = envelope(500, "internal error", { error: "INTERNAL" });
  };
  return { onError: envelopeErrorsOnError };
}
