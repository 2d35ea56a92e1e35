import type { Page } from "puppeteer-core";
import { RetryableCrawlError } from "../../errors.js";
import { PlatformAccessError } from "../media/errors.js";
import type { CapturedResponse, MediaSession, ResponseVerdict } from "../media/types.js";
import type { WbEnvelope } from "./shapes.js";

/**
 * How m.weibo.cn says "not with this account / not like this", mapped to the task's error codes.
 *
 * | answer                                                        | code             |
 * |---------------------------------------------------------------|------------------|
 * | API `ok: -100`, or any non-1 `ok` whose `url` is a login page  | ACCOUNT_REQUIRED |
 * | a response or page at passport.weibo.cn (or a /signin/… path) | ACCOUNT_REQUIRED |
 * | HTTP 418 (any endpoint or page: "robot suspected")            | RISK_CONTROL     |
 * | API `ok: 0` with errno 100005 / "频繁" / "验证" in `msg`        | RISK_CONTROL     |
 * | a page asking to 验证 (安全验证 / 请完成验证)                    | RISK_CONTROL     |
 *
 * The login answer is the same for a missing and a lapsed SUB cookie, so it cannot say
 * ACCOUNT_EXPIRED; either way the runner marks the account expired. Any other `ok: 0`
 * passes: hotflow answers a post without comments with `{ok: 0, msg: "快来发表你的评论吧"}`,
 * which is simply no comments. An answer whose body is gone (the app already left for the
 * login page) is explained by {@link wbJson}.
 */
const LOGIN_PAGE = /(^|\.)passport\.weibo\.(cn|com)$/;
const SIGNIN_PATH = /^\/signin\//;
const RISK_MESSAGE = /频繁|验证/;
const VERIFY_PAGE = /安全验证|请完成验证|验证码/;

function isLoginUrl(value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    const url = new URL(value);
    return LOGIN_PAGE.test(url.hostname) || SIGNIN_PATH.test(url.pathname);
  } catch {
    return false;
  }
}

export function classifyWbResponse(response: CapturedResponse): ResponseVerdict {
  const where = response.url.pathname;
  if (isLoginUrl(response.url.href)) return { ok: false, code: "ACCOUNT_REQUIRED", message: `${where}: 微博 sent the request to its login page` };
  if (response.status === 418) return { ok: false, code: "RISK_CONTROL", message: `HTTP 418 from ${where}: 微博 takes the client for a robot` };
  const body = response.json as Partial<WbEnvelope<unknown>> | undefined;
  if (typeof body?.ok !== "number" || body.ok === 1) return { ok: true };
  if (body.ok === -100 || isLoginUrl(body.url)) return { ok: false, code: "ACCOUNT_REQUIRED", message: `ok ${body.ok} from ${where}: 微博 wants a logged-in account` };
  if (body.errno === "100005" || RISK_MESSAGE.test(body.msg ?? "")) {
    return { ok: false, code: "RISK_CONTROL", message: `ok ${body.ok} from ${where} (${body.errno ?? ""} ${body.msg ?? ""}): 微博's risk control` };
  }
  return { ok: true };
}

export async function classifyWbPage(page: Page, answer?: CapturedResponse): Promise<ResponseVerdict> {
  if (isLoginUrl(page.url()) || isLoginUrl(answer?.url.href)) return { ok: false, code: "ACCOUNT_REQUIRED", message: "微博 sent the page to its login page" };
  if (answer?.status === 418) return { ok: false, code: "RISK_CONTROL", message: `HTTP 418 for ${answer.url.pathname}: 微博 takes the client for a robot` };
  // A verification page says so at its top; a post quoting the words is further down, after its author.
  const top = await page.evaluate(() => document.title + "\n" + (document.body?.innerText.slice(0, 200) ?? "")).catch(() => "");
  if (VERIFY_PAGE.test(top)) return { ok: false, code: "RISK_CONTROL", message: "微博 shows a verification page" };
  return { ok: true };
}

/** How long an unreadable answer waits for the page to show where the app went. */
const SETTLE_MS = 2000;
const SETTLE_STEP_MS = 100;

/**
 * The JSON of an answer the app received, or the reason there is none. m.weibo.cn's app
 * leaves for the login page as soon as an API says `ok: -100`, often before the answer's
 * body can be read; so an answer without JSON is explained by where the page went: a
 * login or verification page is a {@link PlatformAccessError} (the runner marks the
 * account it gave the crawl), anything else a {@link RetryableCrawlError}.
 */
export async function wbJson<T>(session: MediaSession, answer: CapturedResponse<T>): Promise<T> {
  if (answer.json !== undefined) return answer.json;
  for (let waited = 0; waited < SETTLE_MS && !isLoginUrl(session.page.url()); waited += SETTLE_STEP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
  }
  const verdict = await classifyWbPage(session.page);
  if (!verdict.ok) {
    session.log("platform refused the account", { code: verdict.code, url: session.page.url() });
    throw session.accessError({ ...verdict, message: `${verdict.message} (after ${answer.url.pathname} answered without JSON)` }, session.page.url());
  }
  throw new RetryableCrawlError("UNREADABLE_RESPONSE", `wb: ${answer.url.pathname} answered HTTP ${answer.status} without JSON`);
}
