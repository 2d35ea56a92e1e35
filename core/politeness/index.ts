/**
 * Politeness: per-host (and per-platform) concurrency caps and minimum delays between
 * fetch starts, shared by every worker through DynamoDB.
 *
 * Scope: a slot covers one page's navigation as the crawler starts it. Redirects to
 * another host, subresources and requests made by page scripts are not limited.
 */
export { HOST_LIMIT_BOUNDS, HOST_LIMIT_DEFAULTS } from "./constants.js";
export { DynamoRobotsTxtCache } from "./robotsTxtCache.js";
export { DynamoHostLimiter, dynamoHostLimiterDefaults, type DynamoHostLimiterOptions } from "./DynamoHostLimiter.js";
export {
  HostPoliteness,
  hostPolitenessDefaults,
  type HostPolitenessOptions,
  type PolitenessParams,
} from "./HostPoliteness.js";
export { limitKeyFor } from "./limitKeys.js";
export { planAcquire, type LimitItem, type SlotPlan, type SlotRequest } from "./slotPlan.js";
export type { HostLimiter, HostSlot, SlotLimits, TaskHostSlots } from "./types.js";
