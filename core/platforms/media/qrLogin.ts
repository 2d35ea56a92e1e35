import type { BrowserContext, Page } from "puppeteer-core";
import type { AccountPlatformName } from "../registry.js";

/**
 * How each media platform signs in by QR code, as MediaCrawler (MC) does it in
 * media_platform/<platform>/login.py: the page it opens, what it clicks when the QR code
 * is not shown at once, the QR code's selector, and the check that says the phone
 * confirmed (MC polls it once a second: `@retry(stop_after_attempt(600), wait_fixed(1))`
 * on each `check_login_state`).
 *
 * MC takes the image from the element's `src` (tools/crawler_util.py:43-63, fetching it
 * when it is a URL) or, for zhihu's canvas, a screenshot of the element
 * (crawler_util.py:66-85). Here every platform's QR code is a screenshot of the element
 * MC's selector finds, so an <img> and a <canvas> give the same PNG.
 *
 * ASSUMPTION (no source): how a live page shows that the code was scanned and waits for the
 * phone's confirmation, and that the user declined on the phone. MC only waits for the
 * logged-in state. The texts below are what these pages are commonly seen to show; a page
 * that shows neither still signs in (the state goes from waiting to done).
 */

/** The base URLs the login page is opened on (overridable like a crawl's, core/platforms/media/baseUrls.ts). */
export type LoginBaseUrls = Readonly<Record<string, string>>;

/** What the logged-in check compares against: the state before the QR code was shown. */
export type LoginBaseline = Readonly<Record<string, string | undefined>>;

export interface QrLoginSpec {
  /** Base URLs keyed like `<PLATFORM>_BASE_URL_<KEY>`. */
  baseUrls: LoginBaseUrls;
  /** The page MC opens before it looks for the QR code. */
  loginUrl(urls: LoginBaseUrls): string;
  /** MC's selector of the QR code, in puppeteer's spelling (`xpath/` + MC's XPath, or MC's CSS). */
  qrSelector: string;
  /** Clicked when the QR code does not show by itself (MC clicks its login button). */
  openLoginSelector?: string;
  /** Whether MC clicks `openLoginSelector` first (ks, bili) or only when the QR code is missing (xhs, tieba, dy). */
  clickFirst?: boolean;
  /** Cookies read before the QR code is shown, for checks that look for a change. */
  baselineCookies?: readonly string[];
  /** MC's logged-in check. */
  loggedIn(probe: LoginProbe, baseline: LoginBaseline): Promise<boolean>;
}

/** What a logged-in check may look at: the context's cookies, its pages' localStorage, the login page. */
export interface LoginProbe {
  cookies(): Promise<Record<string, string>>;
  page: Page;
  context: BrowserContext;
}

/** ASSUMPTION (no source): the texts a login panel shows once the phone scanned the code. */
export const SCANNED_TEXTS = ["扫码成功", "扫描成功", "请在手机上确认"] as const;
/** ASSUMPTION (no source): the texts a login panel shows when the user declined on the phone. */
export const REFUSED_TEXTS = ["已取消登录", "已拒绝登录", "拒绝登录"] as const;

const cookieSet = async (probe: LoginProbe, ...names: string[]): Promise<boolean> => {
  const cookies = await probe.cookies();
  return names.some((name) => (cookies[name] ?? "") !== "");
};

export const QR_LOGIN: Readonly<Record<AccountPlatformName, QrLoginSpec>> = {
  xhs: {
    // MC core.py:63,101 opens the home page; login.py:171 `//img[@class='qrcode-img']`; when it is
    // missing MC clicks the sidebar's login button (login.py:180-182).
    baseUrls: { www: "https://www.xiaohongshu.com" },
    loginUrl: (urls) => `${urls.www}/`,
    qrSelector: "xpath///img[@class='qrcode-img']",
    openLoginSelector: "xpath///*[@id='app']/div[1]/div[2]/div[1]/ul/div[1]/button",
    baselineCookies: ["web_session"],
    // login.py:52-85: the "我" (Me) link to /user/profile/ shows, or `web_session` changed from
    // the guest one read before the QR code (login.py:189-192).
    async loggedIn(probe, baseline) {
      const meShown = await probe.page
        .$$eval("a[href*='/user/profile/'] span", (spans) => spans.some((span) => span.textContent === "我"))
        .catch(() => false);
      if (meShown) return true;
      const session = (await probe.cookies()).web_session;
      return session !== undefined && session !== "" && session !== baseline.web_session;
    },
  },
  dy: {
    // MC core.py:56,98; login.py:111-122 waits for `#login-panel-new`, else clicks "登录";
    // login.py:126 `//div[@id='animate_qrcode_container']//img`.
    baseUrls: { www: "https://www.douyin.com" },
    loginUrl: (urls) => `${urls.www}/`,
    qrSelector: "xpath///div[@id='animate_qrcode_container']//img",
    openLoginSelector: "xpath///p[text()='登录']",
    // login.py:91-108: localStorage `HasUserLogin` is "1" on a page of the context, or cookie LOGIN_STATUS=1.
    async loggedIn(probe) {
      for (const page of await probe.context.pages()) {
        const flag = await page.evaluate(() => window.localStorage.getItem("HasUserLogin")).catch(() => null);
        if (flag === "1") return true;
      }
      return (await probe.cookies()).LOGIN_STATUS === "1";
    },
  },
  ks: {
    // MC core.py:62,103 `?isHome=1`; login.py:79-83 clicks `//p[text()='登录']` first;
    // login.py:86 `//div[@class='qrcode-img']//img`.
    baseUrls: { www: "https://www.kuaishou.com" },
    loginUrl: (urls) => `${urls.www}/?isHome=1`,
    qrSelector: "xpath///div[@class='qrcode-img']//img",
    openLoginSelector: "xpath///p[text()='登录']",
    clickFirst: true,
    // login.py:68-73: a `passToken` cookie.
    loggedIn: (probe) => cookieSet(probe, "passToken"),
  },
  bili: {
    // MC core.py:64,96; login.py:85-89 clicks `//div[@class='right-entry__outside go-login-btn']//div`
    // first; login.py:91 `//div[@class='login-scan-box']//img`.
    baseUrls: { www: "https://www.bilibili.com" },
    loginUrl: (urls) => `${urls.www}/`,
    qrSelector: "xpath///div[@class='login-scan-box']//img",
    openLoginSelector: "xpath///div[@class='right-entry__outside go-login-btn']//div",
    clickFirst: true,
    // login.py:74-78: `SESSDATA` or `DedeUserID`.
    loggedIn: (probe) => cookieSet(probe, "SESSDATA", "DedeUserID"),
  },
  wb: {
    // MC login.py:53,88 opens passport's SSO page; login.py:90 `//img[@class='w-full h-full']`.
    baseUrls: { passport: "https://passport.weibo.com" },
    loginUrl: (urls) => `${urls.passport}/sso/signin?entry=miniblog&source=miniblog`,
    qrSelector: "xpath///img[@class='w-full h-full']",
    baselineCookies: ["WBPSESS"],
    // login.py:76-83: `SSOLoginState`, or `WBPSESS` changed from the one read before (login.py:106-108).
    async loggedIn(probe, baseline) {
      const cookies = await probe.cookies();
      if ((cookies.SSOLoginState ?? "") !== "") return true;
      return cookies.WBPSESS !== baseline.WBPSESS;
    },
  },
  tieba: {
    // MC core.py:56; login.py:85 `//img[@class='tang-pass-qrcode-img']`; when missing MC clicks
    // `//li[@class='u_login']` (login.py:95).
    baseUrls: { www: "https://tieba.baidu.com" },
    loginUrl: (urls) => `${urls.www}/`,
    qrSelector: "xpath///img[@class='tang-pass-qrcode-img']",
    openLoginSelector: "xpath///li[@class='u_login']",
    // login.py:58-64: `STOKEN` or `PTOKEN`.
    loggedIn: (probe) => cookieSet(probe, "STOKEN", "PTOKEN"),
  },
  zhihu: {
    // MC core.py:59,104; login.py:84 `canvas.Qrcode-qrcode`, captured as a screenshot (crawler_util.py:66-85).
    baseUrls: { www: "https://www.zhihu.com" },
    loginUrl: (urls) => `${urls.www}/`,
    qrSelector: "canvas.Qrcode-qrcode",
    // login.py:58-63: a `z_c0` cookie.
    loggedIn: (probe) => cookieSet(probe, "z_c0"),
  },
};
