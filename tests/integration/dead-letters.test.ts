/**
 * A poison message: every delivery of it fails, SQS moves it to the dead-letter queue
 * after maxReceiveCount receives, and the dead-letter consumer fails its task with the
 * reason. Real local SQS (with its redrive policy), real tables, the real consumer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAws, type TestAws } from "../support/aws.js";
import { ensureQueues } from "../../local/resources.js";
import { startWorker, type Worker } from "../../local/worker.js";
import type { TaskService } from "../../core/tasks/index.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";

let aws: TestAws;
let service: TaskService;
const workers: Worker[] = [];

beforeAll(async () => {
  aws = await startTestAws();
  service = buildDependencies({ ...taskParts, ...taskServiceParts }).taskService;
});

afterAll(async () => {
  for (const worker of workers) worker.stop();
  await Promise.all(workers.map((worker) => worker.done));
  await aws?.close();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("dead-letter queue", () => {
  it("fails the task of a message that failed every delivery, naming the reason", async () => {
    const { queueUrl, deadLetterQueueUrl } = await ensureQueues(aws.clients.sqs, {
      queueName: "poison-tasks",
      deadLetterQueueName: "poison-tasks-dlq",
      visibilityTimeoutSecs: 30,
      maxReceiveCount: 3,
    });
    // The task exists and waits; its message will never be handled successfully.
    const { task } = await service.create({ platform: "web", crawler_type: "detail", urls: ["https://example.com/"] });
    const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
    await aws.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ task_id: task.task_id }) }),
    );

    let deliveries = 0;
    workers.push(
      startWorker({
        sqs: aws.clients.sqs,
        queueUrl,
        timeoutMs: 10_000,
        waitTimeSecs: 1,
        retryDelaySecs: 0,
        handler: async (event) => {
          deliveries += event.Records.length;
          return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
        },
        log: () => undefined,
      }),
    );
    const { handler: deadLetters } = await import("../../functions/dead-letters/handler.js");
    workers.push(
      startWorker({
        sqs: aws.clients.sqs,
        queueUrl: deadLetterQueueUrl,
        timeoutMs: 10_000,
        waitTimeSecs: 1,
        handler: deadLetters,
        functionName: "dead-letters",
        log: () => undefined,
      }),
    );

    const failed = await until(
      () => service.get(task.task_id),
      (t) => t.status === "failed",
      30_000,
    );
    expect(deliveries).toBeGreaterThanOrEqual(1);
    expect(failed.error?.code).toBe("DEAD_LETTERED");
    expect(failed.error?.message).toMatch(
      /^its crawl message failed \d+ deliveries and was moved to the dead-letter queue/,
    );
    expect(failed.finished_at).toEqual(expect.any(String));
  });

  it("leaves a finished task alone when a stale copy of its message is dead-lettered", async () => {
    const { task } = await service.create({ platform: "web", crawler_type: "detail", urls: ["https://example.com/"] });
    await service.cancel(task.task_id);
    expect(
      await buildDependencies({ ...taskParts, ...taskServiceParts }).taskMaintenance.failDeadLettered(task.task_id, 5),
    ).toBeUndefined();
    expect((await service.get(task.task_id)).status).toBe("cancelled");
  });
});
