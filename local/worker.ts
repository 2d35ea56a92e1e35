/**
 * The local SQS event source mapping: polls the queue one message at a time, hands each
 * message to the crawler handler as a one-record SQSEvent, and honours the handler's
 * batchItemFailures — delete on success, make visible again after a short back-off on
 * failure.
 *
 * Two facts about local-aws-sqs 2.0.2 shape this loop: a long poll asking for more than
 * one message waits out WaitTimeSeconds even when one arrives earlier (so we ask for one),
 * and ApproximateReceiveCount rises by 2 on each redelivery after ChangeMessageVisibility
 * (so the back-off counts failures itself; attempts proper live in the task record).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { localAwsRegion } from "../core/config.js";
import { createLambdaContext, queueArnFromUrl, toSqsRecord } from "./lambda.js";

/** The crawler function, as Lambda would call it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface WorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsHandler;
  /** The function's timeout, as the fake context's getRemainingTimeInMillis sees it. */
  timeoutMs: number;
  /** @default "crawler" */
  functionName?: string;
  /** Long-poll length. @default 5 */
  waitTimeSecs?: number;
  /** A failed message becomes visible again after this × its failures so far. @default 5 */
  retryDelaySecs?: number;
  /** Upper bound of that back-off. @default 60 */
  maxRetryDelaySecs?: number;
  /** @default env AWS_REGION ?? "us-east-1" */
  region?: string;
  /** Told when the handler is about to get a message. */
  onStart?: (message: { messageId: string; taskId?: string }) => void;
  /** Told about every message handled (for log lines). */
  onOutcome?: (outcome: MessageOutcome) => void;
  /** Where a line about a queue error goes. @default console.error */
  log?: (line: string) => void;
}

export interface MessageOutcome {
  messageId: string;
  /** `task_id` from the body, when it has one. */
  taskId?: string;
  /** "done": handler succeeded, message deleted; "retry": handed back to the queue. */
  result: "done" | "retry";
  durationMs: number;
  /** For "retry": seconds until the message is visible again. */
  retryInSecs?: number;
  /** For "retry" after a throw: the error's message. */
  error?: string;
}

export interface Worker {
  /** Resolves when the loop has stopped after {@link stop}. */
  readonly done: Promise<void>;
  /** The message being handled right now, if any. */
  readonly current: { messageId: string; taskId?: string } | undefined;
  /** Stops polling (an open long poll is aborted); a message being handled is not interrupted. */
  stop(): void;
}

/** Default long-poll length of a worker, in seconds. */
export const POLL_WAIT_SECS = 5;

const defaults = {
  functionName: "crawler",
  waitTimeSecs: POLL_WAIT_SECS,
  retryDelaySecs: 5,
  maxRetryDelaySecs: 60,
  log: (line: string) => console.error(line),
};

function taskIdOf(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? "") as { task_id?: unknown };
    return typeof parsed.task_id === "string" ? parsed.task_id : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export function startWorker(options: WorkerOptions): Worker {
  const settings = { ...defaults, ...options };
  const region = settings.region ?? localAwsRegion();
  const stopping = new AbortController();
  /** Failures seen per message id, for the back-off. */
  const failures = new Map<string, number>();
  let current: Worker["current"];

  async function queueArn(): Promise<string> {
    const answer = await settings.sqs
      .send(new GetQueueAttributesCommand({ QueueUrl: settings.queueUrl, AttributeNames: ["QueueArn"] }))
      .catch(() => undefined);
    return answer?.Attributes?.QueueArn ?? queueArnFromUrl(settings.queueUrl, region);
  }

  async function handle(message: Message, arn: string): Promise<void> {
    const record = toSqsRecord(message, arn, region);
    const taskId = taskIdOf(message.Body);
    current = { messageId: record.messageId, ...(taskId ? { taskId } : {}) };
    settings.onStart?.(current);
    const startedAt = Date.now();
    let failed = false;
    let error: string | undefined;
    try {
      const context = createLambdaContext({
        functionName: settings.functionName,
        timeoutMs: settings.timeoutMs,
        region,
      });
      const response = await settings.handler({ Records: [record] }, context);
      failed = (response?.batchItemFailures ?? []).some((f) => f.itemIdentifier === record.messageId);
    } catch (thrown) {
      // A throwing invocation fails the whole batch, as on Lambda.
      failed = true;
      error = (thrown as Error)?.message ?? String(thrown);
    }
    current = undefined;
    const durationMs = Date.now() - startedAt;
    const base = { messageId: record.messageId, ...(taskId ? { taskId } : {}), durationMs };
    try {
      if (!failed) {
        failures.delete(record.messageId);
        await settings.sqs.send(
          new DeleteMessageCommand({ QueueUrl: settings.queueUrl, ReceiptHandle: record.receiptHandle }),
        );
        settings.onOutcome?.({ ...base, result: "done" });
        return;
      }
      const count = (failures.get(record.messageId) ?? 0) + 1;
      if (failures.size > 10_000) failures.clear();
      failures.set(record.messageId, count);
      const retryInSecs = Math.min(settings.retryDelaySecs * count, settings.maxRetryDelaySecs);
      await settings.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: settings.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: retryInSecs,
        }),
      );
      settings.onOutcome?.({ ...base, result: "retry", retryInSecs, ...(error ? { error } : {}) });
    } catch (queueError) {
      // The message comes back after the queue's visibility timeout anyway.
      settings.log(
        `could not ${failed ? "hand back" : "delete"} message ${record.messageId}: ${(queueError as Error).message}`,
      );
    }
  }

  async function loop(): Promise<void> {
    const arn = await queueArn();
    let failingSince: number | undefined;
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const answer = await settings.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: settings.queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: settings.waitTimeSecs,
            AttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: stopping.signal },
        );
        messages = answer.Messages ?? [];
        failingSince = undefined;
      } catch (error) {
        if (stopping.signal.aborted) break;
        if (failingSince === undefined) {
          failingSince = Date.now();
          settings.log(`cannot receive from the queue: ${(error as Error).message}; retrying`);
        }
        await sleep(1000, stopping.signal);
        continue;
      }
      for (const message of messages) await handle(message, arn);
    }
  }

  const done = loop();
  return {
    done,
    get current() {
      return current;
    },
    stop: () => stopping.abort(),
  };
}
