import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Keys whose values never reach a log line, wherever they sit in a logged object (an event's
 * headers when POWERTOOLS_LOGGER_LOG_EVENT is on, a request's options, a page's cookies).
 * Compared lower-cased.
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api_key",
  "apikey",
  "cookie",
  "cookies",
  "set-cookie",
  "proxy",
]);

export const REDACTED = "[redacted]";

/** JSON replacer for the logger: the values of {@link REDACTED_KEYS} become `[redacted]`. */
export function redactSecrets(key: string, value: unknown): unknown {
  return value !== undefined && REDACTED_KEYS.has(key.toLowerCase()) ? REDACTED : value;
}

/** One JSON logger per function; level from POWERTOOLS_LOG_LEVEL / LOG_LEVEL; secrets redacted. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactSecrets });
}
