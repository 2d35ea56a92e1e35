import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * SDK clients, created once per process and reused across warm invocations.
 * Endpoints come from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SQS), which the one-machine stack points at its embedded servers.
 */
export interface AwsClients {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
}

export interface AwsClientOptions {
  /** Overrides AWS_ENDPOINT_URL_DYNAMODB. */
  dynamoEndpoint?: string;
  /** Overrides AWS_ENDPOINT_URL_SQS. */
  sqsEndpoint?: string;
  /** SDK retry attempts per call. @default 3 */
  maxAttempts?: number;
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const maxAttempts = options.maxAttempts ?? 3;
  const dynamo = new DynamoDBClient({
    maxAttempts,
    ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint } : {}),
  });
  const doc = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const sqs = new SQSClient({
    maxAttempts,
    ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint } : {}),
  });
  return { dynamo, doc, sqs };
}

let shared: AwsClients | undefined;

/** The process-wide clients (module scope survives between warm Lambda invocations). */
export function sharedAwsClients(): AwsClients {
  shared ??= createAwsClients();
  return shared;
}
