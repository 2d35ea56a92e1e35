/**
 * A request that runs out of time: the API answers 504 in the envelope a second before its
 * function's time limit (middy's early timeout), instead of leaving the caller to API
 * Gateway's bare 503 once Lambda has ended the function. The tasks table here is a TCP
 * server that takes connections and never answers, as a table that hangs would.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let silent: Server;
const held: Socket[] = [];
let handler: typeof import("../../functions/api/handler.js").handler;

beforeAll(async () => {
  aws = await startTestAws();
  silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await aws?.close();
});

describe("a request that runs out of time", () => {
  it("answers 504 TIMEOUT in the envelope, with retry-after, a second before the function's limit", async () => {
    const started = Date.now();
    const response = await handler(httpEvent("GET", "/api/v1/tasks/01M8HTGMT0PZCB39H6NHNGWHHM"), lambdaContext(2_500));
    const took = Date.now() - started;

    expect(response.statusCode).toBe(504);
    expect(response.headers?.["retry-after"]).toBe("5");
    expect(JSON.parse(response.body ?? "")).toEqual({
      code: 504,
      message: expect.stringMatching(
        /^the API ran out of time before answering; the request may still have taken effect/,
      ),
      data: { error: "TIMEOUT" },
    });
    // About 2.5 s less the 1 s kept back: well before Lambda would have ended the invocation.
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(2_500);
  });
});
