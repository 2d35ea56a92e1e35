import type { Page } from "puppeteer-core";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import { tiebaErrorCode, tiebaErrorMessage, type TiebaErrorEnvelope } from "./shapes.js";

/**
 * Which tieba answers mean "this account cannot go on" — never an empty success.
 *
 * API answers (error envelope, shapes.ts):
 * | answer                                                        | verdict          |
 * |---------------------------------------------------------------|------------------|
 * | HTTP 401 / 403                                                | ACCOUNT_REQUIRED |
 * | error code 1 or message 未登录 / 请登录 (not logged in)          | ACCOUNT_REQUIRED |
 * | error code 220034 (操作太频繁), 2150040 (需要验证码) or a message | RISK_CONTROL     |
 * |   naming 验证 / 频繁 / 安全                                     |                  |
 * | other non-zero codes (deleted thread, bad parameter…)         | ok here; the crawler reports them |
 *
 * Pages: the "百度安全验证" captcha (wappass.baidu.com/static/captcha/…) is RISK_CONTROL;
 * a redirect to the Baidu login (passport.baidu.com) is ACCOUNT_REQUIRED.
 *
 * The codes are the ones public tieba clients document; the message checks catch the
 * same answers when a code changes.
 */

export const TIEBA_LOGIN_CODES: ReadonlySet<number> = new Set([1]);
export const TIEBA_RISK_CODES: ReadonlySet<number> = new Set([220034, 2150040]);

const LOGIN_MESSAGE = /未登录|请登录|登录后|need login|not login/i;
const RISK_MESSAGE = /验证|频繁|安全|captcha|verify/i;

export function classifyTiebaResponse(response: CapturedResponse): ResponseVerdict {
  if (response.status === 401 || response.status === 403) {
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `tieba answered HTTP ${response.status} on ${response.url.pathname}` };
  }
  const body = response.json;
  if (body === null || typeof body !== "object") return { ok: true };
  const code = tiebaErrorCode(body as TiebaErrorEnvelope);
  if (code === 0) return { ok: true };
  const message = tiebaErrorMessage(body as TiebaErrorEnvelope);
  const said = `tieba answered error ${code}${message ? ` (${message})` : ""} on ${response.url.pathname}`;
  if (TIEBA_LOGIN_CODES.has(code) || LOGIN_MESSAGE.test(message)) return { ok: false, code: "ACCOUNT_REQUIRED", message: said };
  if (TIEBA_RISK_CODES.has(code) || RISK_MESSAGE.test(message)) return { ok: false, code: "RISK_CONTROL", message: said };
  return { ok: true };
}

/** The page just opened: Baidu's security check or its login page instead of tieba. */
export async function classifyTiebaPage(page: Page): Promise<ResponseVerdict> {
  const url = new URL(page.url());
  const title = await page.title().catch(() => "");
  if (url.hostname.startsWith("wappass.") || url.pathname.startsWith("/static/captcha/") || title.includes("百度安全验证")) {
    return { ok: false, code: "RISK_CONTROL", message: `tieba showed Baidu's security check (${url.pathname})` };
  }
  if (url.hostname.startsWith("passport.") || /^\/(v2\/)?\?login|^\/login/.test(url.pathname + url.search)) {
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `tieba sent the browser to the Baidu login (${url.pathname})` };
  }
  return { ok: true };
}
