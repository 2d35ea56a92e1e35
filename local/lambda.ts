/**
 * What Lambda hands a function, built locally: the invocation Context and the SQS event
 * record, shaped as the Lambda service shapes them so the handlers cannot tell the difference.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "@aws-sdk/client-sqs";
import type { Context, SQSMessageAttributes, SQSRecord } from "aws-lambda";
import { localAwsRegion } from "../core/config.js";

export const LOCAL_ACCOUNT_ID = "000000000000";

export interface LambdaContextOptions {
  functionName: string;
  /** The function's timeout; getRemainingTimeInMillis() counts down from it. */
  timeoutMs: number;
  /** @default 2048 */
  memoryLimitMb?: number;
  /** @default env AWS_REGION ?? "us-east-1" */
  region?: string;
}

/** A fresh Context for one invocation, starting its clock now. */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const region = options.region ?? localAwsRegion();
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  const unsupported = () => {
    throw new Error("callback-style completion is not supported; return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitMb ?? 2048),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** `arn:aws:sqs:<region>:<account>:<name>` from a queue URL `http://host/<account>/<name>`. */
export function queueArnFromUrl(queueUrl: string, region: string): string {
  const [account = LOCAL_ACCOUNT_ID, name = ""] = new URL(queueUrl).pathname.split("/").filter(Boolean);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

function toRecordAttributes(message: Message): SQSRecord["attributes"] {
  const attributes = (message.Attributes ?? {}) as Record<string, string | undefined>;
  const now = String(Date.now());
  return {
    ...(Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<string, string>),
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
    SentTimestamp: attributes.SentTimestamp ?? now,
    SenderId: attributes.SenderId ?? LOCAL_ACCOUNT_ID,
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? now,
  };
}

function toRecordMessageAttributes(message: Message): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
      dataType: value.DataType ?? "String",
    };
  }
  return out;
}

/** The record Lambda's SQS event source mapping builds from a received message. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.MessageId ?? randomUUID(),
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: toRecordAttributes(message),
    messageAttributes: toRecordMessageAttributes(message),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
