import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { callDependency } from "../aws/dependency.js";

/** The message a crawl is started by. It names the task; everything else is read from the table. */
export interface CrawlMessage {
  task_id: string;
}

export interface TaskQueue {
  send(message: CrawlMessage, options?: { delaySecs?: number }): Promise<void>;
  ping(): Promise<void>;
}

export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: CrawlMessage, options: { delaySecs?: number } = {}): Promise<void> {
    await callDependency("queue", () => {
      if (!this.queueUrl) throw new Error("TASK_QUEUE_URL is not set");
      return this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(message),
          ...(options.delaySecs ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(options.delaySecs))) } : {}),
        }),
      );
    });
  }

  async ping(): Promise<void> {
    await callDependency("queue", () => {
      if (!this.queueUrl) throw new Error("TASK_QUEUE_URL is not set");
      return this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }));
    });
  }
}

/** Parses a message body; undefined when it is not a crawl message (a poison message). */
export function parseCrawlMessage(body: string): CrawlMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && typeof (parsed as CrawlMessage).task_id === "string") {
      const taskId = (parsed as CrawlMessage).task_id;
      if (taskId.length > 0 && taskId.length <= 64) return { task_id: taskId };
    }
  } catch {
    // fall through
  }
  return undefined;
}
