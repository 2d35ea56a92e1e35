/**
 * local/gateway.ts on its own: real HTTP requests in, API Gateway payload 2.0 events out
 * to a recording fake handler, and the handler's answers back as HTTP responses.
 */
import { request } from "node:http";
import { connect } from "node:net";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type ApiHandler, type RunningGateway } from "../../local/gateway.js";
import { PortInUseError } from "../../local/servers.js";

const MiB = 1024 * 1024;
const seen: Array<{ event: APIGatewayProxyEventV2; context: Context }> = [];
let answer: ApiHandler = async () => ({ statusCode: 200, body: "" });
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({
    handler: (event, context) => {
      seen.push({ event, context });
      return answer(event, context);
    },
    timeoutMs: 1000,
    log: () => undefined,
  });
});
afterAll(() => gateway.close());
beforeEach(() => {
  seen.length = 0;
  answer = async () => ({ statusCode: 200, body: "" });
});

/** node:http rather than fetch, to send repeated headers and raw bytes exactly. */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string | string[]>; body?: Buffer | string; chunked?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    if (options.body !== undefined && options.chunked) {
      const body = Buffer.from(options.body);
      for (let i = 0; i < body.length; i += MiB) req.write(body.subarray(i, i + MiB));
      req.end();
    } else req.end(options.body);
  });
}

const lastEvent = () => seen.at(-1)!.event;

describe("request → payload 2.0 event", () => {
  it("carries path, raw and parsed query string, and the request context", async () => {
    const before = Date.now();
    await send("GET", "/api/v1/tasks?status=pending&a=1&a=2&empty=&enc=hello%20world", {
      headers: { "User-Agent": "tester/1" },
    });

    const event = lastEvent();
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/v1/tasks",
      rawQueryString: "status=pending&a=1&a=2&empty=&enc=hello%20world",
      queryStringParameters: { status: "pending", a: "1,2", empty: "", enc: "hello world" },
      isBase64Encoded: false,
      requestContext: {
        http: {
          method: "GET",
          path: "/api/v1/tasks",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "tester/1",
        },
        routeKey: "$default",
        stage: "$default",
        domainName: `127.0.0.1:${gateway.port}`,
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.requestContext.requestId).toMatch(/^\S{8,}$/);
  });

  it("keeps names like __proto__ and constructor as plain data", async () => {
    await send("GET", "/?constructor=c&__proto__=p", { headers: { Constructor: "h" } });
    const event = lastEvent();
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, "constructor")?.value).toBe("c");
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, "__proto__")?.value).toBe("p");
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
    expect(event.headers.constructor).toBe("h");
  });

  it("leaves queryStringParameters out when there is no query string", async () => {
    await send("GET", "/health");
    expect(lastEvent().rawQueryString).toBe("");
    expect(lastEvent()).not.toHaveProperty("queryStringParameters");
  });

  it("lower-cases header names, joins repeated headers with commas, and moves cookies out", async () => {
    await send("GET", "/", { headers: { "X-Multi": ["one", "two"], "Idempotency-Key": "k-1", Cookie: "a=1; b=2" } });

    const event = lastEvent();
    expect(event.headers["x-multi"]).toBe("one,two");
    expect(event.headers["idempotency-key"]).toBe("k-1");
    expect(event.headers).not.toHaveProperty("Idempotency-Key");
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event.cookies).toEqual(["a=1", "b=2"]);
  });

  it("passes JSON and text bodies as strings, binary bodies as base64", async () => {
    await send("POST", "/json", { headers: { "content-type": "application/json" }, body: '{"name":"ü"}' });
    expect(lastEvent()).toMatchObject({ body: '{"name":"ü"}', isBase64Encoded: false });

    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await send("POST", "/bin", { headers: { "content-type": "application/octet-stream" }, body: bytes });
    expect(lastEvent().isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent().body!, "base64")).toEqual(bytes);

    // Declared as text but not valid UTF-8: base64 keeps the bytes intact.
    await send("POST", "/bad-text", {
      headers: { "content-type": "text/plain" },
      body: Buffer.from([0xff, 0xfe, 0x41]),
    });
    expect(lastEvent()).toMatchObject({ body: "//5B", isBase64Encoded: true });
  });

  it("gives the handler a Lambda context that counts down", async () => {
    await send("GET", "/");
    const { context } = seen.at(-1)!;
    expect(context.functionName).toBe("api");
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(1000);
  });
});

describe("handler result → response", () => {
  it("writes status, headers and cookies, and decodes base64 bodies", async () => {
    answer = async () => ({
      statusCode: 201,
      headers: { "Content-Type": "image/png", "x-count": 3 },
      cookies: ["s=1; HttpOnly", "t=2"],
      body: Buffer.from([0, 1, 2, 250]).toString("base64"),
      isBase64Encoded: true,
    });
    const response = await send("GET", "/png");
    expect(response.status).toBe(201);
    expect(response.headers["content-type"]).toBe("image/png");
    expect(response.headers["x-count"]).toBe("3");
    expect(response.headers["set-cookie"]).toEqual(["s=1; HttpOnly", "t=2"]);
    expect(response.headers["apigw-requestid"]).toBe(lastEvent().requestContext.requestId);
    expect([...response.body]).toEqual([0, 1, 2, 250]);
  });

  it("treats a result without statusCode as a 200 JSON body, like API Gateway", async () => {
    answer = async () => ({ hello: "world" });
    const response = await send("GET", "/");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.body.toString())).toEqual({ hello: "world" });
  });

  it("answers 500 with the envelope and no stack when the handler throws or answers nonsense", async () => {
    answer = async () => {
      throw new Error("secret detail at /srv/app.js:12");
    };
    const thrown = await send("GET", "/");
    expect(thrown.status).toBe(500);
    expect(JSON.parse(thrown.body.toString())).toEqual({ code: 500, message: "internal server error", data: null });

    answer = async () => ({ statusCode: "two hundred" });
    const nonsense = await send("GET", "/");
    expect(nonsense.status).toBe(500);

    answer = async () => ({ statusCode: 204 });
    expect((await send("GET", "/")).status).toBe(204);
  });

  it("answers 504 when the handler does not answer in time", async () => {
    answer = () => new Promise(() => undefined);
    const response = await send("GET", "/hang");
    expect(response.status).toBe(504);
    expect(JSON.parse(response.body.toString())).toMatchObject({ code: 504, data: null });
  });
});

describe("limits and bad requests", () => {
  it("accepts a body of exactly 10 MiB and refuses one byte more with 413, without calling the handler", async () => {
    const headers = { "content-type": "application/octet-stream" };
    await send("POST", "/big", { headers, body: Buffer.alloc(10 * MiB, 7) });
    expect(Buffer.from(lastEvent().body!, "base64").length).toBe(10 * MiB);

    seen.length = 0;
    const tooBig = await send("POST", "/big", { headers, body: Buffer.alloc(10 * MiB + 1, 7) });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body.toString())).toEqual({
      code: 413,
      message: "request body is larger than 10 MiB",
      data: null,
    });

    const chunked = await send("POST", "/big", { headers, body: Buffer.alloc(11 * MiB, 7), chunked: true });
    expect(chunked.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it("survives a malformed request and keeps serving", async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(gateway.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let data = "";
      socket.on("data", (chunk) => (data += chunk.toString()));
      socket.on("close", () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("reports a busy port as PortInUseError", async () => {
    await expect(startGateway({ handler: answer, port: gateway.port })).rejects.toBeInstanceOf(PortInUseError);
  });
});
