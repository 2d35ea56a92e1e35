import { sharedAwsClients } from "../aws/clients.js";
import { loadConfig } from "../config.js";
import { DynamoHostLimiter } from "./DynamoHostLimiter.js";
import { HostPoliteness, type HostPolitenessOptions } from "./HostPoliteness.js";
import { DynamoRobotsTxtCache } from "./robotsTxtCache.js";

/** Politeness as configured by the environment: POLITENESS_TABLE, HOST_MAX_CONCURRENCY, HOST_MIN_DELAY_MS. */
export function defaultHostPoliteness(log?: HostPolitenessOptions["log"]): HostPoliteness {
  const config = loadConfig();
  const limiter = new DynamoHostLimiter(sharedAwsClients().doc, config.politenessTable);
  return new HostPoliteness(limiter, {
    maxConcurrency: config.hostMaxConcurrency,
    minDelayMs: config.hostMinDelayMs,
    ...(log ? { log } : {}),
  });
}

/** robots.txt shared by every worker through the politeness table (POLITENESS_TABLE). */
export function defaultRobotsTxtCache(): DynamoRobotsTxtCache {
  return new DynamoRobotsTxtCache(sharedAwsClients().doc, loadConfig().politenessTable);
}
