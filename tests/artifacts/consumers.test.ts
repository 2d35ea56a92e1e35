/**
 * The three functions besides the API and the crawler, each from its artifact in a
 * Lambda-like sandbox, with the events that invoke them on AWS: the dead-letter consumer
 * (the SQS event of a message the task queue gave up on), the webhook consumer (the SQS
 * event of a task event, POSTed signed to a receiver) and the sweeper (EventBridge
 * Scheduler's event, `{}` for a CronV2 without one).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { once } from "node:events";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedFunction, LocalCloud } from "../../build/lambda/cloud.js";
import { verifySignature } from "../../core/webhooks/signature.js";
import { callApi, startCloud, WEBHOOK_SECRET } from "./support.js";

let cloud: LocalCloud;
let api: DeployedFunction;

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  cloud = await startCloud();
  api = await cloud.deploy(cloud.byHandler("api"));
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
}, 300_000);

afterAll(async () => {
  await cloud?.close();
  receiver?.close();
});

async function createTask(extra: object = {}): Promise<string> {
  const created = await callApi(api, "POST", "/api/v1/tasks", {
    body: { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"], ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.data.task_id;
}

const taskOf = async (taskId: string) => (await callApi(api, "GET", `/api/v1/tasks/${taskId}`)).body.data;

describe("dead-letter consumer artifact", () => {
  it("fails the task of a message the task queue gave up on, as DEAD_LETTERED", async () => {
    const deadLetters = await cloud.deploy(cloud.byHandler("dead-letters"));
    const taskId = await createTask();
    // What SQS does after the task queue's maxReceiveCount: the same body, now on the DLQ.
    await cloud.admin.sqs.send(
      new SendMessageCommand({
        QueueUrl: cloud.queueUrl("TaskDeadLetterQueue"),
        MessageBody: JSON.stringify({ task_id: taskId }),
      }),
    );
    const polled = (await cloud.pollQueue(deadLetters))!;
    expect(polled.invocation.error, polled.invocation.logs.join("\n")).toBeUndefined();
    expect(polled.invocation.result).toEqual({ batchItemFailures: [] });
    const task = await taskOf(taskId);
    expect(task.status).toBe("failed");
    expect(task.error.code).toBe("DEAD_LETTERED");
    expect(cloud.denied()).toEqual([]);
  });
});

describe("webhook consumer artifact", () => {
  it("POSTs a task's event to its webhook_url, signed with the WebhookSecret", async () => {
    const webhooks = await cloud.deploy(cloud.byHandler("webhooks"));
    const taskId = await createTask({ webhook_url: receiverUrl });
    const cancelled = await callApi(api, "POST", `/api/v1/tasks/${taskId}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const polled = (await cloud.pollQueue(webhooks))!;
    expect(polled.invocation.error, polled.invocation.logs.join("\n")).toBeUndefined();
    expect(polled.invocation.result).toEqual({ batchItemFailures: [] });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(JSON.parse(delivery!.body)).toMatchObject({
      type: "task.cancelled",
      task: { task_id: taskId, status: "cancelled" },
    });
    expect(verifySignature(WEBHOOK_SECRET, delivery!.body, delivery!.headers["x-signature"] as string)).toBe(true);
    expect(cloud.denied()).toEqual([]);
  });
});

describe("sweeper artifact", () => {
  it("re-queues a task left pending past STALE_PENDING_SECS, on the scheduler's event", async () => {
    const sweeper = await cloud.deploy(cloud.byHandler("sweeper"));
    expect(sweeper.fn.trigger).toMatchObject({ kind: "schedule", schedule: "rate(5 minutes)", event: {} });
    const taskId = await createTask();
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await cloud.admin.doc.send(
      new UpdateCommand({
        TableName: cloud.tableName("Tasks"),
        Key: { task_id: taskId },
        UpdateExpression: "SET updated_at = :t",
        ExpressionAttributeValues: { ":t": tenMinutesAgo },
      }),
    );
    const invocation = await sweeper.invoke<{ requeued: number; expired: number }>(
      sweeper.fn.trigger.kind === "schedule" ? sweeper.fn.trigger.event : {},
    );
    expect(invocation.error, invocation.logs.join("\n")).toBeUndefined();
    expect(invocation.result?.requeued).toBeGreaterThanOrEqual(1);
    expect((await taskOf(taskId)).updated_at > tenMinutesAgo).toBe(true);
    expect(cloud.denied()).toEqual([]);
  });
});
