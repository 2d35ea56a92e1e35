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
  /** DynamoDB table holding the shared per-host limits (core/politeness). env POLITENESS_TABLE @default "politeness" */
  politenessTable: string;
  /**
   * Most fetches at once per host any task may ask for (`host_concurrency` above it is
   * lowered to it). env HOST_MAX_CONCURRENCY, 1–8 @default 8
   */
  hostMaxConcurrency: number;
  /**
   * Least delay between fetch starts per host any task may ask for (`host_delay_ms` below
   * it is raised to it). env HOST_MIN_DELAY_MS, 0–60000 @default 0
   */
  hostMinDelayMs: number;
  /**
   * Whether crawls may reach loopback, private and carrier-grade NAT addresses (local
   * development and tests; see core/net/addressPolicy.ts). env ALLOW_PRIVATE_TARGETS "1" @default false
   */
  allowPrivateTargets: boolean;
  /** DynamoDB table holding stored platform accounts (core/accounts). env ACCOUNTS_TABLE @default "accounts" */
  accountsTable: string;
  /**
   * URL of the SQS queue task events for `webhook_url`s go to (core/webhooks). Empty: no
   * webhook is sent (each task that asked for one says so in a log line). env WEBHOOK_QUEUE_URL
   */
  webhookQueueUrl: string;
  /**
   * A task pending longer than this (stored, its message lost) is queued again by the
   * sweeper. env STALE_PENDING_SECS @default 300 (the one-machine stack sets 120: its sweeper
   * runs every minute, not every 5).
   */
  stalePendingSecs: number;
}

export const ENV = {
  tasksTable: "TASKS_TABLE",
  resultsTable: "RESULTS_TABLE",
  taskQueueUrl: "TASK_QUEUE_URL",
  maxAttempts: "MAX_ATTEMPTS",
  politenessTable: "POLITENESS_TABLE",
  hostMaxConcurrency: "HOST_MAX_CONCURRENCY",
  hostMinDelayMs: "HOST_MIN_DELAY_MS",
  allowPrivateTargets: "ALLOW_PRIVATE_TARGETS",
  accountsTable: "ACCOUNTS_TABLE",
  /**
   * Base64 key(s) of 32 bytes that encrypt account cookies, comma-separated while rotating
   * (core/accounts/crypto.ts). A secret: read where it is used, never part of AppConfig.
   */
  accountsEncryptionKey: "ACCOUNTS_ENCRYPTION_KEY",
  /** Comma-separated upstream proxy URLs media tasks without their own `proxy` take in turn (core/net/proxyPool.ts). */
  proxyPool: "PROXY_POOL",
  webhookQueueUrl: "WEBHOOK_QUEUE_URL",
  stalePendingSecs: "STALE_PENDING_SECS",
  /**
   * The key webhook bodies are signed with (X-Signature, core/webhooks/signature.ts). A
   * secret: only the webhook delivery function reads it, never part of AppConfig.
   */
  webhookSecret: "WEBHOOK_SECRET",
} as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const maxAttempts = Number(env[ENV.maxAttempts] ?? 3);
  return {
    tasksTable: env[ENV.tasksTable] || "tasks",
    resultsTable: env[ENV.resultsTable] || "results",
    taskQueueUrl: env[ENV.taskQueueUrl] || "",
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 3,
    politenessTable: env[ENV.politenessTable] || "politeness",
    hostMaxConcurrency: intBetween(env[ENV.hostMaxConcurrency], 1, 8, 8),
    hostMinDelayMs: intBetween(env[ENV.hostMinDelayMs], 0, 60_000, 0),
    allowPrivateTargets: ["1", "true"].includes(env[ENV.allowPrivateTargets]?.trim().toLowerCase() ?? ""),
    accountsTable: env[ENV.accountsTable] || "accounts",
    webhookQueueUrl: env[ENV.webhookQueueUrl] || "",
    stalePendingSecs: intBetween(env[ENV.stalePendingSecs], 1, 86_400, 300),
  };
}

/** A whole number from the environment, clamped into [min, max]; the fallback when unset or not a number. */
function intBetween(raw: string | undefined, min: number, max: number, fallback: number): number {
  const value = Number(raw === undefined || raw.trim() === "" ? Number.NaN : raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}
