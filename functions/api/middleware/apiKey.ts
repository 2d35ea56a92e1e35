import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { API_KEY_SHA256_ENV, isValidKey, parseKeyDigests, presentedKey, UnauthorizedError } from "../../../core/auth/index.js";

export interface ApiKeyOptions {
  /**
   * Returns the comma-separated hex SHA-256 digests of the valid keys. Called on every
   * request (parsed again only when the value changes), so the one-machine stack and tests
   * may set the variable after this module loaded. Empty or unset: no key is configured and
   * the API is open. A malformed value refuses every request with a 500 (fails closed).
   * @default () => process.env.API_KEY_SHA256
   */
  keyDigests?: () => string | undefined;
  /**
   * Requests let in without a key, as `"METHOD /path"` matched exactly against the method
   * and path the router sees (`requestContext.http`).
   * @default ["GET /health", "HEAD /health", "GET /openapi.json", "GET /docs"]
   */
  publicRoutes?: readonly string[];
}

const defaults: Required<ApiKeyOptions> = {
  keyDigests: () => process.env[API_KEY_SHA256_ENV],
  publicRoutes: ["GET /health", "HEAD /health", "GET /openapi.json", "GET /docs"],
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
  const { keyDigests, publicRoutes } = { ...defaults, ...options };
  const open = new Set(publicRoutes);
  let parsed: { setting: string | undefined; digests: Buffer[] } | undefined;

  const digestsFor = (setting: string | undefined): Buffer[] => {
    if (parsed === undefined || parsed.setting !== setting) parsed = { setting, digests: parseKeyDigests(setting) };
    return parsed.digests;
  };

  const apiKeyBefore: NonNullable<MiddlewareObj<APIGatewayProxyEventV2>["before"]> = (request) => {
    const http = request.event.requestContext?.http;
    if (http !== undefined && open.has(`${http.method} ${http.path}`)) return;
    const digests = digestsFor(keyDigests());
    if (digests.length === 0) return;
    const key = presentedKey(request.event.headers);
    if (key === undefined) {
      throw new UnauthorizedError("authorization: an API key is required; send Authorization: Bearer <key> or x-api-key: <key>");
    }
    if (!isValidKey(key, digests)) throw new UnauthorizedError("authorization: the API key is not valid");
  };

  return { before: apiKeyBefore };
}
