import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** The envelope every JSON response keeps, as the old backend's clients expect. */
export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

const JSON_TYPE = "application/json; charset=utf-8";

/** `code` is 0 on success and the HTTP status otherwise. */
export function envelope<T>(
  statusCode: number,
  message: string,
  data: T,
  headers: Record<string, string> = {},
): HttpResponse {
  const body: Envelope<T> = { code: statusCode < 400 ? 0 : statusCode, message, data };
  return {
    statusCode,
    headers: { "content-type": JSON_TYPE, "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function ok<T>(message: string, data: T, statusCode = 200, headers: Record<string, string> = {}): HttpResponse {
  return envelope(statusCode, message, data, headers);
}

/** 201 with `Location` naming the created resource (RFC 9110 §15.3.2), relative to the API's origin. */
export function createdAt<T>(message: string, data: T, location: string): HttpResponse {
  return ok(message, data, 201, { location });
}

/** 202 with `Location` naming where the accepted work is followed (RFC 9110 §15.3.3). */
export function acceptedAt<T>(message: string, data: T, location: string): HttpResponse {
  return ok(message, data, 202, { location });
}

export function raw(
  statusCode: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return { statusCode, headers: { "content-type": contentType, "cache-control": "no-store", ...headers }, body };
}
