/**
 * A dependency that does not answer: the API says which one with a 503 in the envelope,
 * and a task that was stored but not queued stays pending for the sweeper.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

beforeAll(async () => {
  aws = await startTestAws();
  // The queue's server is gone (the SDK sends to the queue URL's host, so stop the server).
  await aws.sqs.close();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  await aws?.close();
});

async function call(method: string, path: string, body?: object) {
  const response = await handler(httpEvent(method, path, body ? { body } : {}), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? "{}") };
}

describe("queue unavailable", () => {
  it("answers /health with 503 naming the queue", async () => {
    const { status, body } = await call("GET", "/health");
    expect(status).toBe(503);
    expect(body).toEqual({
      code: 503,
      message: "unavailable: queue",
      data: { tasks_table: "ok", queue: "unavailable" },
    });
  });

  it("answers a create with 503, keeps the task pending for the sweeper, and never leaks a stack", async () => {
    const { status, body } = await call("POST", "/api/v1/tasks", {
      platform: "web",
      crawler_type: "detail",
      urls: ["https://example.com/"],
    });
    expect(status).toBe(503);
    expect(body.code).toBe(503);
    expect(body.message).toMatch(
      /^queue is unavailable: task [0-9A-Z]{26} is stored as pending and will be queued again by the sweeper$/,
    );
    expect(body.data).toEqual({ error: "DEPENDENCY_UNAVAILABLE", dependency: "queue" });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    const taskId = /task ([0-9A-Z]{26})/.exec(body.message)![1];
    const stored = await aws.clients.doc.send(new ScanCommand({ TableName: aws.tasksTable }));
    expect(stored.Items?.map((item) => [item.task_id, item.status])).toEqual([[taskId, "pending"]]);
  });
});

describe("table unavailable", () => {
  it("answers reads with 503 naming the tasks table", async () => {
    await aws.dynamo.close();
    const { status, body } = await call("GET", "/api/v1/tasks");
    expect(status).toBe(503);
    expect(body.message).toMatch(/^tasks table is unavailable \(\w+\)$/);
    expect(body.data.dependency).toBe("tasks_table");
    const health = await call("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.body.message).toBe("unavailable: tasks_table, queue");
  });
});
