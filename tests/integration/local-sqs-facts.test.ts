/**
 * Pins the local-aws-sqs 2.0.2 behaviours the one-machine stack works around, so an
 * upgrade that changes them is noticed (see local/worker.ts):
 * - a long poll asking for more than one message waits out WaitTimeSeconds even when a
 *   message arrives early, so workers ask for one message at a time;
 * - ApproximateReceiveCount rises by 2 on a redelivery after ChangeMessageVisibility,
 *   so attempts are counted in the task record, never from SQS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { startTestAws, type TestAws } from "../support/aws.js";

let aws: TestAws;

beforeAll(async () => {
  aws = await startTestAws({ setEnv: false });
});

afterAll(async () => {
  await aws?.close();
});

async function freshQueue(name: string): Promise<string> {
  const created = await aws.clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  return created.QueueUrl!;
}

async function pollWhileSending(queueUrl: string, maxMessages: number): Promise<{ elapsedMs: number; got: number }> {
  const started = Date.now();
  const poll = aws.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: 3 }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  await aws.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" }));
  const result = await poll;
  return { elapsedMs: Date.now() - started, got: result.Messages?.length ?? 0 };
}

describe("local-aws-sqs 2.0.2", () => {
  it("answers a one-message long poll as soon as a message arrives", async () => {
    const { elapsedMs, got } = await pollWhileSending(await freshQueue("facts-one"), 1);
    expect(got).toBe(1);
    expect(elapsedMs).toBeLessThan(2500);
  });

  it("waits out WaitTimeSeconds for a long poll that asks for more than one message", async () => {
    const { elapsedMs, got } = await pollWhileSending(await freshQueue("facts-many"), 10);
    expect(got).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(2900);
  });

  it("counts a redelivery after ChangeMessageVisibility(0) as two receives", async () => {
    const queueUrl = await freshQueue("facts-count");
    await aws.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" }));
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const got = await aws.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 1,
          AttributeNames: ["All"],
        }),
      );
      const message = got.Messages![0]!;
      counts.push(Number(message.Attributes?.ApproximateReceiveCount));
      await aws.clients.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(counts).toEqual([1, 3, 5]);
  });
});
