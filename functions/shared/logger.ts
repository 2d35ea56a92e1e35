import { Logger } from "@aws-lambda-powertools/logger";

/** One JSON logger per function; level from POWERTOOLS_LOG_LEVEL / LOG_LEVEL. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
