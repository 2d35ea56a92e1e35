import { createHash } from "node:crypto";
import * as z from "zod";
import type { AccountCookie } from "../platforms/media/types.js";

/**
 * The three ways users bring an account's cookies, all turned into one list:
 *
 * 1. a Cookie header as copied from the browser's devtools: `"a=1; b=2"` (a leading
 *    `Cookie:` is dropped);
 * 2. the JSON array a cookie-export extension saves: `[{name, value, domain, path,
 *    expirationDate | expires, httpOnly, secure, …}]` — other keys such extensions write
 *    (sameSite, hostOnly, session, storeId, id) are dropped;
 * 3. that same array as a JSON string.
 *
 * Bounded: at most {@link MAX_COOKIES_BYTES} as sent and {@link MAX_COOKIES} cookies.
 */

export const MAX_COOKIES = 200;
export const MAX_COOKIES_BYTES = 16 * 1024;

/** RFC 6265 cookie-name: a token (no separators, spaces or controls). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
/** A value Chromium accepts and a Cookie header can carry: no controls, no `;`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it refuses.
const COOKIE_VALUE = /^[^\x00-\x1f\x7f;]*$/;

const exportedCookie = z
  .object({
    name: z.string().regex(COOKIE_NAME, { error: "must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)" }),
    value: z.string().regex(COOKIE_VALUE, { error: "must not contain ';' or control characters" }),
    domain: z.string().max(255).optional(),
    path: z.string().max(1024).optional(),
    /** Epoch seconds; browser exports call it expirationDate. */
    expires: z.number().finite().optional(),
    expirationDate: z.number().finite().optional(),
    httpOnly: z.boolean().optional(),
    secure: z.boolean().optional(),
  })
  .transform(({ expirationDate, expires, ...cookie }): AccountCookie => {
    const when = expires ?? expirationDate;
    return { ...cookie, ...(when !== undefined ? { expires: when } : {}) };
  });

const cookieArray = z
  .array(exportedCookie)
  .min(1, { error: "must contain at least one cookie" })
  .max(MAX_COOKIES, { error: `must have at most ${MAX_COOKIES} cookies` });

/**
 * The `cookies` field of a create-account body: a header string, an exported array or
 * that array as JSON, checked and turned into `AccountCookie[]`.
 */
export const cookiesInput = z
  .union([z.string(), z.array(z.unknown())], {
    error: 'must be a Cookie header string ("a=1; b=2") or an array of {name, value, …}',
  })
  .superRefine((value, ctx) => {
    const bytes = Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value), "utf8");
    if (bytes > MAX_COOKIES_BYTES)
      ctx.addIssue({ code: "custom", message: `must be at most ${MAX_COOKIES_BYTES} bytes (got ${bytes})` });
  })
  .transform((value, ctx): unknown => {
    if (Array.isArray(value)) return value;
    const text = value.trim();
    if (text.startsWith("[")) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "looks like a JSON array but is not valid JSON" });
        return z.NEVER;
      }
    }
    const pairs = splitCookieHeader(text);
    // The entry is not echoed: it may be a secret pasted in the wrong place.
    const bad = pairs.findIndex((pair) => !pair.includes("="));
    if (bad !== -1) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${bad + 1} of the Cookie header has no "=" (expected "name=value; name2=value2")`,
      });
      return z.NEVER;
    }
    return pairs.map(toNameValue);
  })
  .pipe(cookieArray);

/** `"Cookie: a=1; b=2"` → `["a=1", "b=2"]`. */
export function splitCookieHeader(header: string): string[] {
  return header
    .replace(/^cookie\s*:/i, "")
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "");
}

/** `"a=1=2"` → `{name: "a", value: "1=2"}` (only the first `=` separates). */
function toNameValue(pair: string): { name: string; value: string } {
  const at = pair.indexOf("=");
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
}

/**
 * One spelling of a cookie list whatever format it came in: `name=value` pairs sorted by
 * name then value, joined by `"; "` (domain, path and flags left out, so a header paste
 * and an export of the same session agree).
 */
export function normalizeCookies(cookies: readonly AccountCookie[]): string {
  return cookies
    .map((cookie) => [cookie.name, cookie.value] as const)
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

/** First 16 hex of SHA-256 of {@link normalizeCookies}: tells uploads apart, reveals nothing usable. */
export function cookieFingerprint(cookies: readonly AccountCookie[]): string {
  return createHash("sha256").update(normalizeCookies(cookies), "utf8").digest("hex").slice(0, 16);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
