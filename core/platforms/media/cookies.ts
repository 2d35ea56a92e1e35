import type { BrowserContext, CookieData } from "puppeteer-core";
import type { AccountCookie } from "./types.js";

/**
 * Puts a stored account's cookies into the task's browser context, for the platform's
 * cookie URL (its real site, or the stand-in a test points it at).
 *
 * A cookie keeps its own domain when that domain covers the cookie URL's host
 * (".xiaohongshu.com" for www.xiaohongshu.com); otherwise — base URL overridden to a
 * stand-in on 127.0.0.1 — it is set for that host, so the account still reaches the
 * site the crawl talks to. `secure` is kept only on https, where Chromium can send it.
 */
export async function setAccountCookies(
  context: BrowserContext,
  cookieUrl: string,
  cookies: readonly AccountCookie[],
): Promise<void> {
  if (cookies.length === 0) return;
  const url = new URL(cookieUrl);
  const https = url.protocol === "https:";
  const data = cookies.map((cookie): CookieData => {
    const domain = cookie.domain !== undefined && covers(cookie.domain, url.hostname) ? cookie.domain : url.hostname;
    return {
      name: cookie.name,
      value: cookie.value,
      domain,
      path: cookie.path ?? "/",
      ...(cookie.expires !== undefined && cookie.expires > 0 ? { expires: cookie.expires } : {}),
      ...(cookie.httpOnly !== undefined ? { httpOnly: cookie.httpOnly } : {}),
      secure: https && (cookie.secure ?? false),
    };
  });
  await context.setCookie(...data);
}

/** Whether a cookie set for `domain` is sent to `host` (".a.com" and "a.com" cover "www.a.com"). */
export function covers(domain: string, host: string): boolean {
  const bare = domain.replace(/^\./, "").toLowerCase();
  const target = host.toLowerCase();
  return target === bare || target.endsWith(`.${bare}`);
}
