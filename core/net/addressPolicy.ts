import { isIPv4, isIPv6 } from "node:net";
import { type Env, loadConfig } from "../config.js";
import { bareHost } from "./hosts.js";

/**
 * Which IP addresses a crawl may connect to. Pure: no DNS, no sockets — callers pass the
 * addresses they resolved (see resolveTarget.ts), so the address checked is the address
 * connected to.
 *
 * Refused: every range that is not globally routable — loopback, private, link-local (the
 * cloud metadata address 169.254.169.254 included), carrier-grade NAT, multicast,
 * unspecified, broadcast and the other IANA special-purpose ranges — in IPv4 and IPv6,
 * and IPv4 addresses embedded in IPv6 (IPv4-mapped `::ffff:a.b.c.d`, NAT64
 * `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`) are judged by the IPv4 address inside.
 */

/** Kinds of non-public range; `allowPrivate` lets the {@link RELAXABLE_CATEGORIES} through. */
export const ADDRESS_CATEGORIES = {
  loopback: "loopback",
  private: "private",
  sharedNat: "carrier-grade NAT",
  linkLocal: "link-local",
  metadata: "cloud metadata",
  unspecified: "unspecified",
  multicast: "multicast",
  reserved: "reserved",
  invalid: "invalid",
} as const;
export type AddressCategory = (typeof ADDRESS_CATEGORIES)[keyof typeof ADDRESS_CATEGORIES];

/**
 * What ALLOW_PRIVATE_TARGETS=1 allows: the networks a developer's own services live on.
 * Link-local (where cloud metadata services answer), multicast, unspecified and reserved
 * addresses stay refused: they are never a page worth crawling.
 */
export const RELAXABLE_CATEGORIES: ReadonlySet<AddressCategory> = new Set([
  ADDRESS_CATEGORIES.loopback,
  ADDRESS_CATEGORIES.private,
  ADDRESS_CATEGORIES.sharedNat,
]);

/** The non-public range an address is in, e.g. `{category: "loopback", range: "127.0.0.0/8 loopback"}`. */
export interface AddressRange {
  category: AddressCategory;
  /** The CIDR and its name; for embedded IPv4 also the IPv6 form it came in. */
  range: string;
}

type V4Rule = readonly [cidr: string, category: AddressCategory, name?: string];

// Most specific first: the first match names the range.
const V4_RULES: readonly V4Rule[] = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.100.100.200/32", "cloud metadata", "cloud metadata (Alibaba)"],
  ["100.64.0.0/10", "carrier-grade NAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local", "link-local (cloud metadata)"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved", "IETF protocol assignments"],
  ["192.0.2.0/24", "reserved", "documentation"],
  ["192.88.99.0/24", "reserved", "6to4 relay anycast"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "reserved", "benchmarking"],
  ["198.51.100.0/24", "reserved", "documentation"],
  ["203.0.113.0/24", "reserved", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved", "reserved and broadcast"],
];

type V6Rule = readonly [cidr: string, category: AddressCategory, name?: string];

/** IPv6 prefixes that carry an IPv4 address, and where it sits (bits from the right). */
const V6_EMBEDDING: ReadonlyArray<readonly [cidr: string, name: string, shift: bigint]> = [
  ["::ffff:0:0/96", "IPv4-mapped", 0n],
  ["64:ff9b::/96", "NAT64", 0n],
  ["2002::/16", "6to4", 80n],
];

const V6_RULES: readonly V6Rule[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["64:ff9b:1::/48", "private", "local-use NAT64"],
  ["::/8", "reserved", "reserved (IPv4-compatible, SIIT)"],
  ["100::/64", "reserved", "discard-only"],
  ["2001::/32", "reserved", "Teredo"],
  ["2001:db8::/32", "reserved", "documentation"],
  ["fd00:ec2::254/128", "cloud metadata", "cloud metadata (AWS)"],
  ["fc00::/7", "private", "unique local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private", "site-local (deprecated)"],
  ["ff00::/8", "multicast"],
];

interface Compiled<T> {
  base: T;
  mask: T;
  category: AddressCategory;
  label: string;
}

const V4 = V4_RULES.map(([cidr, category, name]): Compiled<number> => {
  const [base, bits] = splitCidr(cidr, parseIPv4);
  return { base, mask: v4Mask(bits), category, label: `${cidr} ${name ?? category}` };
});
const V6 = V6_RULES.map(([cidr, category, name]): Compiled<bigint> => {
  const [base, bits] = splitCidr(cidr, parseIPv6);
  return { base, mask: v6Mask(bits), category, label: `${cidr} ${name ?? category}` };
});
const EMBEDDING = V6_EMBEDDING.map(([cidr, name, shift]) => {
  const [base, bits] = splitCidr(cidr, parseIPv6);
  return { base, mask: v6Mask(bits), label: `${cidr} ${name}`, shift };
});

/**
 * The non-public range `address` (an IP literal, IPv6 with or without brackets or zone)
 * is in, or undefined for a globally routable address. Anything that is not an IP
 * address is `invalid`, so callers fail closed.
 *
 * @example
 * classifyAddress("169.254.169.254"); // { category: "link-local", range: "169.254.0.0/16 link-local (cloud metadata)" }
 * classifyAddress("::ffff:127.0.0.1"); // { category: "loopback", range: "127.0.0.0/8 loopback via ::ffff:0:0/96 IPv4-mapped" }
 * classifyAddress("93.184.215.14"); // undefined
 */
export function classifyAddress(address: string): AddressRange | undefined {
  const bare = bareHost(address).replace(/%.*$/, "");
  if (isIPv4(bare)) return classifyV4(parseIPv4(bare));
  if (!isIPv6(bare)) return { category: ADDRESS_CATEGORIES.invalid, range: "not an IP address" };
  const value = parseIPv6(bare);
  for (const embedding of EMBEDDING) {
    if ((value & embedding.mask) !== embedding.base) continue;
    const inner = classifyV4(Number((value >> embedding.shift) & 0xffff_ffffn));
    return inner && { category: inner.category, range: `${inner.range} via ${embedding.label}` };
  }
  const rule = V6.find((candidate) => (value & candidate.mask) === candidate.base);
  return rule && { category: rule.category, range: rule.label };
}

function classifyV4(value: number): AddressRange | undefined {
  const rule = V4.find((candidate) => (value & candidate.mask) >>> 0 === candidate.base);
  return rule && { category: rule.category, range: rule.label };
}

/** Who may be connected to, besides public addresses. */
export interface EgressPolicy {
  /**
   * Let loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) and carrier-grade NAT
   * addresses through, for local development and tests. Link-local and cloud metadata
   * addresses, multicast, unspecified and reserved ranges stay refused.
   * @default env ALLOW_PRIVATE_TARGETS is "1"
   */
  allowPrivate?: boolean;
  /**
   * Exact endpoints allowed whatever their range, as `address:port` of the resolved
   * address (`127.0.0.1:8080`, `[::1]:8080`): a test serves its site on 127.0.0.1 while
   * every other loopback port stays refused.
   * @default []
   */
  allowTargets?: readonly string[];
}

/** An {@link EgressPolicy} with its defaults applied. */
export interface ResolvedEgressPolicy {
  allowPrivate: boolean;
  /** {@link endpointKey}s of `allowTargets`. */
  allowTargets: ReadonlySet<string>;
}

/** Applies the defaults; throws TypeError for an `allowTargets` entry that is not `ip:port`. */
export function resolveEgressPolicy(policy: EgressPolicy = {}, env?: Env): ResolvedEgressPolicy {
  const allowTargets = new Set<string>();
  for (const target of policy.allowTargets ?? []) {
    const match = /^\[?([^[\]]+?)\]?:(\d{1,5})$/.exec(target);
    const key = match && endpointKey(match[1] ?? "", Number(match[2]));
    if (!key) throw new TypeError(`allowTargets entry "${target}" must be "<ip address>:<port>"`);
    allowTargets.add(key);
  }
  return { allowPrivate: policy.allowPrivate ?? loadConfig(env).allowPrivateTargets, allowTargets };
}

/** Why an address was refused. */
export interface AddressRefusal extends AddressRange {
  address: string;
}

/**
 * Checks one resolved address against the policy. Returns the refusal, or undefined when
 * connecting to `address:port` is allowed.
 */
export function refuseAddress(address: string, port: number, policy: ResolvedEgressPolicy): AddressRefusal | undefined {
  const range = classifyAddress(address);
  if (range === undefined) return undefined;
  if (policy.allowPrivate && RELAXABLE_CATEGORIES.has(range.category)) return undefined;
  const key = endpointKey(address, port);
  if (key !== undefined && policy.allowTargets.has(key)) return undefined;
  return { address, ...range };
}

/** One spelling per endpoint (`4/<n>:<port>`, `6/<n>:<port>`), however the address was written. */
export function endpointKey(address: string, port: number): string | undefined {
  const bare = bareHost(address);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return undefined;
  if (isIPv4(bare)) return `4/${parseIPv4(bare)}:${port}`;
  if (isIPv6(bare)) return `6/${parseIPv6(bare)}:${port}`;
  return undefined;
}

/** A dotted quad (already checked by isIPv4) as an unsigned 32-bit number. */
function parseIPv4(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** An IPv6 address (already checked by isIPv6, zone removed) as a 128-bit number. */
function parseIPv6(address: string): bigint {
  let text = address;
  // A trailing dotted quad (::ffff:1.2.3.4) is the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1] !== undefined) {
    const v4 = parseIPv4(quad[1]);
    text = `${text.slice(0, quad.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function splitCidr<T>(cidr: string, parse: (address: string) => T): [T, number] {
  const [address = "", bits = ""] = cidr.split("/");
  return [parse(address), Number(bits)];
}

function v4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffff_ffff << (32 - bits)) >>> 0;
}

function v6Mask(bits: number): bigint {
  const all = (1n << 128n) - 1n;
  return all ^ ((1n << BigInt(128 - bits)) - 1n);
}
