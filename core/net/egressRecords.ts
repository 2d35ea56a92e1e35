import type { AddressRefusal } from "./addressPolicy.js";
import { bareHost, portOfUrl } from "./hosts.js";

/** One request the egress proxy did not carry out. */
export interface EgressRecord {
  /**
   * `blocked`: the policy refused the target; no connection was attempted.
   * `failed`: the target was allowed but could not be resolved or reached.
   */
  kind: "blocked" | "failed";
  /** What Chromium asked for: the URL (plain HTTP) or `host:port` (CONNECT tunnel). */
  target: string;
  /** {@link recordKey} of the target's host and port. */
  key: string;
  /** `<target> resolves to <address> (<range>)` when blocked; the network error when failed. */
  reason: string;
  /** The refused address and its range (blocked by address; absent for a refused scheme). */
  refusal?: AddressRefusal;
  /** `host:port` of the upstream proxy the request was sent through, if any (never its credentials). */
  via?: string;
  /** Whether a connection to the target was started; always false for `blocked`. */
  connectAttempted: boolean;
  /** When, in epoch milliseconds. */
  at: number;
}

/** One spelling per host and port: lower case, IPv6 without brackets. */
export function recordKey(host: string, port: number): string {
  return `${bareHost(host.toLowerCase())} ${port}`;
}

/** {@link recordKey} of the host and port a URL connects to; undefined for other schemes. */
export function recordKeyOfUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const port = portOfUrl(parsed);
    return port === undefined ? undefined : recordKey(parsed.hostname, port);
  } catch {
    return undefined;
  }
}

/**
 * The latest record per host and port, bounded in count and age: the decision depends
 * only on host and port, and a page looks its failed requests up within seconds.
 */
export class EgressRecords {
  readonly #byKey = new Map<string, EgressRecord>();

  constructor(
    private readonly maxRecords: number,
    private readonly ttlMs: number,
  ) {}

  add(record: EgressRecord): void {
    // Re-inserting moves the key to the end, so the first key is always the oldest.
    this.#byKey.delete(record.key);
    this.#byKey.set(record.key, record);
    while (this.#byKey.size > this.maxRecords) {
      const oldest = this.#byKey.keys().next().value;
      if (oldest === undefined) break;
      this.#byKey.delete(oldest);
    }
  }

  /** The record for the host and port of `url`, if it is recent. */
  find(url: string): EgressRecord | undefined {
    const key = recordKeyOfUrl(url);
    const record = key === undefined ? undefined : this.#byKey.get(key);
    return record !== undefined && Date.now() - record.at <= this.ttlMs ? record : undefined;
  }

  /** Records within the TTL, oldest first. */
  all(): EgressRecord[] {
    const since = Date.now() - this.ttlMs;
    return [...this.#byKey.values()].filter((record) => record.at >= since);
  }
}
