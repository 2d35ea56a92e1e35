import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { ClientError } from "../../../core/errors.js";

export interface JsonBodyOptions {
  /**
   * Largest accepted body: a web batch of 10,000 URLs fits, and it stays under the 6 MB a
   * Lambda invocation may carry. @default 4194304 (4 MiB)
   */
  maxBytes?: number;
}

export type JsonEvent = APIGatewayProxyEventV2 & { jsonBody?: unknown };

const defaults: Required<JsonBodyOptions> = { maxBytes: 4 * 1024 * 1024 };

/** An unpaired UTF-16 surrogate, which only a `\uD800`-style escape can put in a parsed string. */
const LONE_SURROGATE = /\p{Cs}/u;
const NOT_UNICODE = Symbol("not well-formed Unicode");

/**
 * JSON.parse reviver refusing keys and strings with unpaired surrogates: they are not valid
 * Unicode and UTF-8 cannot represent them, so DynamoDB would refuse or mangle them later;
 * they are refused here, as a 400 naming the body.
 */
function wellFormedOnly(key: string, value: unknown): unknown {
  if (LONE_SURROGATE.test(key) || (typeof value === "string" && LONE_SURROGATE.test(value))) throw NOT_UNICODE;
  return value;
}

/** Methods that change something: each must say its body is JSON, even an empty one. */
const WRITES = new Set(["POST", "PUT", "PATCH"]);

/**
 * Checks size and content type, then parses the body into `event.jsonBody`.
 *
 * Every POST must say `content-type: application/json`, even with no body (cancel, retry,
 * activate): a web page on another origin can send a text/plain or form POST without asking
 * first (no CORS preflight), but not a JSON one. Without this, any page the user opens could
 * cancel or retry tasks on an API with no key, such as the one-machine stack on loopback.
 */
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareObj<JsonEvent> {
  const { maxBytes } = { ...defaults, ...options };
  const jsonBodyBefore: NonNullable<MiddlewareObj<JsonEvent>["before"]> = (request) => {
    const event = request.event;
    const empty = event.body === undefined || event.body === null || event.body === "";
    const method = event.requestContext?.http?.method ?? "GET";
    if (empty && !WRITES.has(method)) return;
    const bytes = empty
      ? Buffer.alloc(0)
      : event.isBase64Encoded
        ? Buffer.from(event.body!, "base64")
        : Buffer.from(event.body!, "utf8");
    if (bytes.byteLength > maxBytes) {
      throw new ClientError(
        413,
        "PAYLOAD_TOO_LARGE",
        `body: must be at most ${maxBytes} bytes (got ${bytes.byteLength})`,
        "body",
      );
    }
    const contentType = (event.headers?.["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/json" && !contentType.endsWith("+json")) {
      throw new ClientError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `content-type: must be application/json (got ${contentType === "" ? "none" : JSON.stringify(contentType.slice(0, 100))})`,
        "content-type",
      );
    }
    if (empty) return;
    try {
      event.jsonBody = JSON.parse(bytes.toString("utf8"), wellFormedOnly);
    } catch (error) {
      if (error === NOT_UNICODE) {
        throw new ClientError(
          400,
          "MALFORMED_JSON",
          "body: has a string that is not valid Unicode (an unpaired surrogate escape)",
          "body",
        );
      }
      throw new ClientError(400, "MALFORMED_JSON", "body: is not valid JSON", "body");
    }
  };
  return { before: jsonBodyBefore };
}
