import type { Page } from "puppeteer-core";
import type * as z from "zod";
import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, MediaSession, PageCall, ResponseMatch, ResponseVerdict } from "../media/types.js";
import type { WbEnvelope } from "./shapes.js";

/**
 * How m.weibo.cn says "not with this account", "slow down" or "not like this", mapped to
 * the task's error codes.
 *
 * | answer                                                        | verdict          |
 * |---------------------------------------------------------------|------------------|
 * | API `ok: -100`, or any non-1 `ok` whose `url` is a login page  | ACCOUNT_REQUIRED |
 * | a response or page at passport.weibo.cn (or a /signin/… path) | ACCOUNT_REQUIRED |
 * | API errno 100005 / "频繁" in `msg` (请求过于频繁)               | THROTTLED        |
 * | HTTP 432 twice, around a reload ({@link wbCall})              | THROTTLED        |
 * | HTTP 418 (any endpoint or page: "robot suspected")            | RISK_CONTROL     |
 * | API `msg` asking to 验证, a page asking to 验证                  | RISK_CONTROL     |
 *
 * The login answer is the same for a missing and a lapsed SUB cookie, so it cannot say
 * ACCOUNT_EXPIRED; with an account's cookies the session makes it so. Any other `ok: 0`
 * passes: hotflow answers a post without comments with `{ok: 0, msg: "快来发表你的评论吧"}`.
 * HTTP 432 passes too: it asks for fresh cookies, which {@link wbCall} / {@link wbOpen}
 * get by reloading the page once, as MC does (media_platform/weibo/client.py:84-92,
 * its issue #771). An answer whose body is gone (the app already left for the login page)
 * is explained by {@link wbJson}.
 */
const LOGIN_PAGE = /(^|\.)passport\.weibo\.(cn|com)$/;
const SIGNIN_PATH = /^\/signin\//;
const THROTTLE_MESSAGE = /频繁/;
const VERIFY_MESSAGE = /验证/;
const VERIFY_PAGE = /安全验证|请完成验证|验证码/;
/** m.weibo.cn's "refresh your cookies" status (MC client.py:87). */
export const STALE_COOKIES = 432;

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
  if (isLoginUrl(response.url.href))
    return { ok: false, code: "ACCOUNT_REQUIRED", message: `${where}: 微博 sent the request to its login page` };
  if (response.status === 418)
    return { ok: false, code: "RISK_CONTROL", message: `HTTP 418 from ${where}: 微博 takes the client for a robot` };
  const body = response.json as Partial<WbEnvelope<unknown>> | undefined;
  if (typeof body?.ok !== "number" || body.ok === 1) return { ok: true };
  if (body.ok === -100 || isLoginUrl(body.url))
    return {
      ok: false,
      code: "ACCOUNT_REQUIRED",
      message: `ok ${body.ok} from ${where}: 微博 wants a logged-in account`,
    };
  const said = `ok ${body.ok} from ${where} (${body.errno ?? ""} ${body.msg ?? ""})`;
  if (String(body.errno) === "100005" || THROTTLE_MESSAGE.test(body.msg ?? ""))
    return { ok: false, code: "THROTTLED", message: `${said}: 微博 asks to slow down` };
  if (VERIFY_MESSAGE.test(body.msg ?? ""))
    return { ok: false, code: "RISK_CONTROL", message: `${said}: 微博 wants a verification` };
  return { ok: true };
}

export async function classifyWbPage(page: Page, answer?: CapturedResponse): Promise<ResponseVerdict> {
  if (isLoginUrl(page.url()) || isLoginUrl(answer?.url.href))
    return { ok: false, code: "ACCOUNT_REQUIRED", message: "微博 sent the page to its login page" };
  if (answer?.status === 418)
    return {
      ok: false,
      code: "RISK_CONTROL",
      message: `HTTP 418 for ${answer.url.pathname}: 微博 takes the client for a robot`,
    };
  // A verification page says so at its top; a post quoting the words is further down, after its author.
  const top = await page
    .evaluate(() => `${document.title}\n${document.body?.innerText.slice(0, 200) ?? ""}`)
    .catch(() => "");
  if (VERIFY_PAGE.test(top)) return { ok: false, code: "RISK_CONTROL", message: "微博 shows a verification page" };
  return { ok: true };
}

/** How long an unreadable answer waits for the page to show where the app went. */
const SETTLE_MS = 2000;
const SETTLE_STEP_MS = 100;

/**
 * The JSON of an answer, or the reason there is none. m.weibo.cn's app leaves for the
 * login page as soon as an API says `ok: -100`, often before the answer's body can be
 * read; so an answer without JSON is explained by where the page went: a login or
 * verification page is a PlatformAccessError (media/errors.ts), anything else a RetryableCrawlError.
 */
export async function wbJson<T>(session: MediaSession, answer: CapturedResponse<T>): Promise<T> {
  if (answer.json !== undefined) return answer.json;
  for (let waited = 0; waited < SETTLE_MS && !isLoginUrl(session.page.url()); waited += SETTLE_STEP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
  }
  const verdict = await classifyWbPage(session.page);
  if (!verdict.ok) {
    session.log("platform refused the account", { code: verdict.code, url: session.page.url() });
    throw session.accessError(
      { ...verdict, message: `${verdict.message} (after ${answer.url.pathname} answered without JSON)` },
      session.page.url(),
    );
  }
  throw new RetryableCrawlError(
    "UNREADABLE_RESPONSE",
    `wb: ${answer.url.pathname} answered HTTP ${answer.status} without JSON`,
  );
}

/** An answer's body checked against its shape (`step` names it in SITE_CHANGED and the probe). */
export async function wbBody<T>(
  session: MediaSession,
  schema: z.ZodType<T>,
  answer: CapturedResponse,
  step: string,
): Promise<T> {
  await wbJson(session, answer);
  return session.expect(schema, answer, step);
}

/** The second 432 in a row: the fresh cookies did not help, so back off (retryable, the account is not banned). */
function stillStale(session: MediaSession, answer: CapturedResponse): Error {
  return session.accessError(
    {
      ok: false,
      code: "THROTTLED",
      message: `HTTP 432 from ${answer.url.pathname} again after reloading the page for fresh cookies`,
    },
    answer.url.href,
  );
}

/**
 * An API call from the open page (its cookies, its XSRF header: site.ts), reloading the
 * page once for fresh cookies when the answer is HTTP 432, as MC does.
 */
export async function wbCall(session: MediaSession, request: PageCall): Promise<CapturedResponse> {
  const answer = await session.call(request);
  if (answer.status !== STALE_COOKIES) return answer;
  session.log("HTTP 432: reloading the page for fresh cookies, then trying once more", { step: request.step });
  await session.open(session.page.url());
  const again = await session.call(request);
  if (again.status === STALE_COOKIES) throw stillStale(session, again);
  return again;
}

/** Opens `url` and takes the page's own request `match`; a 432 answer reopens the page once. */
export async function wbOpen(session: MediaSession, match: ResponseMatch, url: string): Promise<CapturedResponse> {
  const answer = await session.capture(match, () => session.open(url));
  if (answer.status !== STALE_COOKIES) return answer;
  session.log("HTTP 432: reloading the page for fresh cookies", { step: match.step });
  const again = await session.capture(match, () => session.open(url));
  if (again.status === STALE_COOKIES) throw stillStale(session, again);
  return again;
}
