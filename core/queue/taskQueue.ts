import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { callDependency } from "../aws/dependency.js";

/** The message a crawl is started by. It names the task; everything else is read from the table. */
export interface CrawlMessage {
  task_id: string;
}

/**
 * The message a sign-in by QR code is run by (core/accounts/qrLogin.ts): the crawler function
 * consumes both kinds, told apart by their one field, so task messages keep their shape.
 */
export interface LoginMessage {
  login_session_id: string;
}

export type QueueMessage = CrawlMessage | LoginMessage;

export interface TaskQueue {
  send(message: QueueMessage, options?: { delaySecs?: number }): Promise<void>;
  ping(): Promise<void>;
}

export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: QueueMessage, options: { delaySecs?: number } = {}): Promise<void> {
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

/** What a message body asks the crawler function for; undefined for a body that is neither kind. */
export function parseQueueMessage(
  body: string,
): { kind: "crawl"; message: CrawlMessage } | { kind: "login"; message: LoginMessage } | undefined {
  const crawl = parseCrawlMessage(body);
  if (crawl !== undefined) return { kind: "crawl", message: crawl };
  try {
    const parsed: unknown = JSON.parse(body);
    const sessionId = (parsed as Partial<LoginMessage> | null)?.login_session_id;
    if (typeof sessionId === "string" && sessionId.length > 0 && sessionId.length <= 64)
      return { kind: "login", message: { login_session_id: sessionId } };
  } catch {
    // fall through
  }
  return undefined;
}
