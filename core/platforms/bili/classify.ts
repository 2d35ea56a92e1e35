import type { Page } from "puppeteer-core";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import type { BiliEnvelope } from "./shapes.js";

/**
 * How B站 says "not with this account / not like this", mapped to the task's error codes.
 *
 * | answer                                              | code               |
 * |-----------------------------------------------------|--------------------|
 * | HTTP 412 (any endpoint or page)                     | RISK_CONTROL       |
 * | `code: -412` 请求被拦截 (request blocked)           | RISK_CONTROL       |
 * | `code: -352` 风控校验失败 (risk check failed)       | RISK_CONTROL       |
 * | `code: -101` 账号未登录 (not logged in)             | ACCOUNT_REQUIRED ¹ |
 * | page text "安全风控策略" (the 412 block page)        | RISK_CONTROL       |
 *
 * ¹ The answer is the same whether no cookies were sent or the SESSDATA cookie ran out,
 * so it cannot say ACCOUNT_EXPIRED; either way the runner marks the account expired.
 *
 * Everything else passes: codes such as -404 / 62002 (video gone or hidden) or 12002
 * (comments closed) are about one video, and the crawler records or skips that video.
 */
const RISK_CODES = new Set([-412, -352]);
const NOT_LOGGED_IN = -101;

export function classifyBiliResponse(response: CapturedResponse): ResponseVerdict {
  if (response.status === 412) return { ok: false, code: "RISK_CONTROL", message: `HTTP 412 from ${response.url.pathname}: the request was blocked by B站's risk control` };
  const body = response.json as Partial<BiliEnvelope<unknown>> | undefined;
  if (typeof body?.code !== "number") return { ok: true };
  if (RISK_CODES.has(body.code)) {
    return { ok: false, code: "RISK_CONTROL", message: `code ${body.code} (${body.message ?? ""}) from ${response.url.pathname}: blocked by B站's risk control` };
  }
  if (body.code === NOT_LOGGED_IN) {
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `code -101 (${body.message ?? "账号未登录"}) from ${response.url.pathname}: B站 wants a logged-in account` };
  }
  return { ok: true };
}

/** The block page B站 serves with HTTP 412 ("由于触发哔哩哔哩安全风控策略，该次访问请求被拒绝。"). */
const BLOCK_PAGE_TEXT = /安全风控策略|访问请求被拒绝/;

export async function classifyBiliPage(page: Page, answer?: CapturedResponse): Promise<ResponseVerdict> {
  if (answer?.status === 412) return { ok: false, code: "RISK_CONTROL", message: `HTTP 412 for ${answer.url.pathname}: the page was blocked by B站's risk control` };
  const text = await page.evaluate(() => document.body?.innerText.slice(0, 2000) ?? "").catch(() => "");
  if (BLOCK_PAGE_TEXT.test(text)) return { ok: false, code: "RISK_CONTROL", message: "the page says the visit was refused by B站's risk control" };
  return { ok: true };
}
