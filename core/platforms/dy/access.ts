import type { Page } from "puppeteer-core";
import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import { dyStreamDocs, dyStreamPage, type DyEnvelope } from "./shapes.js";
import { DY_SELECTORS } from "./site.js";

/**
 * How 抖音 says "not with this account":
 *
 * | answer                                                          | code             |
 * | --------------------------------------------------------------- | ---------------- |
 * | `status_code: 8` (status_msg "用户未登录")                         | ACCOUNT_REQUIRED |
 * | search `search_nil_info.search_nil_type: "login"`                | ACCOUNT_REQUIRED |
 * | search `search_nil_info.search_nil_item: "invalid_login"`        | ACCOUNT_EXPIRED  |
 * | search `search_nil_info` with `verify_check` (slider captcha)    | RISK_CONTROL     |
 * | empty or non-JSON body ("", "blocked", a captcha HTML page)      | RISK_CONTROL     |
 * | a page showing the verify captcha (`#captcha_container`, …)      | RISK_CONTROL     |
 *
 * Sources: MC douyin/client.py:130-132 (an empty or "blocked" body: "account blocked");
 * yt-dlp/yt-dlp#9667 (a request without the page's msToken/a_bogus gets an empty body);
 * public issue threads of Douyin clients for status_code 8 and search_nil_info. No source
 * shows a 抖音 "slow down" answer, so nothing here is THROTTLED.
 *
 * The search stream (search/stream/) is not JSON: its frames are read first and judged
 * like any answer. Any other non-zero `status_code` is not an access problem: the crawler
 * reports it as a retryable platform error ({@link assertDyOk}). The empty-body rule
 * matters most: 抖音 answers a blocked account with HTTP 200 and nothing in it, which must
 * never pass as "no results".
 */

const LOGIN_STATUS_CODE = 8;

export function classifyDyResponse(response: CapturedResponse): ResponseVerdict {
  const body = dyBodyOf(response);
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    return refused(
      "RISK_CONTROL",
      `empty or non-JSON answer (HTTP ${response.status}) from ${response.url.pathname}: the account is blocked or held for verification`,
    );
  }
  const envelope = body as DyEnvelope;
  if (envelope.status_code === LOGIN_STATUS_CODE) {
    return refused(
      "ACCOUNT_REQUIRED",
      `${response.url.pathname} answered status_code 8 (${envelope.status_msg ?? "not logged in"}): a logged-in account is required`,
    );
  }
  const nil = envelope.search_nil_info;
  if (nil !== undefined && nil !== null) {
    const kinds = [nil.search_nil_type, nil.search_nil_item];
    if (kinds.includes("invalid_login"))
      return refused("ACCOUNT_EXPIRED", "search answered invalid_login: the account's login is no longer valid");
    if (kinds.includes("login"))
      return refused("ACCOUNT_REQUIRED", "search answered search_nil_type login: a logged-in account is required");
    if (kinds.includes("verify_check"))
      return refused("RISK_CONTROL", "search answered verify_check: the site wants a slider captcha solved");
  }
  return { ok: true };
}

/**
 * The body of an answer: its JSON, or for a streamed answer (length-prefixed JSON frames,
 * see shapes.ts) its frames merged into one page. Undefined when there is neither.
 */
export function dyBodyOf(response: CapturedResponse): unknown {
  if (response.json !== undefined) return response.json;
  if (response.text === undefined) return undefined;
  return dyStreamPage(dyStreamDocs(response.text));
}

export async function classifyDyPage(page: Page): Promise<ResponseVerdict> {
  const captcha = await page.$(DY_SELECTORS.captcha).catch(() => null);
  if (captcha === null) return { ok: true };
  await captcha.dispose();
  return refused("RISK_CONTROL", `the page shows a verify captcha (${new URL(page.url()).pathname})`);
}

function refused(code: Extract<ResponseVerdict, { ok: false }>["code"], message: string): ResponseVerdict {
  return { ok: false, code, message };
}

/**
 * An answer `classify` let through but that is still not a success (`status_code` other
 * than 0, e.g. a server hiccup): a retryable platform error, never an empty page.
 */
export function assertDyOk(body: DyEnvelope | undefined, what: string): void {
  const code = body?.status_code;
  if (code === undefined || code === 0) return;
  throw new RetryableCrawlError(
    "PLATFORM_ERROR",
    `dy: ${what} answered status_code ${code}${body?.status_msg ? ` (${body.status_msg.slice(0, 200)})` : ""}`,
  );
}

/**
 * {@link assertDyOk} on an answer before its shape is checked: a failed answer has none of
 * the success fields, and must read as the platform error it is, not as SITE_CHANGED.
 */
export function assertDyAnswerOk(answer: CapturedResponse, what: string): void {
  const body = dyBodyOf(answer);
  if (typeof body === "object" && body !== null && !Array.isArray(body)) assertDyOk(body as DyEnvelope, what);
}
