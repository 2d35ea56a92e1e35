/**
 * The task-creation budget (CREATE_RATE_LIMIT) through the real API handler, counted in the
 * politeness table of a real dynalite server: RateLimit headers on the limited routes'
 * answers, 429 RATE_LIMITED with Retry-After past the budget, one budget per caller.
 */
import middy from "@middy/core";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestsOfKeys } from "../../core/auth/index.js";
import { DynamoFixedWindowLimiter, rateLimitHeaders } from "../../core/ratelimit/fixedWindow.js";
import { envelope, type HttpResponse } from "../../functions/api/http.js";
import { rateLimit } from "../../functions/api/middleware/rateLimit.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

const LIMIT = 3;
let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

type Json = { code: number; message: string; data: any };

async function call(
  method: string,
  path: string,
  options: { body?: object; headers?: Record<string, string>; sourceIp?: string } = {},
) {
  const event = httpEvent(method, path, options);
  if (options.sourceIp) event.requestContext.http.sourceIp = options.sourceIp;
  const response = await handler(event, lambdaContext());
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? "null") as Json,
    headers: response.headers ?? {},
  };
}

const webTask = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };

/** The counters are per minute: start a sequence well inside one, so it is not cut by the next. */
async function awayFromWindowEdge(): Promise<void> {
  const intoWindowMs = Date.now() % 60_000;
  if (intoWindowMs > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoWindowMs));
}

beforeAll(async () => {
  aws = await startTestAws();
  process.env.CREATE_RATE_LIMIT = String(LIMIT);
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  delete process.env.CREATE_RATE_LIMIT;
  await aws?.close();
});

describe("CREATE_RATE_LIMIT", () => {
  it("counts POST /tasks, /scrape and retry per caller; past the budget, 429 RATE_LIMITED in the envelope", async () => {
    await awayFromWindowEdge();
    const ip = "198.51.100.7";
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const { status, headers } = await call("POST", "/api/v1/tasks", { body: webTask, sourceIp: ip });
      expect(status).toBe(201);
      expect(headers["ratelimit-policy"]).toBe(`"create";q=${LIMIT};w=60`);
      remaining.push(headers.ratelimit!);
    }
    expect(remaining.map((value) => /;r=(\d+);/.exec(value)?.[1])).toEqual(["2", "1", "0"]);
    expect(remaining.every((value) => /^"create";r=\d+;t=([1-9]|[1-5]\d|60)$/.test(value))).toBe(true);

    const refused = await call("POST", "/api/v1/tasks", { body: webTask, sourceIp: ip });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe(429);
    expect(refused.body.data).toEqual({ error: "RATE_LIMITED" });
    expect(refused.body.message).toMatch(
      /^rate limited: at most 3 task-creating requests per 60 s \(policy "create"\); try again in \d+ s$/,
    );
    const t = /;t=(\d+)$/.exec(refused.headers.ratelimit!)?.[1];
    expect(refused.headers["retry-after"]).toBe(t);
    expect(refused.headers.ratelimit).toBe(`"create";r=0;t=${t}`);
    expect(refused.headers["content-type"]).toBe("application/json; charset=utf-8");

    // The scrape and retry routes share the budget; reading does not count and carries no headers.
    expect(
      (await call("POST", "/api/v1/scrape", { body: { urls: ["https://example.com/"] }, sourceIp: ip })).status,
    ).toBe(429);
    expect((await call("POST", "/api/v1/tasks/01M8HQ0000000000000000000X/retry", { sourceIp: ip })).status).toBe(429);
    const list = await call("GET", "/api/v1/tasks", { sourceIp: ip });
    expect(list.status).toBe(200);
    expect(list.headers.ratelimit).toBeUndefined();

    // Another caller has its own budget.
    const other = await call("POST", "/api/v1/tasks", { body: webTask, sourceIp: "198.51.100.8" });
    expect(other.status).toBe(201);
    expect(other.headers.ratelimit).toMatch(/^"create";r=2;t=\d+$/);
  });

  it("counts a refused body too, and puts the headers on its 400", async () => {
    await awayFromWindowEdge();
    const { status, headers, body } = await call("POST", "/api/v1/tasks", {
      body: { ...webTask, max_pages: 0 },
      sourceIp: "198.51.100.9",
    });
    expect(status).toBe(400);
    expect(body.data.field).toBe("max_pages");
    expect(headers.ratelimit).toMatch(/^"create";r=2;t=\d+$/);
  });

  it("with API keys on, counts per key, not per address", async () => {
    await awayFromWindowEdge();
    const [first, second] = ["rate-limit-key-one-0123", "rate-limit-key-two-0123"];
    process.env.API_KEY_SHA256 = digestsOfKeys(`${first},${second}`);
    try {
      const ip = "198.51.100.10";
      for (let i = 0; i < LIMIT; i++) {
        const { status } = await call("POST", "/api/v1/tasks", {
          body: webTask,
          sourceIp: ip,
          headers: { authorization: `Bearer ${first}` },
        });
        expect(status).toBe(201);
      }
      const again = { body: webTask, sourceIp: ip };
      expect((await call("POST", "/api/v1/tasks", { ...again, headers: { "x-api-key": first } })).status).toBe(429);
      const otherKey = await call("POST", "/api/v1/tasks", { ...again, headers: { "x-api-key": second } });
      expect(otherKey.status).toBe(201);
      expect(otherKey.headers.ratelimit).toMatch(/^"create";r=2;t=\d+$/);
      // No key: refused before anything is counted.
      const keyless = await call("POST", "/api/v1/tasks", again);
      expect(keyless.status).toBe(401);
      expect(keyless.headers.ratelimit).toBeUndefined();
    } finally {
      delete process.env.API_KEY_SHA256;
    }
  });
});

describe("DynamoFixedWindowLimiter", () => {
  it("starts a fresh budget in the next window, and its counter expires after it", async () => {
    let now = Date.UTC(2026, 11, 6, 1, 0, 50);
    const limiter = new DynamoFixedWindowLimiter(aws.clients.doc, aws.politenessTable, {
      policy: "test",
      limit: 2,
      now: () => now,
    });
    expect(await limiter.take("c")).toMatchObject({ allowed: true, remaining: 1, resetSecs: 10 });
    expect(await limiter.take("c")).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter.take("c");
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetSecs: 10 });
    expect(rateLimitHeaders(refused)).toEqual({
      "ratelimit-policy": '"test";q=2;w=60',
      ratelimit: '"test";r=0;t=10',
      "retry-after": "10",
    });
    // A refusal does not count: the stored count stays at the limit.
    const window = Math.floor(now / 60_000);
    const item = await aws.clients.doc.send(
      new GetCommand({ TableName: aws.politenessTable, Key: { limit_key: `rate:test:c:${window}` } }),
    );
    expect(item.Item).toEqual({ limit_key: `rate:test:c:${window}`, count: 2, expires_at: (window + 1) * 60 + 60 });

    now += 10_000;
    expect(await limiter.take("c")).toMatchObject({ allowed: true, remaining: 1, resetSecs: 60 });
  });
});

describe("rateLimit middleware, its table not answering", () => {
  it("lets the request through, without headers, rather than refuse work", async () => {
    const limit = rateLimit({
      limiter: () => new DynamoFixedWindowLimiter(aws.clients.doc, "no-such-table", { policy: "create", limit: 1 }),
    });
    const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
      .use(limit.headers)
      .use(limit.count)
      .handler(async () => envelope(201, "task created", {}));
    for (let i = 0; i < 2; i++) {
      const response = await handler(httpEvent("POST", "/api/v1/tasks", { body: webTask }), lambdaContext());
      expect(response.statusCode).toBe(201);
      expect(response.headers.ratelimit).toBeUndefined();
    }
  });
});
