import type { Page } from "puppeteer-core";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import { tiebaErrorCode, tiebaErrorMessage, type TiebaErrorEnvelope } from "./shapes.js";

/**
 * Which tieba answers mean "this account cannot go on", which mean "slow down", and which
 * are the thread's own business — never an empty success.
 *
 * API answers (error envelope, shapes.ts; and the /p/comment fragment, which `call` reads
 * as text):
 * | answer                                                              | verdict          |
 * |---------------------------------------------------------------------|------------------|
 * | HTTP 429, error 220034 (您的操作太频繁了) or a message naming 频繁/太快  | THROTTLED        |
 * | error 2150040 (需要验证码), or a message naming 验证 / 安全 / captcha  | RISK_CONTROL     |
 * | an answer that ended on wappass.baidu.com / the captcha page          | RISK_CONTROL     |
 * | a body reading "blocked" (MC client.py:269-271: "account blocked")    | RISK_CONTROL     |
 * | HTTP 401 / 403, error 1 or a message 未登录 / 请登录, or an answer that | ACCOUNT_REQUIRED |
 * |   ended on passport.baidu.com (the login page)                       |                  |
 * | other non-zero codes (deleted thread, bad parameter…)                 | ok here; the crawler reports them |
 *
 * Evidence: MC treats every non-zero code as a failed request and retries (client.py:
 * 128-130, 236-276) and reads an empty or "blocked" body as a blocked account (269-271);
 * 220034 is tieba's "too fast" answer (您的操作太频繁了 / 发言太快，请放慢节奏再试 in a public
 * tieba publisher's error table), so it is throttling, not a ban. ASSUMPTIONS (FLOW.md):
 * the codes 1 and 2150040, HTTP 401/403/429, and the message patterns.
 *
 * Pages: the "百度安全验证" captcha (wappass.baidu.com/static/captcha/…) is RISK_CONTROL;
 * a redirect to the Baidu login (passport.baidu.com) is ACCOUNT_REQUIRED.
 */

export const TIEBA_LOGIN_CODES: ReadonlySet<number> = new Set([1]);
export const TIEBA_THROTTLE_CODES: ReadonlySet<number> = new Set([220034]);
export const TIEBA_RISK_CODES: ReadonlySet<number> = new Set([2150040]);

const LOGIN_MESSAGE = /未登录|请登录|登录后|need login|not login/i;
const THROTTLE_MESSAGE = /频繁|太快|too (fast|frequent)/i;
const RISK_MESSAGE = /验证|安全|captcha|verify/i;

export function classifyTiebaResponse(response: CapturedResponse): ResponseVerdict {
  const where = response.url.pathname;
  const landed = landingVerdict(response.url);
  if (landed !== undefined) return landed;
  if (response.status === 429) return { ok: false, code: "THROTTLED", message: `tieba answered HTTP 429 on ${where}` };
  if (response.status === 401 || response.status === 403) {
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `tieba answered HTTP ${response.status} on ${where}` };
  }
  if (response.text?.trim() === "blocked")
    return { ok: false, code: "RISK_CONTROL", message: `tieba answered "blocked" on ${where}` };
  const body = response.json;
  if (body === null || typeof body !== "object") return { ok: true };
  const code = tiebaErrorCode(body as TiebaErrorEnvelope);
  if (code === 0) return { ok: true };
  const message = tiebaErrorMessage(body as TiebaErrorEnvelope);
  const said = `tieba answered error ${code}${message ? ` (${message})` : ""} on ${where}`;
  if (TIEBA_LOGIN_CODES.has(code) || LOGIN_MESSAGE.test(message))
    return { ok: false, code: "ACCOUNT_REQUIRED", message: said };
  if (TIEBA_THROTTLE_CODES.has(code) || THROTTLE_MESSAGE.test(message))
    return { ok: false, code: "THROTTLED", message: said };
  if (TIEBA_RISK_CODES.has(code) || RISK_MESSAGE.test(message))
    return { ok: false, code: "RISK_CONTROL", message: said };
  return { ok: true };
}

/** The page just opened: Baidu's security check or its login page instead of tieba. */
export async function classifyTiebaPage(page: Page): Promise<ResponseVerdict> {
  const url = new URL(page.url());
  const landed = landingVerdict(url);
  if (landed !== undefined) return landed;
  const title = await page.title().catch(() => "");
  if (title.includes("百度安全验证"))
    return { ok: false, code: "RISK_CONTROL", message: `tieba showed Baidu's security check (${url.pathname})` };
  return { ok: true };
}

/** Where a page or a followed redirect ended: Baidu's captcha or its login instead of tieba. */
function landingVerdict(url: URL): ResponseVerdict | undefined {
  if (url.hostname.startsWith("wappass.") || url.pathname.startsWith("/static/captcha/")) {
    return { ok: false, code: "RISK_CONTROL", message: `tieba showed Baidu's security check (${url.pathname})` };
  }
  if (url.hostname.startsWith("passport.") || /^\/(v2\/)?\?login|^\/login/.test(url.pathname + url.search)) {
    return {
      ok: false,
      code: "ACCOUNT_REQUIRED",
      message: `tieba sent the browser to the Baidu login (${url.pathname})`,
    };
  }
  return undefined;
}
