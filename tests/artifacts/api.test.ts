/**
 * The API function's artifact, built as SST builds it, run in a Lambda-like sandbox
 * (build/lambda) against the tables and queues infra/ declares, behind the IAM its role
 * grants, driven with API Gateway HTTP API (payload 2.0) events.
 */
import { PurgeQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedFunction, LocalCloud } from "../../build/lambda/cloud.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { callApi, startCloud } from "./support.js";

let cloud: LocalCloud;
let api: DeployedFunction;

beforeAll(async () => {
  cloud = await startCloud();
  api = await cloud.deploy(cloud.byHandler("api"));
});

afterAll(async () => {
  await cloud?.close();
});

const webTask = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] };

describe("API artifact", () => {
  it("answers /health from a cold start, then warm, with its dependencies reachable under its role", async () => {
    const first = await callApi(api, "GET", "/health", { key: false });
    expect(first.coldStart).toBe(true);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: 0 });
    const second = await callApi(api, "GET", "/health", { key: false });
    expect(second.coldStart).toBe(false);
    expect(cloud.denied()).toEqual([]);
  });

  it("creates a task: stored in the tasks table, its message on the task queue, 201 in the envelope", async () => {
    await cloud.admin.sqs.send(new PurgeQueueCommand({ QueueUrl: cloud.queueUrl("TaskQueue") }));
    const created = await callApi(api, "POST", "/api/v1/tasks", { body: webTask });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 0,
      message: "task created",
      data: { platform: "web", status: "pending" },
    });
    const taskId: string = created.body.data.task_id;
    // The task-creation budget is counted in the politeness table, under the role's one UpdateItem grant.
    expect(created.headers["ratelimit-policy"]).toBe('"create";q=600;w=60');
    expect(created.headers.ratelimit).toMatch(/^"create";r=599;t=\d+$/);

    const got = await cloud.admin.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: cloud.queueUrl("TaskQueue"), WaitTimeSeconds: 1, VisibilityTimeout: 0 }),
    );
    expect(got.Messages?.map((m) => m.Body)).toEqual([JSON.stringify({ task_id: taskId })]);

    const fetched = await callApi(api, "GET", `/api/v1/tasks/${taskId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual(created.body.data);

    const listed = await callApi(api, "GET", "/api/v1/tasks?limit=10");
    expect(listed.status).toBe(200);
    expect(listed.body.data.items.map((t: { task_id: string }) => t.task_id)).toContain(taskId);

    const results = await callApi(api, "GET", `/api/v1/tasks/${taskId}/results`);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ code: 0, data: { items: [] } });
    expect(cloud.denied()).toEqual([]);
  });

  it("cancels and deletes a task with its results, under its role", async () => {
    const taskId: string = (await callApi(api, "POST", "/api/v1/tasks", { body: webTask })).body.data.task_id;
    await new DynamoResultStore(cloud.admin.doc, cloud.tableName("Results")).putMany(taskId, [
      { item_key: "a", ok: true, data: { url: "https://example.com/" } },
    ]);
    expect((await callApi(api, "POST", `/api/v1/tasks/${taskId}/cancel`)).status).toBe(200);
    const deleted = await callApi(api, "DELETE", `/api/v1/tasks/${taskId}`);
    expect([deleted.status, deleted.body.data]).toEqual([200, { task_id: taskId, results_deleted: 1 }]);
    expect((await callApi(api, "GET", `/api/v1/tasks/${taskId}`)).status).toBe(404);
    expect(cloud.denied()).toEqual([]);
  });

  it("refuses bad input with a 4xx envelope naming the field, and a missing key with 401", async () => {
    const bad = await callApi(api, "POST", "/api/v1/tasks", { body: { ...webTask, urls: ["not a url"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(400);
    expect(bad.body.message).toMatch(/urls/);

    const unknown = await callApi(api, "GET", "/api/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(unknown.status).toBe(404);

    const keyless = await callApi(api, "POST", "/api/v1/tasks", { body: webTask, key: false });
    expect(keyless.status).toBe(401);
    expect(keyless.body.code).toBe(401);
  });
});
