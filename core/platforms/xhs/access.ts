import type { Page } from "puppeteer-core";
import type * as z from "zod";
import { RetryableCrawlError } from "../../errors.js";
import { SiteChangedError } from "../media/drift.js";
import type { CapturedResponse, MediaSession, ResponseVerdict } from "../media/types.js";
import { envelope } from "./shapes.js";

/**
 * How xhs answers, and what we make of it (sources: NanmiCoder/MediaCrawler at d6f7c5b,
 * "MC", media_platform/xhs/client.py and exception.py; others as cited):
 *
 * | xhs answer                                                    | verdict          |
 * |---------------------------------------------------------------|------------------|
 * | HTTP 461 / 471 (headers Verifytype, Verifyuuid: a captcha)    | RISK_CONTROL     | MC client.py:158-164
 * | page redirected to /website-login/captcha or …/verify         | RISK_CONTROL     |
 * | HTTP 403 ("request blocked")                                  | RISK_CONTROL     | MC client.py:153-156
 * | `code 300011` account security restriction                    | RISK_CONTROL     | MC client.py:181-184
 * | `code 300015` browser judged abnormal                         | RISK_CONTROL     | assumption
 * | HTTP 429                                                      | THROTTLED        | MC client.py:153-156 (rate limit)
 * | `code 300012` IP blocked for fetching too fast                | THROTTLED        | MC client.py:179-180, exception.py:28-29
 * | `code 300013` 访问频次异常 (requests too frequent)              | THROTTLED        | assumption
 * | `code -100` 登录已过期 / 无登录信息                              | ACCOUNT_EXPIRED  | Cloxl/xhshow#39
 * | `code -101` 无登录信息 (no session cookie)                      | ACCOUNT_REQUIRED | assumption
 * | HTTP 401, or a page redirected to /login                      | ACCOUNT_REQUIRED | MC client.py:153-156
 *
 * THROTTLED calls are retried with back-off by the session, then fail RATE_LIMITED
 * (retryable); the account rests only after repeated throttling. MC stops on 429 and
 * 300012 instead (it does not retry PlatformAccessError / IPBlockError), but both are
 * answers to going too fast, not a ban.
 *
 * Not about the account (`ok`, read by {@link apiData} and {@link noteRefusal}):
 * - `code -510000` / `-510001` 笔记状态异常: this note is gone or hidden (MC client.py:81-83,
 *   192-193): stored on that note;
 * - HTTP 406 / `code -1`: the API refused the request's signature (jackwener/xiaohongshu-cli#18:
 *   406 with X-Kong-Sign; ReaJason/xhs#58: -1 without x-s-common): the page's request code
 *   changed, SITE_CHANGED;
 * - other failures (`success: false`, 5xx): worth another try later.
 */

const RISK_CODES: Record<number, string> = {
  300011: "the account is under a security restriction (300011)",
  300015: "the browser was judged abnormal (300015)",
};

const THROTTLE_CODES: Record<number, string> = {
  300012: "the IP is blocked for requesting too fast (300012)",
  300013: "requests are too frequent (300013)",
};

/** Codes of a note that is gone or hidden (MC client.py:81-83). */
const NOTE_GONE_CODES = new Set([-510000, -510001]);

interface Failure {
  code: number;
  msg: string;
}

/** `{code, msg}` of a `success: false` envelope; undefined for anything else. */
function failureOf(json: unknown): Failure | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const body = json as { success?: unknown; code?: unknown; msg?: unknown };
  if (body.success !== false) return undefined;
  return {
    code: typeof body.code === "number" ? body.code : Number(body.code ?? 0),
    msg: typeof body.msg === "string" ? body.msg : "",
  };
}

export function classifyXhsResponse(response: CapturedResponse): ResponseVerdict {
  const where = response.url.pathname;
  if (response.status === 461 || response.status === 471)
    return { ok: false, code: "RISK_CONTROL", message: `verification required (HTTP ${response.status} on ${where})` };
  if (response.status === 403)
    return { ok: false, code: "RISK_CONTROL", message: `the request was blocked (HTTP 403 on ${where})` };
  if (response.status === 429)
    return { ok: false, code: "THROTTLED", message: `too many requests (HTTP 429 on ${where})` };
  const failure = failureOf(response.json);
  if (failure !== undefined) {
    const said = failure.msg ? `: ${failure.msg}` : "";
    if (failure.code === -100)
      return { ok: false, code: "ACCOUNT_EXPIRED", message: `the login expired (-100)${said}` };
    if (failure.code === -101)
      return { ok: false, code: "ACCOUNT_REQUIRED", message: `a login is required (-101)${said}` };
    const risk = RISK_CODES[failure.code];
    if (risk !== undefined) return { ok: false, code: "RISK_CONTROL", message: `${risk}${said}` };
    const throttled = THROTTLE_CODES[failure.code];
    if (throttled !== undefined) return { ok: false, code: "THROTTLED", message: `${throttled}${said}` };
  }
  if (response.status === 401)
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `a login is required (HTTP 401 on ${where})` };
  return { ok: true };
}

/** The page a navigation ended on: a captcha / verify page, a login page, or the page asked for. */
export async function classifyXhsPage(page: Page, document?: CapturedResponse): Promise<ResponseVerdict> {
  const path = safePath(page.url());
  if (/^\/website-login\/(captcha|verify)/.test(path))
    return { ok: false, code: "RISK_CONTROL", message: `the site asks for a verification (${path})` };
  if (/^\/(website-login\/)?login/.test(path))
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `the site asks for a login (${path})` };
  // MC fetches note and profile pages through the same request(), with the same status rules (client.py:601-603, 748-750).
  if (document !== undefined && document.status >= 400) return classifyXhsResponse(document);
  return { ok: true };
}

/**
 * `data` of a successful API answer, checked against `schema` (SITE_CHANGED naming `step`
 * when it does not match). Access problems were already thrown by classify; a refused
 * signature is SITE_CHANGED; any other failure is worth another try later.
 */
export function apiData<T>(session: MediaSession, schema: z.ZodType<T>, response: CapturedResponse, step: string): T {
  const failure = failureOf(response.json);
  if (response.status === 406 || failure?.code === -1) {
    const seen = `HTTP ${response.status}${failure ? `, code ${failure.code}${failure.msg ? ` ${failure.msg}` : ""}` : ""}: the request's signature was refused`;
    session.note({ step, kind: "error", url: response.url.href, status: response.status, detail: seen });
    throw new SiteChangedError(
      { platform: "xhs", step, endpoint: response.url.pathname },
      "the API should accept a request signed by the page's window._webmsxyw",
      seen,
    );
  }
  if (failure !== undefined || response.status >= 500) {
    const said = failure ? `code ${failure.code} ${failure.msg}`.trim() : "no success";
    throw new RetryableCrawlError(
      "PLATFORM_ERROR",
      `xhs ${step}: ${response.url.pathname} answered HTTP ${response.status}, ${said}`.slice(0, 500),
    );
  }
  return session.expect(envelope(schema), response, step).data as T;
}

/** The answer about one note that is gone or hidden (-510000 / -510001), if it is one. */
export function noteRefusal(response: CapturedResponse): Failure | undefined {
  const failure = failureOf(response.json);
  return failure !== undefined && NOTE_GONE_CODES.has(failure.code) ? failure : undefined;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}
