import type { Page } from "puppeteer-core";
import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, ResponseVerdict } from "../media/types.js";
import { KS_ENDPOINTS, KS_OPERATIONS, type KsGraphqlResponse, type KsResult } from "./shapes.js";

/**
 * How 快手 says "not with this account" (result codes from public probes, see shapes.ts).
 * GraphQL operations carry `result` inside `data.<operation>`; the REST comment
 * endpoints carry it at the top.
 *
 * | answer                                                       | code             |
 * | ------------------------------------------------------------ | ---------------- |
 * | `result: 109` (login needed)                                  | ACCOUNT_REQUIRED |
 * | GraphQL `errors[].message` about login (登录 / login)         | ACCOUNT_REQUIRED |
 * | `result: 400002` or `2001` (captcha required)                 | RISK_CONTROL     |
 * | `result: 2` (antispam / rate limited)                         | RISK_CONTROL     |
 * | GraphQL `errors[].message` about captcha / verify (验证)      | RISK_CONTROL     |
 * | empty or non-JSON body                                        | RISK_CONTROL     |
 * | a page showing the slider captcha (captcha iframe / container) | RISK_CONTROL    |
 *
 * Only the operations the crawler reads are judged: the web app fires other GraphQL
 * queries (recommendations, the visitor's own login state) whose refusals say nothing
 * about the one we wait for. Other result codes are not access problems; the crawler
 * reports them as retryable platform errors.
 */

const LOGIN_RESULTS = new Set([109]);
const RISK_RESULTS = new Map([
  [400002, "a captcha is required (result 400002)"],
  [2001, "antispam wants a captcha (result 2001)"],
  [2, "antispam refused the request (result 2, rate limited)"],
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
    return refused("RISK_CONTROL", `empty or non-JSON answer (HTTP ${response.status}) to ${where}: the account is blocked or held for verification`);
  }
  if (graphql) {
    const answer = body as KsGraphqlResponse;
    const message = (answer.errors ?? []).map((error) => error.message ?? "").join("; ");
    if (/登录|login/i.test(message)) return refused("ACCOUNT_REQUIRED", `${where} failed: ${message.slice(0, 200)}`);
    if (/验证|captcha|verify/i.test(message)) return refused("RISK_CONTROL", `${where} failed: ${message.slice(0, 200)}`);
    return judgeResult(where, (answer.data?.[operation as string] as KsResult | null | undefined)?.result);
  }
  return judgeResult(where, (body as KsResult).result);
}

function judgeResult(where: string, result: number | undefined): ResponseVerdict {
  if (result === undefined) return { ok: true };
  if (LOGIN_RESULTS.has(result)) return refused("ACCOUNT_REQUIRED", `${where} answered result ${result}: a logged-in account is required`);
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

/** Selectors of the slider captcha 快手 lays over a page it will not serve. */
const CAPTCHA_SELECTOR = 'iframe[src*="captcha"], #captcha-container, [class*="captcha-container"]';

export async function classifyKsPage(page: Page): Promise<ResponseVerdict> {
  const captcha = await page.$(CAPTCHA_SELECTOR).catch(() => null);
  if (captcha === null) return { ok: true };
  await captcha.dispose();
  return refused("RISK_CONTROL", `the page shows a slider captcha (${new URL(page.url()).pathname})`);
}

function refused(code: Extract<ResponseVerdict, { ok: false }>["code"], message: string): ResponseVerdict {
  return { ok: false, code, message };
}

/**
 * The part of a GraphQL answer for `operation`, once `classify` let it through; a missing
 * part or a `result` other than 1 is a retryable platform error, never an empty page.
 */
export function ksOperationData<T extends KsResult>(body: KsGraphqlResponse | undefined, operation: string): T {
  const data = body?.data?.[operation] as T | null | undefined;
  if (data === undefined || data === null) {
    const message = (body?.errors ?? []).map((error) => error.message ?? "").join("; ") || "no data";
    throw new RetryableCrawlError("PLATFORM_ERROR", `ks: ${operation} answered without data (${message.slice(0, 200)})`);
  }
  if (data.result !== undefined && data.result !== 1) throw new RetryableCrawlError("PLATFORM_ERROR", `ks: ${operation} answered result ${data.result}`);
  return data;
}

/** A REST answer once `classify` let it through: `result` other than 1 is a retryable platform error. */
export function assertKsRestOk(body: (KsResult & { error_msg?: string }) | undefined, what: string): void {
  if (body?.result === 1) return;
  throw new RetryableCrawlError("PLATFORM_ERROR", `ks: ${what} answered result ${body?.result ?? "none"}${body?.error_msg ? ` (${body.error_msg.slice(0, 200)})` : ""}`);
}
