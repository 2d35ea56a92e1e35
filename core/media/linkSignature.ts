/**
 * The one-machine stack's download links: `<base>/media/<key>?expires=<unix s>&sig=<hex>`,
 * `sig` = HMAC-SHA256(key, "<key>\n<expires>"). The gateway serves a file only for a
 * signature that matches and has not expired (local/mediaRoute.ts); nothing is stored per
 * link. On AWS, S3 presigns its own (s3Store.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MEDIA_ROUTE_PREFIX = "/media/";

function signatureOf(secret: string, key: string, expires: number): string {
  return createHmac("sha256", secret).update(`${key}\n${expires}`).digest("hex");
}

/** The path and query of a link to `key` valid until `expires` (unix seconds). */
export function signedMediaPath(secret: string, key: string, expires: number): string {
  const path = key.split("/").map(encodeURIComponent).join("/");
  return `${MEDIA_ROUTE_PREFIX}${path}?expires=${expires}&sig=${signatureOf(secret, key, expires)}`;
}

export type LinkCheck = { ok: true; key: string } | { ok: false; message: string };

/** Checks a link's path and query (as the gateway got them) at `now` (ms). */
export function checkSignedMediaPath(
  secret: string,
  path: string,
  query: URLSearchParams,
  now = Date.now(),
): LinkCheck {
  if (!path.startsWith(MEDIA_ROUTE_PREFIX)) return { ok: false, message: "not a media link" };
  let key: string;
  try {
    key = path.slice(MEDIA_ROUTE_PREFIX.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return { ok: false, message: "sig: the link is not valid" };
  }
  const expires = Number(query.get("expires"));
  const sig = query.get("sig") ?? "";
  if (!Number.isInteger(expires)) return { ok: false, message: "expires: missing or not a number" };
  const wanted = Buffer.from(signatureOf(secret, key, expires), "hex");
  const given = /^[0-9a-f]{64}$/.test(sig) ? Buffer.from(sig, "hex") : Buffer.alloc(0);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, message: "sig: the link's signature does not match" };
  if (expires * 1000 <= now) return { ok: false, message: "expires: the link has expired; read the results again" };
  return { ok: true, key };
}
