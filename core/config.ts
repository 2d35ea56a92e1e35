/**
 * Runtime settings, read from the environment once per process.
 * On AWS, infra/ sets these on each function; the one-machine stack sets them for its
 * gateway and workers. The AWS SDK itself honours AWS_ENDPOINT_URL_DYNAMODB and
 * AWS_ENDPOINT_URL_SQS, which is how the same code talks to the embedded servers.
 */
export interface AppConfig {
  /** DynamoDB table holding tasks. env TASKS_TABLE @default "tasks" */
  tasksTable: string;
  /** DynamoDB table holding result items. env RESULTS_TABLE @default "results" */
  resultsTable: string;
  /** URL of the SQS queue crawl messages go to. env TASK_QUEUE_URL (required to create tasks) */
  taskQueueUrl: string;
  /** Tasks stop being retried after this many attempts. env MAX_ATTEMPTS @default 3 */
  maxAttempts: number;
}

export const ENV = {
  tasksTable: "TASKS_TABLE",
  resultsTable: "RESULTS_TABLE",
  taskQueueUrl: "TASK_QUEUE_URL",
  maxAttempts: "MAX_ATTEMPTS",
} as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const maxAttempts = Number(env[ENV.maxAttempts] ?? 3);
  return {
    tasksTable: env[ENV.tasksTable] || "tasks",
    resultsTable: env[ENV.resultsTable] || "results",
    taskQueueUrl: env[ENV.taskQueueUrl] || "",
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 3,
  };
}
