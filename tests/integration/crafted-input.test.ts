/**
 * Crafted task and account bodies of issue 11, sent as the review sent them: raw JSON through
 * the real API handler, against real dynalite and local-aws-sqs.
 *
 * - Prototype keys. `selectors: {"constructor": …}` used to reach the DynamoDB marshaller,
 *   which refused the object, and the API answered 503 "tasks table is unavailable" with a
 *   retry hint; `__proto__` was dropped without a word. Now: 400 naming the field.
 * - ReDoS patterns: accepted (RE2 runs them in linear time) or refused with 400 naming the
 *   pattern's index, never a hang.
 * - Only SDK and network errors are "unavailable": anything else is a plain 500, no stack.
 */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import middy from "@middy/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountsKeyring } from "../../core/accounts/index.js";
import { callDependency } from "../../core/aws/dependency.js";
import { DependencyUnavailableError } from "../../core/errors.js";
import { DynamoTaskStore } from "../../core/tasks/index.js";
import type { Task } from "../../core/tasks/model.js";
import { envelopeErrors } from "../../functions/api/middleware/envelopeErrors.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

type Json = { code: number; message: string; data: any };

/** Sends `body` exactly as written: a JSON text keeps `__proto__` as an ordinary key. */
async function post(path: string, body: string) {
  const response = await handler(httpEvent("POST", path, { body }), lambdaContext());
  return { status: response.statusCode, raw: response.body ?? "", body: JSON.parse(response.body ?? "{}") as Json };
}

async function storedTaskIds(): Promise<string[]> {
  const page = await aws.clients.doc.send(
    new ScanCommand({ TableName: aws.tasksTable, ProjectionExpression: "task_id" }),
  );
  return (page.Items ?? []).map((item) => String(item.task_id));
}

const webTask = (extra: string) => `{"platform":"web","crawler_type":"crawl","urls":["https://example.com/"]${extra}}`;

beforeAll(async () => {
  aws = await startTestAws();
  process.env.ACCOUNTS_ENCRYPTION_KEY = AccountsKeyring.generateKey();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  delete process.env.ACCOUNTS_ENCRYPTION_KEY;
  await aws?.close();
});

describe("prototype keys in a task body", () => {
  it.each(["constructor", "__proto__", "prototype"])(
    "selectors.%s is a 400 naming the field, and nothing is stored",
    async (key) => {
      const before = await storedTaskIds();
      const { status, body, raw } = await post("/api/v1/tasks", webTask(`,"selectors":{"heading":"h1","${key}":"h1"}`));
      expect(status).toBe(400);
      const message = `selectors.${key}: "${key}" cannot be used as a name (__proto__, constructor and prototype are reserved)`;
      expect(body).toEqual({
        code: 400,
        message,
        data: {
          error: "VALIDATION_FAILED",
          field: `selectors.${key}`,
          errors: [{ field: `selectors.${key}`, message }],
        },
      });
      expect(raw).not.toMatch(/retry|unavailable|\n\s+at /);
      expect(await storedTaskIds()).toEqual(before);
    },
  );

  it("refuses them wherever an object sits in the body, and at the top as unknown fields", async () => {
    expect((await post("/api/v1/tasks", webTask(`,"urls":[{"constructor":"x"}]`))).body.data.field).toBe(
      "urls.0.constructor",
    );
    expect((await post("/api/v1/tasks", webTask(`,"webhook_url":{"__proto__":{"a":1}}`))).body.data.field).toBe(
      "webhook_url.__proto__",
    );
    const top = await post("/api/v1/tasks", webTask(`,"__proto__":{"max_pages":1}`));
    expect([top.status, top.body.message]).toEqual([400, 'unknown field "__proto__"']);
    const media = await post(
      "/api/v1/tasks",
      `{"platform":"xhs","crawler_type":"search","keywords":["a"],"constructor":1}`,
    );
    expect([media.status, media.body.message]).toEqual([400, 'unknown field "constructor"']);
  });

  it("still stores a task whose selector names merely look alike", async () => {
    const { status, body } = await post(
      "/api/v1/tasks",
      webTask(`,"selectors":{"proto":"h1","constructor_name":".c","_prototype":"p"}`),
    );
    expect(status).toBe(201);
    expect(body.data.params.selectors).toEqual({ proto: "h1", constructor_name: ".c", _prototype: "p" });
  });
});

describe("prototype keys in an account body", () => {
  it("refuses them inside a cookie object (which otherwise drops unknown keys) and at the top", async () => {
    const inCookie = await post(
      "/api/v1/accounts",
      `{"platform":"xhs","cookies":[{"name":"a1","value":"x","__proto__":{"admin":true}}]}`,
    );
    expect(inCookie.status).toBe(400);
    expect(inCookie.body.data).toMatchObject({ error: "VALIDATION_FAILED", field: "cookies.0.__proto__" });
    const top = await post("/api/v1/accounts", `{"platform":"xhs","cookies":"a1=x","constructor":{"name":"x"}}`);
    expect([top.status, top.body.message]).toEqual([400, 'unknown field "constructor"']);
  });
});

describe("ReDoS patterns through the API", () => {
  it.each(["(a+)+$", "(a|a)*$", "(a|aa)+$", "(a|b|ab)*c", "(.*?,){30}z"])(
    "include [%s] is stored: RE2 matches it in linear time",
    async (pattern) => {
      const { status, body } = await post(
        "/api/v1/tasks",
        webTask(`,"include":${JSON.stringify([pattern])},"exclude":${JSON.stringify([pattern])}`),
      );
      expect(status).toBe(201);
      expect(body.data.params.include).toEqual([pattern]);
    },
  );

  it.each([
    [
      '["^/ok","^/(?=admin)"]',
      "include.1",
      /^include\.1: must be a valid regular expression in RE2 syntax, which runs in linear time \(no lookarounds or backreferences\): /,
    ],
    ['["(a)\\\\1"]', "include.0", /^include\.0: must be a valid regular expression in RE2 syntax/],
    ['["a{1000}b{1000}c{1000}"]', "include.0", /^include\.0: must compile to at most 2000 instructions \(got 3002\)/],
  ])("include %s is a 400 naming %s", async (list, field, message) => {
    const { status, body } = await post("/api/v1/tasks", webTask(`,"include":${list}`));
    expect(status).toBe(400);
    expect(body.data.field).toBe(field);
    expect(body.message).toMatch(message);
  });

  it("answers 50 costly patterns in each list with one 400 (checking stops at the first)", async () => {
    const monster = Array.from(
      { length: 62 },
      (_, i) => `${"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i]}{1000}`,
    ).join("");
    const list = JSON.stringify(Array.from({ length: 50 }, () => monster));
    const { status, body } = await post("/api/v1/tasks", webTask(`,"include":${list},"exclude":${list}`));
    expect(status).toBe(400);
    expect(body.message).toMatch(/^include\.0: must compile to at most 2000 instructions \(got 62002\)/);
  });
});

describe("what counts as a dependency being unavailable", () => {
  it("an error of our own inside a store call is a plain 500 envelope, not a 503 with a retry hint", async () => {
    // A programming error of the kind the prototype key was: a value the DynamoDB marshaller
    // refuses (here a Date in params) reaches the real store. Before the fix: "tasks table is
    // unavailable (Error)", 503, retry-after.
    const created = await post("/api/v1/tasks", webTask(""));
    const task = created.body.data as Task;
    const store = new DynamoTaskStore(aws.clients.doc, aws.tasksTable);
    const app = middy()
      .use(envelopeErrors())
      .handler(async () => {
        await store.create({
          ...task,
          task_id: "01M8ZZZZZZZZZZZZZZZZZZZZZZ",
          params: { ...task.params, since: new Date() },
        });
        return { statusCode: 201, body: "{}" };
      });
    const response = (await app(httpEvent("POST", "/x"), lambdaContext())) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ code: 500, message: "internal error", data: { error: "INTERNAL" } });
    expect(response.headers["retry-after"]).toBeUndefined();
    expect(response.body).not.toMatch(/Unsupported type|\n\s+at |node_modules/);
  });

  it("classifies real failures: SDK and network errors are unavailable, marshalling and TypeErrors are not", async () => {
    const refused = new DynamoDBClient({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    try {
      await expect(
        callDependency("tasks_table", () => refused.send(new DescribeTableCommand({ TableName: "tasks" }))),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
    } finally {
      refused.destroy();
    }
    // dynalite answers ResourceNotFoundException: an SDK service error.
    await expect(
      callDependency("tasks_table", () =>
        aws.clients.dynamo.send(new DescribeTableCommand({ TableName: "no-such-table" })),
      ),
    ).rejects.toMatchObject({
      name: "DependencyUnavailableError",
      message: "tasks table is unavailable (ResourceNotFoundException)",
    });
    // Thrown in the process before any request: rethrown as they are.
    const marshalling = callDependency("tasks_table", () =>
      aws.clients.doc.send(
        new PutCommand({ TableName: aws.tasksTable, Item: JSON.parse('{"task_id":"x","p":{"constructor":"h1"}}') }),
      ),
    );
    await expect(marshalling).rejects.toThrow(/^Unsupported type passed/);
    await expect(marshalling).rejects.not.toBeInstanceOf(DependencyUnavailableError);
    await expect(
      callDependency("queue", () => Promise.reject(new TypeError("x is not a function"))),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it("envelopeErrors answers a TypeError with a plain 500 and a dependency error with a 503 naming it", async () => {
    const answer = (error: Error) =>
      middy()
        .use(envelopeErrors())
        .handler(async () => {
          throw error;
        })(httpEvent("GET", "/x"), lambdaContext()) as Promise<{
        statusCode: number;
        headers: Record<string, string>;
        body: string;
      }>;
    const typeError = await answer(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect([typeError.statusCode, JSON.parse(typeError.body)]).toEqual([
      500,
      { code: 500, message: "internal error", data: { error: "INTERNAL" } },
    ]);
    expect(typeError.headers["retry-after"]).toBeUndefined();
    const down = await answer(new DependencyUnavailableError("queue", "queue is unavailable (Error)"));
    expect([down.statusCode, JSON.parse(down.body).data, down.headers["retry-after"]]).toEqual([
      503,
      { error: "DEPENDENCY_UNAVAILABLE", dependency: "queue" },
      "5",
    ]);
  });
});
