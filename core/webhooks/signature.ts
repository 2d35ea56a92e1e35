import { createHmac, timingSafeEqual } from "node:crypto";

/** The header a delivery carries its signature in. */
export const SIGNATURE_HEADER = "X-Signature";

/** `sha256=<hex HMAC-SHA256 of rawBody keyed with secret>`, the value of {@link SIGNATURE_HEADER}. */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/**
 * What a receiver does: recompute the signature over the exact bytes received and compare
 * in constant time. Parsing and re-serialising the JSON first would change the bytes.
 */
export function verifySignature(secret: string, rawBody: string | Buffer, header: string | undefined): boolean {
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The header carrying the attempt's time and a signature over it and the body:
 * `t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>." + rawBody>`. The body is the same on
 * every attempt; the time is not, so a receiver can refuse a delivery replayed later than
 * its window ({@link REPLAY_WINDOW_SECS}) while {@link SIGNATURE_HEADER} stays for receivers
 * written before it.
 */
export const TIMESTAMPED_SIGNATURE_HEADER = "X-Webhook-Signature";

/** How far from its receiver's clock a delivery's `t` may be: the documented replay window. */
export const REPLAY_WINDOW_SECS = 300;

export function signTimestamped(secret: string, rawBody: string | Buffer, unixSecs: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSecs}.`).update(rawBody).digest("hex");
  return `t=${unixSecs},sha256=${mac}`;
}

/**
 * What a receiver does with {@link TIMESTAMPED_SIGNATURE_HEADER}: the signature must match
 * the exact bytes and `t`, and `t` must be within `windowSecs` of now.
 */
export function verifyTimestamped(
  secret: string,
  rawBody: string | Buffer,
  header: string | undefined,
  nowSecs = Math.floor(Date.now() / 1000),
  windowSecs = REPLAY_WINDOW_SECS,
): boolean {
  const match = /^t=(\d{1,12}),sha256=[0-9a-f]{64}$/.exec(header ?? "");
  if (match === null) return false;
  const unixSecs = Number(match[1]);
  if (Math.abs(nowSecs - unixSecs) > windowSecs) return false;
  const expected = Buffer.from(signTimestamped(secret, rawBody, unixSecs));
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
