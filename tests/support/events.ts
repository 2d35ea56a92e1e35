import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

/** An API Gateway HTTP API (payload 2.0) event, as the gateway would send it. */
export function httpEvent(
  method: string,
  pathWithQuery: string,
  options: { body?: string | object; headers?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const [path, rawQuery = ""] = pathWithQuery.split("?") as [string, string?];
  const params = new URLSearchParams(rawQuery);
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  // As the CLI and the dashboard do: every POST says JSON, even without a body.
  if (method === "POST" && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "application/json";
    if (options.base64) body = Buffer.from(body).toString("base64");
  }
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: rawQuery,
    headers,
    ...(rawQuery ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: Math.random().toString(36).slice(2),
      routeKey: "$default",
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: Boolean(options.base64),
  };
}

export function lambdaContext(timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:test",
    memoryLimitInMB: "2048",
    awsRequestId: Math.random().toString(36).slice(2),
    logGroupName: "test",
    logStreamName: "test",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
