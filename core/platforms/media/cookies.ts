import type { BrowserContext, CookieData } from "puppeteer-core";
import type { AccountCookie } from "./types.js";

/**
 * Puts a stored account's cookies into the task's browser context, for the platform's
 * cookie URL (its real site, or the stand-in a test points it at).
 *
 * A cookie keeps its own domain when that domain covers the cookie URL's host
 * (".xiaohongshu.com" for www.xiaohongshu.com). Otherwise (a header paste has no domains,
 * or the task crawls another edition of the site) it is set for the site's domain
 * ({@link siteCookieDomain}), so it also reaches the API hosts beside www (edith.…,
 * api.bilibili.com, zhuanlan.zhihu.com), as MediaCrawler sets every pasted cookie on
 * ".xiaohongshu.com" / ".rednote.com", ".douyin.com", ".kuaishou.com", ".bilibili.com",
 * ".weibo.cn", ".baidu.com", ".zhihu.com" (media_platform/<platform>/login.py, the
 * `login_by_cookies` of each: xhs :222, douyin :272, kuaishou :120, bilibili :125, weibo
 * :130, tieba :130, zhihu :122). `secure` is kept only on https, where Chromium can send it.
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
    const domain =
      cookie.domain !== undefined && covers(cookie.domain, url.hostname)
        ? cookie.domain
        : siteCookieDomain(url.hostname);
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

/**
 * The domain a cookie for `host` is set on so that every host of the site gets it: the
 * last two labels with a leading dot (".xiaohongshu.com" for www.xiaohongshu.com: each
 * platform's registrable domain has two labels, see above). An IP address or a one-label
 * name (a stand-in on 127.0.0.1 or localhost) gets the host itself.
 */
export function siteCookieDomain(host: string): string {
  const name = host.toLowerCase();
  const labels = name.split(".");
  if (labels.length < 2 || /^[\d.]+$/.test(name) || name.includes(":")) return name;
  return `.${labels.slice(-2).join(".")}`;
}

/** Whether a cookie set for `domain` is sent to `host` (".a.com" and "a.com" cover "www.a.com"). */
export function covers(domain: string, host: string): boolean {
  const bare = domain.replace(/^\./, "").toLowerCase();
  const target = host.toLowerCase();
  return target === bare || target.endsWith(`.${bare}`);
}
