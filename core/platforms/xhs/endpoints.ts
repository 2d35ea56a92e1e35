import { RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse, ResponseMatch } from "../media/types.js";
import type { XhsEnvelope } from "./shapes.js";

/** The xhs API calls the crawler reads (see shapes.ts for their parameters and answers). */
export const XHS_ENDPOINTS = {
  search: { path: "/api/sns/web/v1/search/notes", method: "POST" },
  feed: { path: "/api/sns/web/v1/feed", method: "POST" },
  comments: { path: "/api/sns/web/v2/comment/page", method: "GET" },
  subComments: { path: "/api/sns/web/v2/comment/sub/page", method: "GET" },
  userPosted: { path: "/api/sns/web/v1/user_posted", method: "GET" },
} as const satisfies Record<string, ResponseMatch>;

/** `endpoint`, narrowed to the responses `test` accepts. */
export function matching(endpoint: ResponseMatch, test: (response: CapturedResponse) => boolean): ResponseMatch {
  return { ...endpoint, test };
}

/** A query parameter of the request that got `response`. */
export function queryOf(response: CapturedResponse, name: string): string | null {
  return response.url.searchParams.get(name);
}

/** The parsed JSON body of the POST that got `response` ({} when absent or not JSON). */
export function bodyOf(response: CapturedResponse): Record<string, unknown> {
  try {
    const parsed = JSON.parse(response.requestBody ?? "{}") as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * `data` of a successful answer. Access problems were already turned into errors by
 * classify (access.ts); any other failure (server error, a shape we do not know) is
 * worth another try later.
 */
export function dataOf<T>(response: CapturedResponse): T {
  const body = response.json as XhsEnvelope<T> | undefined;
  if (response.status >= 200 && response.status < 300 && body?.success === true && body.data !== undefined) return body.data;
  const said = body === undefined ? "no JSON" : `code ${String(body.code)} ${body.msg ?? ""}`.trim();
  throw new RetryableCrawlError("PLATFORM_ERROR", `xhs ${response.url.pathname} answered HTTP ${response.status}, ${said}`.slice(0, 500));
}
