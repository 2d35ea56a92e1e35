import type { Page } from "puppeteer-core";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import type { XhsEnvelope } from "./shapes.js";

/**
 * How xhs says "not with this account", and what we make of it:
 *
 * | xhs answer                                                   | code             |
 * |--------------------------------------------------------------|------------------|
 * | HTTP 461 / 471 (headers Verifytype, Verifyuuid: slider captcha) | RISK_CONTROL  |
 * | page redirected to /website-login/captcha or …/verify        | RISK_CONTROL     |
 * | `{success:false, code:300011}` 当前账号存在异常 (account flagged) | RISK_CONTROL  |
 * | `{success:false, code:300012}` IP blocked, 300013 访问频次异常, 300015 browser/sign anomaly | RISK_CONTROL |
 * | `{success:false, code:-100}` 登录已过期 (session expired)       | ACCOUNT_EXPIRED  |
 * | `{success:false, code:-101}` 无登录信息 (no session cookie)     | ACCOUNT_REQUIRED |
 * | HTTP 401, or a page redirected to /login                     | ACCOUNT_REQUIRED |
 *
 * Other `success:false` answers (e.g. -510001 note not visible) are about one post,
 * not the account: the crawler records them on that post.
 * Codes and messages as collected by public xhs clients (MediaCrawler's xhs exception
 * enum and field docs).
 */

const RISK_CODES: Record<number, string> = {
  300011: "the account is flagged as abnormal (300011)",
  300012: "the IP is blocked (300012)",
  300013: "requests are too frequent (300013)",
  300015: "the browser was judged abnormal (300015)",
};

export function classifyXhsResponse(response: CapturedResponse): ResponseVerdict {
  if (response.status === 461 || response.status === 471) {
    return { ok: false, code: "RISK_CONTROL", message: `verification required (HTTP ${response.status} on ${response.url.pathname})` };
  }
  const body = response.json as XhsEnvelope<unknown> | undefined;
  if (body !== undefined && body !== null && typeof body === "object" && body.success === false) {
    const code = body.code ?? 0;
    const said = body.msg ? `: ${body.msg}` : "";
    if (code === -100) return { ok: false, code: "ACCOUNT_EXPIRED", message: `the login expired (-100)${said}` };
    if (code === -101) return { ok: false, code: "ACCOUNT_REQUIRED", message: `a login is required (-101)${said}` };
    const risk = RISK_CODES[code];
    if (risk !== undefined) return { ok: false, code: "RISK_CONTROL", message: `${risk}${said}` };
  }
  if (response.status === 401) return { ok: false, code: "ACCOUNT_REQUIRED", message: `a login is required (HTTP 401 on ${response.url.pathname})` };
  return { ok: true };
}

/** The page a navigation ended on: a captcha / verify page, a login page, or the page asked for. */
export async function classifyXhsPage(page: Page, document?: CapturedResponse): Promise<ResponseVerdict> {
  const path = safePath(page.url());
  if (/^\/website-login\/(captcha|verify)/.test(path)) return { ok: false, code: "RISK_CONTROL", message: `the site asks for a verification (${path})` };
  if (/^\/(website-login\/)?login/.test(path)) return { ok: false, code: "ACCOUNT_REQUIRED", message: `the site asks for a login (${path})` };
  if (document !== undefined && (document.status === 461 || document.status === 471)) {
    return { ok: false, code: "RISK_CONTROL", message: `verification required (HTTP ${document.status})` };
  }
  return { ok: true };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}
