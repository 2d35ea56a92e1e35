export {
  ADDRESS_CATEGORIES,
  RELAXABLE_CATEGORIES,
  classifyAddress,
  endpointKey,
  refuseAddress,
  resolveEgressPolicy,
  type AddressCategory,
  type AddressRange,
  type AddressRefusal,
  type EgressPolicy,
  type ResolvedEgressPolicy,
} from "./addressPolicy.js";
export {
  assertPublicTarget,
  cachingResolveHost,
  pinnedLookup,
  resolveTarget,
  systemResolveHost,
  type AssertPublicTargetOptions,
  type ResolveHost,
} from "./resolveTarget.js";
export {
  EgressProxy,
  egressProxyDefaults,
  EGRESS_BLOCKED_HEADER,
  EGRESS_ERROR_HEADER,
  type EgressProxyOptions,
  type EgressRoute,
  type EgressStats,
} from "./egressProxy.js";
export { parseUpstreamProxy, upstreamProxyProblem, UpstreamProxyError, type UpstreamProxy } from "./upstreamProxy.js";
export { ProxyPool } from "./proxyPool.js";
export { recordKey, recordKeyOfUrl, type EgressRecord } from "./egressRecords.js";
export { BlockedTargetError } from "./errors.js";
