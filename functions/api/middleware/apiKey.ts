import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { PUBLIC_ROUTES } from "../routeTable.js";
import { readVariable } from "../../../core/config.js";
import { isValidKey, parseKeyDigests, presentedKey, UnauthorizedError } from "../../../core/auth/index.js";

export interface ApiKeyOptions {
  /**
   * Returns the comma-separated hex SHA-256 digests of the valid keys. Called on every
   * request (parsed again only when the value changes), so the one-machine stack and tests
   * may set the variable after this module loaded. Empty or unset: no key is configured and
   * the API is open. A malformed value refuses every request with a 500 (fails closed).
   * @default env API_KEY_SHA256, read at each call
   */
  keyDigests?: () => string | undefined;
  /**
   * Requests let in without a key, as `"METHOD /path"` matched exactly against the method
   * and path the router sees (`requestContext.http`).
   * (HEAD is routed as GET: middleware/headAsGet.ts.)
   * @default PUBLIC_ROUTES
   */
  publicRoutes?: readonly string[];
}

/** What anyone may read without a key (the health check, the API's own description): the route table's public routes. */
export { PUBLIC_ROUTES };

const defaults: Required<ApiKeyOptions> = {
  keyDigests: () => readVariable("apiKeySha256"),
  publicRoutes: PUBLIC_ROUTES,
};

/**
 * Refuses requests without a valid API key (`Authorization: Bearer <key>` or `x-api-key`)
 * by throwing {@link UnauthorizedError}; envelopeErrors turns it into the 401 envelope with
 * `www-authenticate: Bearer`. Needs lower-cased headers (http-header-normalizer first).
 *
 * Place it before body parsing: an unauthenticated caller gets 401 whatever its body is
 * (too large, wrong type, not JSON), so its body is never decoded or parsed and it learns
 * nothing about the API beyond "send a key". An OPTIONS preflight never gets here on AWS:
 * API Gateway answers it from its CORS settings.
 *
 * @example
 * middy().use(httpHeaderNormalizer()).use(envelopeErrors()).use(apiKey()).use(jsonBody()).handler(router);
 */
export function apiKey(options: ApiKeyOptions = {}): MiddlewareObj<APIGatewayProxyEventV2> {
  const check = apiKeyCheck(options);
  const apiKeyBefore: NonNullable<MiddlewareObj<APIGatewayProxyEventV2>["before"]> = (request) => {
    const http = request.event.requestContext?.http;
    const refused = check({ method: http?.method ?? "", path: http?.path ?? "", headers: request.event.headers });
    if (refused) throw refused;
  };
  return { before: apiKeyBefore };
}

/**
 * The key check alone, for whoever sees a request's headers before its body: the
 * middleware above, and the one-machine gateway, which refuses a keyless request before
 * reading a byte of its body. Returns the error to answer with, or undefined to let it in;
 * throws ApiKeyConfigError when the configured digests are broken (fails closed).
 * Headers must be lower-cased; a HEAD request counts as GET.
 */
export function apiKeyCheck(
  options: ApiKeyOptions = {},
): (request: {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>> | null | undefined;
}) => UnauthorizedError | undefined {
  const { keyDigests, publicRoutes } = { ...defaults, ...options };
  const open = new Set(publicRoutes);
  let parsed: { setting: string | undefined; digests: Buffer[] } | undefined;
  const digestsFor = (setting: string | undefined): Buffer[] => {
    if (parsed === undefined || parsed.setting !== setting) parsed = { setting, digests: parseKeyDigests(setting) };
    return parsed.digests;
  };
  return ({ method, path, headers }) => {
    if (open.has(`${method === "HEAD" ? "GET" : method} ${path}`)) return undefined;
    const digests = digestsFor(keyDigests());
    if (digests.length === 0) return undefined;
    const key = presentedKey(headers);
    if (key === undefined)
      return new UnauthorizedError(
        "authorization: an API key is required; send Authorization: Bearer <key> or x-api-key: <key>",
      );
    return isValidKey(key, digests) ? undefined : new UnauthorizedError("authorization: the API key is not valid");
  };
}
