import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { envelope, type HttpResponse } from "../http.js";
import { allowedMethods } from "../routeTable.js";

/**
 * A request for no route is answered before its body is read: 405 with `Allow` when the path
 * exists under other methods (RFC 9110 §15.5.6), else 404. Placed after the key check (an
 * unauthenticated caller learns nothing about the routes) and before the body checks, which
 * are about a route's body: a PUT to /api/v1/tasks is a 405, not a 415.
 */
export function routedOnly(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    before: (request) => {
      const method = request.event.requestContext?.http?.method ?? "GET";
      const path = request.event.rawPath ?? "/";
      const allowed = allowedMethods(path);
      if (allowed.includes(method)) return;
      return unroutedResponse(method, path, allowed);
    },
  };
}

/** The 404 or 405; the path is echoed cut to 200 characters, so a response never grows with what the caller sent. */
export function unroutedResponse(method: string, path: string, allowed = allowedMethods(path)): HttpResponse {
  const shown = `${method.slice(0, 16)} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`;
  if (allowed.length === 0) return envelope(404, `no route for ${shown}`, { error: "ROUTE_NOT_FOUND" });
  return envelope(
    405,
    `method not allowed: ${shown} (allowed: ${allowed.join(", ")})`,
    { error: "METHOD_NOT_ALLOWED" },
    { allow: allowed.join(", ") },
  );
}
