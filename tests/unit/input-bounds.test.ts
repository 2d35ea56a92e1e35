/**
 * Every string and list a request can carry is bounded, and the 400 names the field and the
 * bound. Names the caller chose are echoed cut short.
 */
import middy from "@middy/core";
import { describe, expect, it } from "vitest";
import { envelopeErrors } from "../../functions/api/middleware/envelopeErrors.js";
import { jsonBody, type JsonEvent } from "../../functions/api/middleware/jsonBody.js";
import { httpEvent, lambdaContext } from "../support/events.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import { TaskService, type TaskServiceDeps } from "../../core/tasks/index.js";
import { refusal, refusalMessage } from "../support/validation.js";

const base = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] };
const many = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);

const messageFor = (body: unknown) => refusalMessage(webTaskInput, body);

describe("web task bounds", () => {
  it.each([
    [
      { urls: many(101, "https://example.com/") },
      "urls: must contain at most 100 start URLs for a crawl (a detail task takes up to 10000)",
    ],
    [{ urls: [`https://example.com/${"a".repeat(2030)}`] }, "urls.0: must be at most 2048 characters"],
    [{ include: many(51, "a") }, "include: must contain at most 50 patterns"],
    [{ exclude: ["a".repeat(501)] }, "exclude.0: must be at most 500 characters"],
    [{ include: "a" }, "include: must be an array of regular expressions"],
    [{ wait_for: "x".repeat(501) }, "wait_for: must be at most 500 characters"],
    [{ wait_for: 1 }, "wait_for: must be a CSS selector string"],
    [{ selectors: { price: "x".repeat(501) } }, "selectors.price: must be at most 500 characters"],
    [{ selectors: { price: "" } }, "selectors.price: must not be empty"],
    [
      { selectors: Object.fromEntries(many(51, 0).map((_, i) => [`s${i}`, "a"])) },
      "selectors: must have at most 50 selectors (got 51)",
    ],
    [{ selectors: ["a"] }, "selectors: must be an object of {name: CSS selector}"],
    [
      { block_resources: ["image", "media", "font", "stylesheet", "tracker", "image"] },
      "block_resources: must contain at most 5 resource types",
    ],
    [
      { block_resources: ["script"] },
      'block_resources.0: must be one of "image", "media", "font", "stylesheet", "tracker"',
    ],
  ])("%j → %s", (change, message) => {
    expect(messageFor({ ...base, ...change })).toBe(message);
  });

  it("echoes a long unknown or bad key cut to 64 characters, and lists at most 5 unknown keys", () => {
    const long = "k".repeat(10_000);
    const unknown = refusal(webTaskInput, { ...base, [long]: 1 });
    expect(unknown.message).toBe(`unknown field "${"k".repeat(64)}…"`);
    expect(unknown.field).toBe(`${"k".repeat(64)}…`);
    expect(messageFor({ ...base, selectors: { [`a ${long}`]: "x" } })).toMatch(
      /^selectors\.a k{62}…: selector names are/,
    );
    const extra = Object.fromEntries(many(8, 0).map((_, i) => [`x${i}`, 1]));
    expect(messageFor({ ...base, ...extra })).toBe('unknown fields "x0", "x1", "x2", "x3", "x4" and 3 more');
  });
});

describe("query bounds", () => {
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("the store must not be reached")) });
  const service = new TaskService({ tasks: unused, results: unused, queue: unused } as unknown as TaskServiceDeps);

  it("bounds the cursor and refuses unknown parameters, naming them", async () => {
    await expect(service.list({ cursor: "a".repeat(2049) })).rejects.toThrow("cursor: must be at most 2048 characters");
    await expect(service.results("01HZZZZZZZZZZZZZZZZZZZZZZZ", { cursor: "a".repeat(2049) })).rejects.toThrow(
      "cursor: must be at most 2048 characters",
    );
    await expect(service.list({ limit: "1000" })).rejects.toThrow(/^limit: /);
    await expect(service.list({ ["q".repeat(500)]: "1" })).rejects.toThrow(`unknown field "${"q".repeat(64)}…"`);
  });

  it("bounds the Idempotency-Key", async () => {
    for (const key of ["", "x".repeat(256), "ключ", "a b"]) {
      await expect(service.create(base, { idempotencyKey: key })).rejects.toThrow(
        "Idempotency-Key: must be 1–255 visible ASCII characters",
      );
    }
  });
});

describe("JSON bodies", () => {
  const parse = middy<JsonEvent>()
    .use(envelopeErrors())
    .use(jsonBody())
    .handler(async (event) => ({ statusCode: 200, headers: {}, body: JSON.stringify(event.jsonBody) }));
  const send = async (body: string) =>
    (await parse(httpEvent("POST", "/", { body }), lambdaContext())) as { statusCode: number; body: string };

  it("refuses unpaired surrogate escapes in strings and keys, which DynamoDB could not store", async () => {
    for (const body of ['{"wait_for":"\\ud800"}', '{"a":["x\\udc00y"]}', '{"\\udbff":1}']) {
      const response = await send(body);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).message).toBe(
        "body: has a string that is not valid Unicode (an unpaired surrogate escape)",
      );
    }
  });

  it("keeps well-formed text, escaped pairs included", async () => {
    const response = await send('{"a":"\\ud83d\\ude00 é 中"}');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ a: "😀 é 中" });
  });
});
