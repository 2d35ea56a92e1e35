/**
 * Creates the tables and queues the functions expect, if they are missing.
 * The table shapes come from core/aws/tables.ts, the same definitions infra/ is checked against.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ACCOUNTS_TABLE, accountsKeyAttributes, POLITENESS_TABLE, RESULTS_TABLE, TASKS_TABLE, tasksKeyAttributes } from "../core/aws/tables.js";

export interface TableNames {
  tasksTable: string;
  resultsTable: string;
  politenessTable: string;
  accountsTable: string;
}

async function tableExists(dynamo: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === "ResourceNotFoundException") return false;
    throw error;
  }
}

/** Returns the tables it had to create. */
export async function ensureTables(dynamo: DynamoDBClient, names: TableNames): Promise<string[]> {
  const created: string[] = [];
  if (!(await tableExists(dynamo, names.tasksTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.tasksTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: tasksKeyAttributes().map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: [{ AttributeName: TASKS_TABLE.hashKey, KeyType: "HASH" }],
        GlobalSecondaryIndexes: TASKS_TABLE.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: "HASH" },
            { AttributeName: index.rangeKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      }),
    );
    // dynalite does not expire items, but the setting documents intent and matches AWS.
    await dynamo
      .send(
        new UpdateTimeToLiveCommand({
          TableName: names.tasksTable,
          TimeToLiveSpecification: { AttributeName: TASKS_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
    created.push(names.tasksTable);
  }
  if (!(await tableExists(dynamo, names.resultsTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.resultsTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: RESULTS_TABLE.hashKey, AttributeType: "S" },
          { AttributeName: RESULTS_TABLE.rangeKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: RESULTS_TABLE.hashKey, KeyType: "HASH" },
          { AttributeName: RESULTS_TABLE.rangeKey, KeyType: "RANGE" },
        ],
      }),
    );
    created.push(names.resultsTable);
  }
  if (!(await tableExists(dynamo, names.politenessTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.politenessTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: POLITENESS_TABLE.hashKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: POLITENESS_TABLE.hashKey, KeyType: "HASH" }],
      }),
    );
    await dynamo
      .send(
        new UpdateTimeToLiveCommand({
          TableName: names.politenessTable,
          TimeToLiveSpecification: { AttributeName: POLITENESS_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
    created.push(names.politenessTable);
  }
  if (!(await tableExists(dynamo, names.accountsTable))) {
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.accountsTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: accountsKeyAttributes().map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: [{ AttributeName: ACCOUNTS_TABLE.hashKey, KeyType: "HASH" }],
        GlobalSecondaryIndexes: ACCOUNTS_TABLE.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: "HASH" },
            { AttributeName: index.rangeKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      }),
    );
    created.push(names.accountsTable);
  }
  return created;
}

export interface QueueOptions {
  queueName: string;
  deadLetterQueueName: string;
  visibilityTimeoutSecs: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface QueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export async function ensureQueues(sqs: SQSClient, options: QueueOptions): Promise<QueueUrls> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: options.deadLetterQueueName }));
  const deadLetterQueueUrl = dlq.QueueUrl!;
  const dlqAttributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSecs),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: main.QueueUrl!, deadLetterQueueUrl };
}
