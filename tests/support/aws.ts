/**
 * Real embedded AWS stand-ins for a test file: dynalite and local-aws-sqs on free
 * loopback ports, tables and queues created, and the process env pointed at them
 * so the functions' own client factories talk to them over HTTP.
 */
import { createAwsClients, type AwsClients } from "../../core/aws/clients.js";
import { ensureQueues, ensureTables } from "../../local/resources.js";
import { startDynamoServer, startSqsServer, type RunningServer } from "../../local/servers.js";

export interface TestAws {
  clients: AwsClients;
  dynamo: RunningServer;
  sqs: RunningServer;
  tasksTable: string;
  resultsTable: string;
  politenessTable: string;
  accountsTable: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  close(): Promise<void>;
}

export async function startTestAws(options: { setEnv?: boolean } = {}): Promise<TestAws> {
  process.env.AWS_REGION ??= "us-east-1";
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  const [dynamo, sqs] = await Promise.all([startDynamoServer(), startSqsServer()]);
  const clients = createAwsClients({ dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, maxAttempts: 2 });
  const tasksTable = "tasks";
  const resultsTable = "results";
  const politenessTable = "politeness";
  const accountsTable = "accounts";
  await ensureTables(clients.dynamo, { tasksTable, resultsTable, politenessTable, accountsTable });
  const { queueUrl, deadLetterQueueUrl } = await ensureQueues(clients.sqs, {
    queueName: "crawl-tasks",
    deadLetterQueueName: "crawl-tasks-dlq",
    visibilityTimeoutSecs: 30,
    maxReceiveCount: 10,
  });
  if (options.setEnv !== false) {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
    process.env.TASKS_TABLE = tasksTable;
    process.env.RESULTS_TABLE = resultsTable;
    process.env.POLITENESS_TABLE = politenessTable;
    process.env.ACCOUNTS_TABLE = accountsTable;
    process.env.TASK_QUEUE_URL = queueUrl;
    process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  }
  return {
    clients,
    dynamo,
    sqs,
    tasksTable,
    resultsTable,
    politenessTable,
    accountsTable,
    queueUrl,
    deadLetterQueueUrl,
    close: async () => {
      clients.dynamo.destroy();
      clients.sqs.destroy();
      await Promise.all([dynamo.close(), sqs.close()]);
    },
  };
}
