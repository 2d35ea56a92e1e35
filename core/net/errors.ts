import { NonRetryableCrawlError } from "../errors.js";
import type { AddressRefusal } from "./addressPolicy.js";

/**
 * A target the egress policy refuses: its address is not public (or its scheme is not
 * http/https). Never retried: the same target is refused again. `code` is `BLOCKED_TARGET`.
 */
export class BlockedTargetError extends NonRetryableCrawlError {
  /** The URL or `host:port` that was asked for. */
  readonly target: string;
  /** The refused address and its range; absent when the scheme was refused. */
  readonly refusal?: AddressRefusal;

  constructor(target: string, refusal: AddressRefusal | { reason: string }) {
    const message =
      "address" in refusal
        ? `${target} resolves to ${refusal.address} (${refusal.range})`
        : `${target}: ${refusal.reason}`;
    super("BLOCKED_TARGET", message);
    this.name = "BlockedTargetError";
    this.target = target;
    if ("address" in refusal) this.refusal = refusal;
  }
}
