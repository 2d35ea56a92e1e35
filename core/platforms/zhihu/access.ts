import type { Page } from "puppeteer-core";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import type { ZhihuErrorResponse } from "./shapes.js";

/**
 * Which zhihu answers mean "this account cannot go on", which mean "slow down" — never an
 * empty success.
 *
 * API answers (`{error: {code, message, redirect?}}`, any status):
 * | answer                                                                | verdict          |
 * |-----------------------------------------------------------------------|------------------|
 * | HTTP 429, or an error whose message names 频繁 / too many             | THROTTLED        |
 * | error.code 40362 / 40352, or a redirect to /account/unhuman (abnormal | RISK_CONTROL     |
 * |   request: zhihu's captcha)                                           |                  |
 * | error.code 100 / 10003, error.need_login, or HTTP 401 (login needed)  | ACCOUNT_REQUIRED |
 * | HTTP 403 with any other error                                         | RISK_CONTROL     |
 * | HTTP 404 (e.g. a post without comments)                               | ok: an empty list |
 *
 * Pages: /account/unhuman (the "unhuman" captcha page) is RISK_CONTROL; /signin (the
 * login wall zhihu redirects to, `?next=…`) is ACCOUNT_REQUIRED.
 *
 * Evidence: MC raises ForbiddenError on 403 and reads 404 as "a post without comments"
 * (media_platform/zhihu/client.py:106-113); an `error` body is a failed request (118-121).
 * ASSUMPTIONS (FLOW.md): the error codes, the throttling answers, 401.
 */

export const ZHIHU_LOGIN_CODES: ReadonlySet<number> = new Set([100, 10003]);
export const ZHIHU_RISK_CODES: ReadonlySet<number> = new Set([40362, 40352]);

const THROTTLE_MESSAGE = /频繁|too many requests/i;

export function classifyZhihuResponse(response: CapturedResponse): ResponseVerdict {
  const error = (response.json as ZhihuErrorResponse | undefined)?.error;
  const where = response.url.pathname;
  if (response.status === 429) return { ok: false, code: "THROTTLED", message: `zhihu answered HTTP 429 on ${where}` };
  if (error !== undefined && error !== null && typeof error === "object") {
    const said = `zhihu answered HTTP ${response.status}, error ${error.code ?? "?"}${error.message ? ` (${error.message})` : ""} on ${where}`;
    if (THROTTLE_MESSAGE.test(error.message ?? "")) return { ok: false, code: "THROTTLED", message: said };
    if (
      (error.code !== undefined && ZHIHU_RISK_CODES.has(error.code)) ||
      error.redirect?.includes("/account/unhuman")
    ) {
      return { ok: false, code: "RISK_CONTROL", message: said };
    }
    if (
      (error.code !== undefined && ZHIHU_LOGIN_CODES.has(error.code)) ||
      error.need_login === true ||
      response.status === 401
    ) {
      return { ok: false, code: "ACCOUNT_REQUIRED", message: said };
    }
    if (response.status === 403) return { ok: false, code: "RISK_CONTROL", message: said };
  }
  if (response.status === 401)
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `zhihu answered HTTP 401 on ${where}` };
  if (response.status === 403)
    return { ok: false, code: "RISK_CONTROL", message: `zhihu answered HTTP 403 on ${where}` };
  return { ok: true };
}

/** The page just opened: zhihu's captcha or its login wall instead of the page asked for. */
export async function classifyZhihuPage(page: Page): Promise<ResponseVerdict> {
  const url = new URL(page.url());
  if (url.pathname.startsWith("/account/unhuman")) {
    return { ok: false, code: "RISK_CONTROL", message: "zhihu showed its captcha page (/account/unhuman)" };
  }
  if (url.pathname.startsWith("/signin") || url.pathname.startsWith("/signup")) {
    return {
      ok: false,
      code: "ACCOUNT_REQUIRED",
      message: `zhihu sent the browser to its login page (${url.pathname})`,
    };
  }
  return { ok: true };
}
