import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "../http.js";

const WAS_HEAD = Symbol("was HEAD");

/**
 * HEAD is GET without the body (RFC 9110, 9.3.2): wherever GET works, HEAD does, with the
 * same status and headers, the same API key rule and the same public routes. Load balancers,
 * uptime checks and link checkers probe with it. Place it before the key check and the router.
 */
export function headAsGet(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  const strip = (request: { event: APIGatewayProxyEventV2; response: HttpResponse | null | undefined }) => {
    if ((request.event as unknown as Record<symbol, boolean>)[WAS_HEAD] && request.response)
      request.response = { ...request.response, body: "" };
  };
  return {
    before: (request) => {
      const http = request.event.requestContext?.http;
      if (http?.method !== "HEAD") return;
      http.method = "GET";
      (request.event as unknown as Record<symbol, boolean>)[WAS_HEAD] = true;
    },
    after: strip,
    onError: strip,
  };
}
