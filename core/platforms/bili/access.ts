import type { Page } from "puppeteer-core";
import { NonRetryableCrawlError, RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import type { BiliEnvelope } from "./shapes.js";

/**
 * How B站 says "not with this account", "slow down" or "not like this", mapped to the
 * task's error codes. Codes from SocialSisterYi/bilibili-API-collect docs/misc/errcode.md
 * (be27224):
 *
 * | answer                                              | verdict            |
 * |-----------------------------------------------------|--------------------|
 * | HTTP 412 (any endpoint or page)                     | RISK_CONTROL       |
 * | `code: -412` 请求被拦截 (IP blocked by risk control) | RISK_CONTROL       |
 * | `code: -352` 风控校验失败 (risk check failed)       | RISK_CONTROL       |
 * | `code: -101` 账号未登录 (not logged in)             | ACCOUNT_REQUIRED ¹ |
 * | `code: -799` 请求过于频繁，请稍后再试                | THROTTLED          |
 * | `code: -509` 超出限制 (over the limit)              | THROTTLED          |
 * | page text "安全风控策略" (the 412 block page)        | RISK_CONTROL       |
 *
 * ¹ The answer is the same whether no cookies were sent or the SESSDATA cookie ran out,
 * so it cannot say ACCOUNT_EXPIRED; with an account's cookies the session makes it so.
 *
 * Throttling is retried with back-off on the same account (session.call) and rests the
 * account only after repeated throttling; it never marks the account banned. MC retries
 * any failed comment page with back-off (media_platform/bilibili/client.py:295-307).
 *
 * Everything else passes: -404 / 62002 / 62004 (video gone, hidden, under review) are
 * about one video, 12002 (comments closed) about one comment area.
 */
const RISK_CODES = new Set([-412, -352]);
const THROTTLE_CODES = new Set([-799, -509]);
const NOT_LOGGED_IN = -101;

export function classifyBiliResponse(response: CapturedResponse): ResponseVerdict {
  const where = response.url.pathname;
  if (response.status === 412)
    return {
      ok: false,
      code: "RISK_CONTROL",
      message: `HTTP 412 from ${where}: the request was blocked by B站's risk control`,
    };
  const body = response.json as Partial<BiliEnvelope<unknown>> | undefined;
  if (typeof body?.code !== "number") return { ok: true };
  const said = `code ${body.code} (${body.message ?? ""}) from ${where}`;
  if (RISK_CODES.has(body.code))
    return { ok: false, code: "RISK_CONTROL", message: `${said}: blocked by B站's risk control` };
  if (THROTTLE_CODES.has(body.code)) return { ok: false, code: "THROTTLED", message: `${said}: B站 asks to slow down` };
  if (body.code === NOT_LOGGED_IN)
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `${said}: B站 wants a logged-in account` };
  return { ok: true };
}

/** The block page B站 serves with HTTP 412 ("由于触发哔哩哔哩安全风控策略，该次访问请求被拒绝。"). */
const BLOCK_PAGE_TEXT = /安全风控策略|访问请求被拒绝/;

export async function classifyBiliPage(page: Page, answer?: CapturedResponse): Promise<ResponseVerdict> {
  if (answer?.status === 412)
    return {
      ok: false,
      code: "RISK_CONTROL",
      message: `HTTP 412 for ${answer.url.pathname}: the page was blocked by B站's risk control`,
    };
  const text = await page.evaluate(() => document.body?.innerText.slice(0, 2000) ?? "").catch(() => "");
  if (BLOCK_PAGE_TEXT.test(text))
    return { ok: false, code: "RISK_CONTROL", message: "the page says the visit was refused by B站's risk control" };
  return { ok: true };
}

/** B站's own "try again later" codes: 服务器错误, 服务暂不可用, 服务调用超时 (errcode.md). */
const SERVER_ERRORS = new Set([-500, -503, -504]);

/**
 * `data` of a list answer (search page, space page) already checked against its shape.
 * Access and throttling codes never get here (classify above); server errors are retried;
 * any other code means the site changed under us (e.g. -403 when the page's signature no
 * longer passes) and fails the task loudly instead of ending the list as if it were empty.
 */
export function listData<T>(body: BiliEnvelope<T>, answer: CapturedResponse, what: string): T {
  if (body.code === 0 && body.data !== undefined && body.data !== null) return body.data;
  const message = `bili: ${what} (${answer.url.pathname}) answered code ${body.code} (${body.message})`;
  if (SERVER_ERRORS.has(body.code)) throw new RetryableCrawlError("PLATFORM_BUSY", message);
  throw new NonRetryableCrawlError("PLATFORM_ERROR", message);
}

/** An answer without a JSON body (a 5xx page, a cut connection) is worth another try. */
export function requireJson(answer: CapturedResponse): void {
  if (answer.json !== undefined) return;
  throw new RetryableCrawlError(
    "UNREADABLE_RESPONSE",
    `bili: ${answer.url.pathname} answered HTTP ${answer.status} without JSON`,
  );
}
