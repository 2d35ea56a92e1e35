import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { refuseAddress, resolveEgressPolicy, type EgressPolicy, type ResolvedEgressPolicy } from "./addressPolicy.js";
import { BlockedTargetError } from "./errors.js";
import { bareHost, portOfUrl } from "./hosts.js";

/** Resolves a host name to every address it has (dns.lookup with `all`, in resolver order). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolveHost: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, order: "verbatim" }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * Remembers each name's addresses for `ttlMs`, as Chromium's own host cache would have had
 * it resolved them; concurrent lookups of one name share one query. Failures are not kept.
 * Safe against rebinding: whatever is cached is checked before every connection.
 */
export function cachingResolveHost(resolveHost: ResolveHost, ttlMs: number, maxEntries = 1_000): ResolveHost {
  const cache = new Map<string, { at: number; addresses: Promise<LookupAddress[]> }>();
  return (hostname) => {
    const key = hostname.toLowerCase();
    const hit = cache.get(key);
    if (hit !== undefined && Date.now() - hit.at < ttlMs) return hit.addresses;
    const addresses = resolveHost(hostname);
    cache.delete(key);
    cache.set(key, { at: Date.now(), addresses });
    addresses.catch(() => {
      if (cache.get(key)?.addresses === addresses) cache.delete(key);
    });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value ?? key);
    return addresses;
  };
}

/**
 * Resolves `host` once and checks every address it has against the policy; a host with
 * one refused address is refused altogether (a name with a public and a private record
 * is how DNS rebinding starts). IP literals are checked without DNS.
 *
 * Connect only to the returned addresses (see {@link pinnedLookup}): resolving again
 * could get another answer, which is DNS rebinding.
 *
 * @param target How the target is named in the error (a URL or `host:port`).
 * @throws {BlockedTargetError} when an address is refused; DNS errors as they are.
 */
export async function resolveTarget(
  host: string,
  port: number,
  policy: ResolvedEgressPolicy,
  resolveHost: ResolveHost = systemResolveHost,
  target = `${host}:${port}`,
): Promise<LookupAddress[]> {
  const bare = bareHost(host);
  const family = isIP(bare);
  const addresses = family === 0 ? await resolveHost(bare) : [{ address: bare, family }];
  if (addresses.length === 0) throw Object.assign(new Error(`${bare} has no address`), { code: "ENOTFOUND" });
  for (const { address } of addresses) {
    const refusal = refuseAddress(address, port, policy);
    if (refusal !== undefined) throw new BlockedTargetError(target, refusal);
  }
  return addresses;
}

/**
 * A `lookup` for `net.connect` / `http.request` that answers with `addresses` only, so the
 * socket connects to exactly the addresses {@link resolveTarget} checked.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6
        ? addresses.filter((entry) => entry.family === options.family)
        : addresses;
    const first = wanted[0];
    if (first === undefined) {
      const error = Object.assign(new Error("no checked address of the requested family"), { code: "ENOTFOUND" });
      return callback(error, options.all ? [] : "", 0);
    }
    if (options.all) return callback(null, [...wanted]);
    callback(null, first.address, first.family);
  };
}

/** Options of {@link assertPublicTarget}. */
export interface AssertPublicTargetOptions {
  /** @default {} (private targets only with env ALLOW_PRIVATE_TARGETS=1); a resolved one is used as it is. */
  policy?: EgressPolicy | ResolvedEgressPolicy;
  /** @default dns.lookup */
  resolveHost?: ResolveHost;
}

/**
 * For requests made outside the browser (webhooks): checks that `url` is http(s) and that
 * its host resolves only to allowed addresses. Connect to the returned `address` (or pass
 * `lookup: pinnedLookup(addresses)`), never to the host name again.
 *
 * @example
 * const { addresses } = await assertPublicTarget(hook.url);
 * http.request(hook.url, { method: "POST", lookup: pinnedLookup(addresses) });
 * @throws {BlockedTargetError} for another scheme or a refused address.
 */
export async function assertPublicTarget(
  url: string | URL,
  options: AssertPublicTargetOptions = {},
): Promise<{ address: string; family: number; addresses: LookupAddress[] }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlockedTargetError(String(url), { reason: "not a valid URL" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new BlockedTargetError(parsed.href, {
      reason: `scheme ${parsed.protocol} is not allowed (http and https only)`,
    });
  }
  const port = portOfUrl(parsed) as number; // http or https, checked above
  const policy = isResolved(options.policy) ? options.policy : resolveEgressPolicy(options.policy);
  const addresses = await resolveTarget(parsed.hostname, port, policy, options.resolveHost, parsed.href);
  const [first] = addresses as [LookupAddress, ...LookupAddress[]];
  return { address: first.address, family: first.family, addresses };
}

export function isResolved(policy: EgressPolicy | ResolvedEgressPolicy | undefined): policy is ResolvedEgressPolicy {
  return policy !== undefined && policy.allowTargets instanceof Set;
}
