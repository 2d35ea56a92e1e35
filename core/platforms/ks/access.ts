import type { Page } from "puppeteer-core";
import { RetryableCrawlError } from "../../errors.js";
import { SiteChangedError } from "../media/drift.js";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import type { KsGraphqlResponse, KsResult } from "./shapes.js";
import { KS_ENDPOINTS, KS_OPERATIONS, KS_SELECTORS } from "./site.js";

/**
 * How 快手 says "not with this account" or "slow down". REST answers carry `result` at the
 * top; GraphQL operations inside `data.<operation>`, or fail with `errors[].message`.
 *
 * | answer                                                        | verdict          |
 * | ------------------------------------------------------------- | ---------------- |
 * | `result: 109` (login needed)                                  | ACCOUNT_REQUIRED |
 * | GraphQL `errors[].message` about login ("No Login", 登录)     | ACCOUNT_REQUIRED |
 * | `result: 2` (the site asks to slow down)                      | THROTTLED        |
 * | `result: 400002` or `2001` (captcha required)                 | RISK_CONTROL     |
 * | GraphQL `errors[].message` about captcha / verify (验证)      | RISK_CONTROL     |
 * | empty or non-JSON body                                        | RISK_CONTROL     |
 * | a page showing the slider captcha                             | RISK_CONTROL     |
 *
 * `result: 2` is throttling, not a ban: MC backs off 5 s, 10 s, 20 s (plus jitter) and
 * tries again (kuaishou/client.py:150-157). The session does the same for calls; the list
 * pages, which the page requests itself, are scrolled for again after a pause
 * (crawler.ts). An account is rested only after repeated throttling, never banned for it.
 * `result: 50` (a list request whose signature the site refused, MC client.py:120) is not
 * about the account: {@link assertKsOk} makes it SITE_CHANGED.
 *
 * Only the GraphQL operations the crawler reads are judged: the web app fires other
 * GraphQL queries (recommendations, the visitor's own login state) whose refusals say
 * nothing about the one we wait for.
 */

const LOGIN_RESULTS = new Set([109]);
const THROTTLE_RESULTS = new Set([2]);
const RISK_RESULTS = new Map([
  [400002, "a captcha is required (result 400002)"],
  [2001, "antispam wants a captcha (result 2001)"],
]);
const WATCHED_OPERATIONS = new Set<string>(Object.values(KS_OPERATIONS));

export function classifyKsResponse(response: CapturedResponse): ResponseVerdict {
  const path = response.url.pathname;
  const graphql = path === KS_ENDPOINTS.graphql;
  const operation = graphql ? ksOperationOf(response.requestBody) : undefined;
  if (graphql && (operation === undefined || !WATCHED_OPERATIONS.has(operation))) return { ok: true };
  const where = operation ?? path;
  const body = response.json;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    return refused(
      "RISK_CONTROL",
      `empty or non-JSON answer (HTTP ${response.status}) to ${where}: the account is blocked or held for verification`,
    );
  }
  if (graphql) {
    const answer = body as KsGraphqlResponse;
    const message = (answer.errors ?? []).map((error) => error.message ?? "").join("; ");
    if (/登录|login/i.test(message)) return refused("ACCOUNT_REQUIRED", `${where} failed: ${message.slice(0, 200)}`);
    if (/验证|captcha|verify/i.test(message))
      return refused("RISK_CONTROL", `${where} failed: ${message.slice(0, 200)}`);
    const data = answer.data?.[operation as string];
    return judgeResult(where, typeof data === "object" && data !== null ? (data as KsResult).result : undefined);
  }
  return judgeResult(where, (body as KsResult).result);
}

function judgeResult(where: string, result: number | undefined): ResponseVerdict {
  if (result === undefined) return { ok: true };
  if (LOGIN_RESULTS.has(result))
    return refused("ACCOUNT_REQUIRED", `${where} answered result ${result}: a logged-in account is required`);
  if (THROTTLE_RESULTS.has(result))
    return { ok: false, code: "THROTTLED", message: `${where} answered result ${result}: the site asks to slow down` };
  const risk = RISK_RESULTS.get(result);
  if (risk !== undefined) return refused("RISK_CONTROL", `${where}: ${risk}`);
  return { ok: true };
}

/** The `operationName` of a GraphQL POST body, or undefined when it has none. */
export function ksOperationOf(requestBody: string | undefined): string | undefined {
  if (requestBody === undefined) return undefined;
  try {
    const parsed = JSON.parse(requestBody) as { operationName?: unknown };
    return typeof parsed.operationName === "string" ? parsed.operationName : undefined;
  } catch {
    return undefined;
  }
}

export async function classifyKsPage(page: Page): Promise<ResponseVerdict> {
  const captcha = await page.$(KS_SELECTORS.captcha).catch(() => null);
  if (captcha === null) return { ok: true };
  await captcha.dispose();
  return refused("RISK_CONTROL", `the page shows a slider captcha (${new URL(page.url()).pathname})`);
}

function refused(
  code: Extract<ResponseVerdict, { ok: false; code: "ACCOUNT_REQUIRED" | "ACCOUNT_EXPIRED" | "RISK_CONTROL" }>["code"],
  message: string,
): ResponseVerdict {
  return { ok: false, code, message };
}

/**
 * The `result` of an answer before its shape is checked (REST: at the top; GraphQL: in
 * `data.<operation>`): a failed answer has no list in it, so {@link assertKsOk} judges it
 * first, and only a success is checked against its shape.
 */
export function ksResultOf(response: CapturedResponse, operation?: string): KsResult | undefined {
  const body = response.json as (KsResult & KsGraphqlResponse) | undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const part = operation === undefined ? body : body.data?.[operation];
  return typeof part === "object" && part !== null && typeof (part as KsResult).result === "number"
    ? (part as KsResult)
    : undefined;
}

/** Throws as {@link assertKsOk} when the answer carries a `result` other than 1; lets other answers through to their shape check. */
export function assertKsAnswerOk(response: CapturedResponse, step: string, endpoint: string, operation?: string): void {
  const result = ksResultOf(response, operation);
  if (result !== undefined) assertKsOk(result, step, endpoint);
}

/** The signature-refused answer of the list endpoints (MC kuaishou/client.py:120: "未签名请求会返回 result:50"). */
const SIGNATURE_REFUSED = 50;

/**
 * An answer `classify` let through but that is still not a success: `result: 50` is
 * SITE_CHANGED (the page's own signing no longer satisfies the site: nothing an account
 * or a retry changes; "result 50 是拒绝，不能当列表结束", as a public MC fork's notes put
 * it); another `result` than 1 a retryable platform error; never an empty page.
 */
export function assertKsOk(body: KsResult | undefined, step: string, endpoint: string): void {
  if (body?.result === 1) return;
  if (body?.result === SIGNATURE_REFUSED) {
    throw new SiteChangedError(
      { platform: "ks", step, endpoint },
      "the page's own signed request should be accepted",
      `result 50${body.error_msg ? ` (${body.error_msg.slice(0, 200)})` : ""}: the site refused the page's signature`,
    );
  }
  throw new RetryableCrawlError(
    "PLATFORM_ERROR",
    `ks: ${step} answered result ${body?.result ?? "none"}${body?.error_msg ? ` (${body.error_msg.slice(0, 200)})` : ""}`,
  );
}
