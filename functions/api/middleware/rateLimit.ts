import type { MiddlewareObj } from "@middy/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { presentedKey, sha256Hex } from "../../../core/auth/index.js";
import { readVariable } from "../../../core/config.js";
import { type RateLimitDecision, type RateLimiter, rateLimitHeaders } from "../../../core/ratelimit/fixedWindow.js";
import { envelope, type HttpResponse } from "../http.js";
import { CREATE_LIMITED_ROUTES, routeOf } from "../routeTable.js";

export interface RateLimitOptions {
  /** The budget to count against; undefined: no limit (CREATE_RATE_LIMIT=0). Called per request. */
  limiter: () => RateLimiter | undefined;
  /** @default CREATE_LIMITED_ROUTES */
  routes?: readonly string[];
  /**
   * Whom a request is counted against. @default the API key's SHA-256 (first 16 hex digits)
   * when keys are configured, else the source IP address API Gateway saw
   */
  caller?: (event: APIGatewayProxyEventV2) => string;
  logger?: Logger;
}

const DECISION = Symbol("rate limit decision");
type Marked = APIGatewayProxyEventV2 & { [DECISION]?: RateLimitDecision };

/**
 * With keys on, a caller is its key: never the key itself, a prefix of its digest, which names
 * it in the table without making it recoverable. With keys off anyone may send any key, so a
 * key would let a caller pick a fresh budget per request: the address it comes from is used.
 */
function defaultCaller(event: APIGatewayProxyEventV2): string {
  const key = readVariable("apiKeySha256") ? presentedKey(event.headers) : undefined;
  if (key !== undefined) return `key:${sha256Hex(key).slice(0, 16)}`;
  return `ip:${event.requestContext?.http?.sourceIp ?? "unknown"}`;
}

/**
 * A per-caller budget on the routes that create tasks, enforced by the API itself, the same
 * on AWS and on one machine. Two middlewares, because they sit at two places of the chain:
 *
 * - `count`, after the key check, the route check and the body checks (an unauthenticated or
 *   unrouted request costs nothing, and a 413 is decided first), takes one request from the
 *   caller's window. Over budget it answers 429 RATE_LIMITED at once, with Retry-After.
 * - `headers`, before envelopeErrors, puts RateLimit-Policy and RateLimit
 *   (core/ratelimit/fixedWindow.ts) on whatever the route answered, errors included (its
 *   `after`/`onError` run after envelopeErrors has built the answer).
 *
 * A request refused for its body (400) still counts: the budget is on requests to these
 * routes, not on tasks made. When the counter's table does not answer the request goes
 * through without headers, logged: the limit protects the service, it is not worth refusing
 * work for.
 */
export function rateLimit(options: RateLimitOptions): {
  count: MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>;
  headers: MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>;
} {
  const routes = new Set(options.routes ?? CREATE_LIMITED_ROUTES);
  const callerOf = options.caller ?? defaultCaller;
  const addHeaders = (request: { event: APIGatewayProxyEventV2; response: HttpResponse | null | undefined }) => {
    const decision = (request.event as Marked)[DECISION];
    if (decision === undefined || !request.response) return;
    request.response = {
      ...request.response,
      headers: { ...request.response.headers, ...rateLimitHeaders(decision) },
    };
  };
  return {
    count: {
      before: async (request) => {
        const http = request.event.requestContext?.http;
        const route = routeOf(http?.method ?? "", request.event.rawPath ?? "");
        if (route === undefined || !routes.has(route)) return;
        const limiter = options.limiter();
        if (limiter === undefined) return;
        let decision: RateLimitDecision;
        try {
          decision = await limiter.take(callerOf(request.event));
        } catch (error) {
          options.logger?.warn("rate limit not counted: its table did not answer", { error });
          return;
        }
        (request.event as Marked)[DECISION] = decision;
        if (decision.allowed) return;
        return envelope(
          429,
          `rate limited: at most ${decision.limit} task-creating requests per ${decision.windowSecs} s (policy "${decision.policy}"); try again in ${decision.resetSecs} s`,
          { error: "RATE_LIMITED" },
          rateLimitHeaders(decision),
        );
      },
    },
    headers: { after: addHeaders, onError: addHeaders },
  };
}
