/**
 * API keys through the real API handler, against real dynalite and local-aws-sqs servers.
 * API_KEY_SHA256 is read per request, so each test sets the keys it needs.
 */
import middy from "@middy/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { digestsOfKeys } from "../../core/auth/index.js";
import { envelopeErrors } from "../../functions/api/middleware/envelopeErrors.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

const KEY = "current-key-0123456789";
const OLD_KEY = "old-key-abcdefghijklmn";
const webTask = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

async function call(method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) {
  const response = await handler(httpEvent(method, path, options), lambdaContext());
  const raw = response.body ?? "";
  const json =
    (response.headers["content-type"] ?? "").startsWith("application/json") && raw !== "" ? JSON.parse(raw) : undefined;
  return { status: response.statusCode, headers: response.headers, raw, body: json };
}

const useKeys = (keys: string | undefined) => {
  if (keys === undefined) delete process.env.API_KEY_SHA256;
  else process.env.API_KEY_SHA256 = digestsOfKeys(keys);
};

function expectUnauthorized(response: Awaited<ReturnType<typeof call>>, message: RegExp) {
  expect(response.status).toBe(401);
  expect(response.headers["www-authenticate"]).toBe("Bearer");
  expect(response.body).toEqual({
    code: 401,
    message: expect.stringMatching(message),
    data: { error: "UNAUTHORIZED" },
  });
  expect(response.raw).not.toContain(KEY);
  expect(response.raw).not.toContain(OLD_KEY);
}

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterEach(() => useKeys(undefined));

afterAll(async () => {
  await aws?.close();
});

describe("no key configured", () => {
  it("the API is open", async () => {
    expect((await call("POST", "/api/v1/tasks", { body: webTask })).status).toBe(201);
    expect((await call("GET", "/api/v1/tasks")).status).toBe(200);
  });
});

describe("with a key configured", () => {
  it("refuses requests without a key with 401 and www-authenticate: Bearer", async () => {
    useKeys(KEY);
    expectUnauthorized(
      await call("POST", "/api/v1/tasks", { body: webTask }),
      /^authorization: an API key is required/,
    );
    expectUnauthorized(await call("GET", "/api/v1/tasks"), /required/);
    expectUnauthorized(await call("GET", "/api/v1/tasks/01HZZZZZZZZZZZZZZZZZZZZZZZ/results"), /required/);
    // Unknown routes too: the route map is not shown to strangers.
    expectUnauthorized(await call("GET", "/admin"), /required/);
    expectUnauthorized(await call("POST", "/health"), /required/);
    expectUnauthorized(await call("GET", "/api/v1/tasks", { headers: { Authorization: `Basic ${KEY}` } }), /required/);
  });

  it("refuses a wrong key in either header without echoing it", async () => {
    useKeys(KEY);
    const wrong = `${KEY}-but-wrong`;
    const attempts: Array<Record<string, string>> = [
      { Authorization: `Bearer ${wrong}` },
      { "X-Api-Key": wrong },
      { Authorization: `Bearer ${KEY.slice(0, -1)}` },
    ];
    for (const headers of attempts) {
      const response = await call("POST", "/api/v1/tasks", { body: webTask, headers });
      expectUnauthorized(response, /^authorization: the API key is not valid$/);
      expect(response.raw).not.toContain(wrong);
    }
  });

  it("accepts the key as a Bearer token or in x-api-key", async () => {
    useKeys(KEY);
    const bearer = await call("POST", "/api/v1/tasks", { body: webTask, headers: { Authorization: `Bearer ${KEY}` } });
    expect(bearer.status).toBe(201);
    expect(bearer.body.data.status).toBe("pending");
    const header = await call("GET", `/api/v1/tasks/${bearer.body.data.task_id}`, { headers: { "x-api-key": KEY } });
    expect(header.status).toBe(200);
    expect(header.body.data.task_id).toBe(bearer.body.data.task_id);
  });

  it("leaves GET and HEAD /health open", async () => {
    useKeys(KEY);
    const get = await call("GET", "/health");
    expect(get.status).toBe(200);
    expect(get.body.data).toEqual({ tasks_table: "ok", queue: "ok" });
    expect((await call("HEAD", "/health")).status).toBe(200);
  });

  it("checks the key before the body: 401 for a stranger's large or non-JSON body, 413/415 once authenticated", async () => {
    useKeys(KEY);
    const large = JSON.stringify({ ...webTask, padding: "x".repeat(4 * 1024 * 1024 + 1) });
    expectUnauthorized(await call("POST", "/api/v1/tasks", { body: large }), /required/);
    expectUnauthorized(
      await call("POST", "/api/v1/tasks", { body: "hello", headers: { "content-type": "text/plain" } }),
      /required/,
    );
    expectUnauthorized(await call("POST", "/api/v1/tasks", { body: "{not json" }), /required/);
    const auth = { Authorization: `Bearer ${KEY}` };
    expect((await call("POST", "/api/v1/tasks", { body: large, headers: auth })).status).toBe(413);
    expect(
      (await call("POST", "/api/v1/tasks", { body: "hello", headers: { ...auth, "content-type": "text/plain" } }))
        .status,
    ).toBe(415);
  });

  it("accepts every configured key, so keys can be rotated", async () => {
    useKeys(`${KEY},${OLD_KEY}`);
    for (const key of [KEY, OLD_KEY]) {
      expect((await call("GET", "/api/v1/tasks", { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    }
    useKeys(KEY); // the old key is retired
    expectUnauthorized(
      await call("GET", "/api/v1/tasks", { headers: { Authorization: `Bearer ${OLD_KEY}` } }),
      /not valid/,
    );
    expect((await call("GET", "/api/v1/tasks", { headers: { "x-api-key": KEY } })).status).toBe(200);
  });

  it("fails closed on a malformed API_KEY_SHA256: 500 without details, /health still answers", async () => {
    process.env.API_KEY_SHA256 = "not-a-digest";
    const response = await call("GET", "/api/v1/tasks", { headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ code: 500, message: "internal error", data: { error: "INTERNAL" } });
    expect((await call("GET", "/health")).status).toBe(200);
  });
});

describe("errors shown to clients", () => {
  it("a 404 echoes at most 200 characters of the path", async () => {
    const response = await call("GET", `/${"p".repeat(5000)}`);
    expect(response.status).toBe(404);
    expect(response.body.message).toBe(`no route for GET /${"p".repeat(199)}…`);
  });

  it("an unexpected error is a 500 envelope with no message, stack or cause", async () => {
    const failing = middy()
      .use(envelopeErrors())
      .handler(() => {
        throw new Error("db password is hunter2", { cause: new Error("inner detail") });
      });
    const response = (await failing(httpEvent("GET", "/x"), lambdaContext())) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ code: 500, message: "internal error", data: { error: "INTERNAL" } });
    expect(response.body).not.toMatch(/hunter2|inner detail|\bat\s|\.ts:\d+/);
  });
});
