import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { EgressPolicy } from "../net/addressPolicy.js";
import { BlockedTargetError } from "../net/errors.js";
import { assertPublicTarget, pinnedLookup, type ResolveHost } from "../net/resolveTarget.js";
import type { WebhookMessage } from "./queue.js";
import { SIGNATURE_HEADER, signBody, signTimestamped, TIMESTAMPED_SIGNATURE_HEADER } from "./signature.js";

export interface DeliveryOptions {
  /** Key of the X-Signature HMAC. */
  secret: string;
  /** Longest one attempt may take, name resolution to the last byte of the answer. @default 5000 */
  timeoutMs?: number;
  /** Which addresses may be POSTed to. @default env ALLOW_PRIVATE_TARGETS */
  policy?: EgressPolicy;
  /** @default dns.lookup */
  resolveHost?: ResolveHost;
  /** @default "crawl-tasks-webhooks/1" */
  userAgent?: string;
}

/** How one attempt went. `retryable: false` means the same attempt would fail again. */
export type DeliveryResult =
  | { delivered: true; status: number; durationMs: number }
  | { delivered: false; retryable: boolean; status?: number; error: string; durationMs: number };

/** How much of an answer's body is read, and for how long, before the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;
const ANSWER_DRAIN_MS = 1000;

class DeliveryTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeliveryTimeout";
  }
}

/**
 * POSTs one webhook message: resolves the host and checks every address against the egress
 * policy, connects only to those addresses (so a second, different DNS answer cannot be
 * used: DNS rebinding), signs the body, and never follows a redirect. 2xx is delivered;
 * any other status, a timeout or a network error may be retried; a refused address not.
 */
export async function deliverWebhook(message: WebhookMessage, options: DeliveryOptions): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DeliveryTimeout(timeoutMs)), timeoutMs);
  try {
    const target = await untilAborted(
      assertPublicTarget(message.url, {
        ...(options.policy ? { policy: options.policy } : {}),
        ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      }),
      abort.signal,
    );
    const status = await post(message, options, target.addresses, abort.signal);
    if (status >= 200 && status < 300) return { delivered: true, status, durationMs: elapsed() };
    return { delivered: false, retryable: true, status, error: `HTTP ${status}`, durationMs: elapsed() };
  } catch (error) {
    if (error instanceof BlockedTargetError)
      return { delivered: false, retryable: false, error: error.message, durationMs: elapsed() };
    const reason = abort.signal.aborted ? (abort.signal.reason as Error) : (error as Error);
    const code = (reason as NodeJS.ErrnoException).code;
    return {
      delivered: false,
      retryable: true,
      error: `${reason.message}${code && !reason.message.includes(code) ? ` (${code})` : ""}`,
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
  }
}

function post(
  message: WebhookMessage,
  options: DeliveryOptions,
  addresses: Parameters<typeof pinnedLookup>[0],
  signal: AbortSignal,
): Promise<number> {
  const url = new URL(message.url);
  const body = Buffer.from(message.body);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      // A fresh connection per attempt, made through the checked addresses only.
      agent: false,
      lookup: pinnedLookup(addresses),
      signal,
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "user-agent": options.userAgent ?? "crawl-tasks-webhooks/1",
        "x-webhook-id": message.event_id,
        "x-webhook-event": message.event_type,
        "x-webhook-attempt": String(message.attempt),
        [SIGNATURE_HEADER.toLowerCase()]: signBody(options.secret, body),
        // This attempt's time, signed with the body: receivers refuse replays past REPLAY_WINDOW_SECS.
        [TIMESTAMPED_SIGNATURE_HEADER.toLowerCase()]: signTimestamped(
          options.secret,
          body,
          Math.floor(Date.now() / 1000),
        ),
      },
    });
    req.once("error", reject);
    req.once("response", (response: IncomingMessage) => {
      // The status decides; the answer's body is read away (a little of it, briefly) so the
      // receiver's write does not fail, and nothing waits on it.
      resolve(response.statusCode ?? 0);
      let read = 0;
      const drop = setTimeout(() => response.destroy(), ANSWER_DRAIN_MS);
      drop.unref();
      response.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) response.destroy();
      });
      response.once("close", () => clearTimeout(drop));
      response.once("error", () => undefined);
    });
    req.end(body);
  });
}

/** `promise`, or the abort reason as soon as `signal` fires (a DNS lookup cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error as Error);
      },
    );
  });
}
