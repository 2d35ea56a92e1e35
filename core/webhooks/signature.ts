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
