/**
 * Every environment variable the project reads, in one table, and the typed accessors that
 * read them. On AWS, infra/ sets them on each function (infra/environment.ts takes the names
 * from here); the one-machine stack sets them for its gateway and workers.
 *
 * infra/ imports this module at deploy time, and docs/configuration.md lists the table (a unit
 * test keeps the two in step), so it imports nothing: no Node built-ins, AWS SDK or puppeteer.
 * Accessors read the environment when called, not when this module loads, so tests and the
 * one-machine stack may set a variable before the first use.
 */

/** Where a variable takes effect. */
export type VariableScope =
  /** Read by the functions, on AWS and in the one-machine stack. */
  | "functions"
  /** Read by infra/ when `sst deploy` runs. */
  | "deploy"
  /** Read by the one-machine stack (local/) only. */
  | "local"
  /** Read by a library the functions use (the AWS SDK, Powertools), not by our code. */
  | "library";

/** One variable; its JSDoc comment in {@link VARIABLES} says in one line what it does. */
export interface Variable {
  name: string;
  /** The default as docs/configuration.md shows it; absent when unset means off or none (the doc says which). */
  default?: string | number;
  /** The one-machine stack's own default, when it differs. */
  localDefault?: string | number;
  scope: VariableScope;
  /** A key: read where it is used, never logged, never part of {@link AppConfig}. */
  secret?: true;
}

export const VARIABLES = {
  /** DynamoDB table holding tasks. */
  tasksTable: { name: "TASKS_TABLE", default: "tasks", scope: "functions" },
  /** DynamoDB table holding result items. */
  resultsTable: { name: "RESULTS_TABLE", default: "results", scope: "functions" },
  /** DynamoDB table holding the shared per-host limits and robots.txt (core/politeness). */
  politenessTable: { name: "POLITENESS_TABLE", default: "politeness", scope: "functions" },
  /** DynamoDB table holding stored platform accounts (core/accounts). */
  accountsTable: { name: "ACCOUNTS_TABLE", default: "accounts", scope: "functions" },
  /** DynamoDB table holding schedules (core/schedules). */
  schedulesTable: { name: "SCHEDULES_TABLE", default: "schedules", scope: "functions" },
  /** 60–31622400: the shortest gap between a schedule's runs its expression may ask for, in seconds. */
  scheduleMinIntervalSecs: { name: "SCHEDULE_MIN_INTERVAL_SECS", default: 3600, scope: "functions" },
  /** The EventBridge Scheduler schedule group each schedule is created in; unset: no Scheduler (the one-machine stack's timer fires them). */
  schedulerGroupName: { name: "SCHEDULER_GROUP_NAME", scope: "functions" },
  /** ARN of the schedule runner function Scheduler invokes. */
  schedulerTargetArn: { name: "SCHEDULER_TARGET_ARN", scope: "functions" },
  /** ARN of the role Scheduler assumes to invoke the runner (the API passes it: iam:PassRole). */
  schedulerRoleArn: { name: "SCHEDULER_ROLE_ARN", scope: "functions" },
  /** URL of the SQS queue crawl messages go to; creating tasks needs it. */
  taskQueueUrl: { name: "TASK_QUEUE_URL", scope: "functions" },
  /** `max_attempts` of a task that does not set it, and what a retry adds. */
  maxAttempts: { name: "MAX_ATTEMPTS", default: 3, scope: "functions" },
  /** The crawler's first retry delay after a transient failure, doubled per attempt. */
  retryBaseDelaySecs: { name: "RETRY_BASE_DELAY_SECS", default: 10, scope: "functions" },
  /** 1–8: the most `host_concurrency` a task gets (more is lowered to it). */
  hostMaxConcurrency: { name: "HOST_MAX_CONCURRENCY", default: 8, scope: "functions" },
  /** 0–60000: the least `host_delay_ms` a task gets (less is raised to it). */
  hostMinDelayMs: { name: "HOST_MIN_DELAY_MS", default: 0, scope: "functions" },
  /** `1` or `true`: crawls may reach loopback, private and carrier-grade NAT addresses (core/net/addressPolicy.ts). */
  allowPrivateTargets: {
    name: "ALLOW_PRIVATE_TARGETS",
    default: 0,
    localDefault: "1 when HOST is a loopback address",
    scope: "functions",
  },
  /** 0–100000: tasks one caller (its API key, or its IP address when keys are off) may create per minute through POST /api/v1/tasks, /scrape and retry; 0: no limit. */
  createRateLimit: { name: "CREATE_RATE_LIMIT", default: 600, scope: "functions" },
  /** A task pending longer than this (stored, its message lost) is queued again by the sweeper. */
  stalePendingSecs: {
    name: "STALE_PENDING_SECS",
    default: 300,
    // Its sweeper runs every minute, not every 5.
    localDefault: 120,
    scope: "functions",
  },
  /** 0–3650: days a task is kept after it ends, with its results and URL list (DynamoDB TTL); 0 keeps them for good. */
  resultRetentionDays: { name: "RESULT_RETENTION_DAYS", default: 0, scope: "functions" },
  /** Base64 key(s) of 32 bytes that encrypt account cookies, comma-separated while rotating (core/accounts/crypto.ts). */
  accountsEncryptionKey: { name: "ACCOUNTS_ENCRYPTION_KEY", scope: "functions", secret: true },
  /** At least 16 characters: the key creator ids of media items are hashed with (core/platforms/media/privacy.ts). */
  creatorHashSecret: { name: "CREATOR_HASH_SECRET", scope: "functions", secret: true },
  /** Comma-separated upstream proxy URLs media tasks without their own `proxy` take in turn (core/net/proxyPool.ts). */
  proxyPool: { name: "PROXY_POOL", scope: "functions", secret: true },
  /** 0 or more: multiplies the media platforms' pauses; 0 drops them (the tests use it). */
  mediaDelayScale: { name: "MEDIA_DELAY_SCALE", default: 1, scope: "functions" },
  /** The private S3 bucket media tasks' downloaded files go to (`download_media`, core/media/); infra/media.ts sets it. Unset on AWS: downloads are recorded as failed. */
  mediaBucket: { name: "MEDIA_BUCKET", scope: "functions" },
  /** 1 KiB–1 GiB: the largest media file one download may be; a larger one is not stored. */
  mediaMaxFileBytes: { name: "MEDIA_MAX_FILE_BYTES", default: 52_428_800, scope: "functions" },
  /** 1 KiB–100 GiB: the most bytes of media files one task may store; later files are not stored. */
  mediaMaxTaskBytes: { name: "MEDIA_MAX_TASK_BYTES", default: 1_073_741_824, scope: "functions" },
  /** 60–604800: how long a media file's download link works (S3 presigned URLs last at most 7 days). */
  mediaLinkTtlSecs: { name: "MEDIA_LINK_TTL_SECS", default: 3600, scope: "functions" },
  /** Replaces one base URL of a media platform, e.g. XHS_BASE_URL_WWW (core/platforms/media/baseUrls.ts). */
  platformBaseUrl: { name: "<PLATFORM>_BASE_URL_<KEY>", scope: "functions" },
  /** The Chromium binary crawls start; unset: @sparticuz/chromium's. */
  chromiumPath: { name: "CHROMIUM_PATH", scope: "functions" },
  /** Comma-separated hex SHA-256 digests of the API keys; unset: the API is open. */
  apiKeySha256: { name: "API_KEY_SHA256", scope: "functions" },
  /** URL of the SQS queue task events for `webhook_url`s go to; unset: no webhook is sent. */
  webhookQueueUrl: { name: "WEBHOOK_QUEUE_URL", scope: "functions" },
  /** The key webhook bodies are signed with (X-Signature); only the webhook function reads it. */
  webhookSecret: { name: "WEBHOOK_SECRET", scope: "functions", secret: true },
  /** 100–60000: longest one webhook attempt may take, in ms. */
  webhookTimeoutMs: { name: "WEBHOOK_TIMEOUT_MS", default: 5000, scope: "functions" },
  /** 1–50: attempts per webhook event. */
  webhookMaxAttempts: { name: "WEBHOOK_MAX_ATTEMPTS", default: 8, scope: "functions" },
  /** 1–900: first webhook retry delay, doubled per attempt (at most 900 s). */
  webhookRetryBaseSecs: { name: "WEBHOOK_RETRY_BASE_SECS", default: 10, scope: "functions" },
  /** Level of the functions' JSON logs, read by Powertools (which also takes LOG_LEVEL). */
  powertoolsLogLevel: { name: "POWERTOOLS_LOG_LEVEL", default: "INFO", scope: "library" },
  /** The DynamoDB endpoint, read by the AWS SDK; the stack points it at its server. */
  dynamoEndpoint: { name: "AWS_ENDPOINT_URL_DYNAMODB", scope: "library" },
  /** The EventBridge Scheduler endpoint, read by the AWS SDK (the tests point it at their stand-in). */
  schedulerEndpoint: { name: "AWS_ENDPOINT_URL_SCHEDULER", scope: "library" },
  /** The SQS endpoint, read by the AWS SDK; the stack points it at its server. */
  sqsEndpoint: { name: "AWS_ENDPOINT_URL_SQS", scope: "library" },
  /** 2–1000: crawls at once across the account (the crawl queue's MaximumConcurrency). */
  crawlerMaxConcurrency: { name: "CRAWLER_MAX_CONCURRENCY", default: 20, scope: "deploy" },
  /** 2–1000: webhook batches at once (the webhook queue's MaximumConcurrency). */
  webhookMaxConcurrency: { name: "WEBHOOK_MAX_CONCURRENCY", default: 5, scope: "deploy" },
  /** Interface the API binds to; a loopback address unless API_KEY is set. */
  host: { name: "HOST", default: "127.0.0.1", scope: "local" },
  /** API port; 0 picks free ports for all three servers. */
  port: { name: "PORT", default: 8888, scope: "local" },
  /** Port of the embedded DynamoDB. */
  dynamoPort: { name: "DYNAMODB_PORT", default: "PORT + 1", scope: "local" },
  /** Port of the embedded SQS. */
  sqsPort: { name: "SQS_PORT", default: "PORT + 2", scope: "local" },
  /** DynamoDB files and the generated keys; one stack per directory. */
  dataDir: { name: "DATA_DIR", default: "./.data", scope: "local" },
  /** 0–64: crawler worker processes. */
  crawlConcurrency: { name: "CRAWL_CONCURRENCY", default: 2, scope: "local" },
  /** 10–900: the workers' function timeout; the queue's visibility timeout is 6× this. */
  crawlerTimeoutSecs: { name: "CRAWLER_TIMEOUT_SECS", default: 300, scope: "local" },
  /** 2–40: a worker whose heartbeat stops this long is killed with its Chromium and replaced. */
  workerWatchdogSecs: { name: "WORKER_WATCHDOG_SECS", default: 30, scope: "local" },
  /** Set by the stack on each worker process it forks: its number, for log lines. */
  crawlWorkerId: { name: "CRAWL_WORKER_ID", scope: "local" },
  /** Name of the crawl queue. */
  taskQueueName: { name: "TASK_QUEUE_NAME", default: "crawl-tasks", scope: "local" },
  /** Name of the crawl queue's dead-letter queue. */
  deadLetterQueueName: { name: "TASK_DLQ_NAME", default: "crawl-tasks-dlq", scope: "local" },
  /** Receives before a message moves to the dead-letter queue, whose consumer fails the task. */
  maxReceiveCount: { name: "MAX_RECEIVE_COUNT", default: 10, scope: "local" },
  /** Level of the functions' JSON logs in the stack: TRACE … CRITICAL, SILENT. */
  logLevel: { name: "LOG_LEVEL", default: "WARN", scope: "local" },
  /** 1–60: how often the stack's timer looks for due schedules. */
  scheduleTickSecs: { name: "SCHEDULE_TICK_SECS", default: 15, scope: "local" },
  /** How often the stack runs the sweeper. */
  sweepIntervalSecs: { name: "SWEEP_INTERVAL_SECS", default: 60, scope: "local" },
  /** The key(s) clients must send, comma-separated; only their SHA-256 digests are kept. */
  apiKey: { name: "API_KEY", scope: "local", secret: true },
  /** Set by the stack on its gateway and workers: where media files are kept (`DATA_DIR/media`); MEDIA_BUCKET wins when both are set. */
  mediaDir: { name: "MEDIA_DIR", scope: "local" },
  /** Set by the stack: the gateway's URL its signed media links start with. */
  mediaLinkBaseUrl: { name: "MEDIA_LINK_BASE_URL", scope: "local" },
  /** At least 16 characters: the key the stack's media download links are signed with; unset: kept in `DATA_DIR/media-link.secret`. */
  mediaLinkSecret: { name: "MEDIA_LINK_SECRET", scope: "local", secret: true },
  /** Comma-separated `Host` names the API answers besides 127.0.0.1, localhost and [::1]. */
  allowedHosts: { name: "ALLOWED_HOSTS", scope: "local" },
  /** Region the stack's SDK clients sign for (the embedded servers accept any). */
  awsRegion: { name: "AWS_REGION", default: "us-east-1", scope: "local" },
} as const satisfies Record<string, Variable>;

export type VariableKey = keyof typeof VARIABLES;

/** The names of {@link VARIABLES}, for code that sets or passes them on. */
export const ENV = Object.fromEntries(Object.entries(VARIABLES).map(([key, { name }]) => [key, name])) as {
  readonly [K in VariableKey]: (typeof VARIABLES)[K]["name"];
};

/** An environment: `process.env`, or what a test or the one-machine stack passes. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The variable's value as set, untouched; undefined when unset. */
export function readVariable(key: VariableKey, env: Env = process.env): string | undefined {
  return env[VARIABLES[key].name];
}

/** The region the one-machine stack's clients and servers use. */
export function localAwsRegion(env: Env = process.env): string {
  return readVariable("awsRegion", env) ?? VARIABLES.awsRegion.default;
}

/** Settings of the functions, read from the environment at the call. */
export interface AppConfig {
  tasksTable: string;
  resultsTable: string;
  /** Empty when unset: tasks cannot be created. */
  taskQueueUrl: string;
  maxAttempts: number;
  retryBaseDelaySecs: number;
  politenessTable: string;
  hostMaxConcurrency: number;
  hostMinDelayMs: number;
  allowPrivateTargets: boolean;
  accountsTable: string;
  /** Empty when unset: no webhook is sent (each task that asked for one says so in a log line). */
  webhookQueueUrl: string;
  stalePendingSecs: number;
  /** Task creations per caller per minute; 0: no limit. */
  createRateLimit: number;
  /** 0: tasks and results are kept for good. */
  resultRetentionDays: number;
  schedulesTable: string;
  scheduleMinIntervalSecs: number;
  /** Empty when unset: schedules live in the table only, and the one-machine stack's timer fires them. */
  schedulerGroupName: string;
  schedulerTargetArn: string;
  schedulerRoleArn: string;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const read = (key: VariableKey) => readVariable(key, env);
  const maxAttempts = Number(read("maxAttempts") ?? VARIABLES.maxAttempts.default);
  return {
    tasksTable: read("tasksTable") || VARIABLES.tasksTable.default,
    resultsTable: read("resultsTable") || VARIABLES.resultsTable.default,
    taskQueueUrl: read("taskQueueUrl") || "",
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : VARIABLES.maxAttempts.default,
    retryBaseDelaySecs: Number(read("retryBaseDelaySecs") ?? VARIABLES.retryBaseDelaySecs.default),
    politenessTable: read("politenessTable") || VARIABLES.politenessTable.default,
    hostMaxConcurrency: intBetween(read("hostMaxConcurrency"), 1, 8, VARIABLES.hostMaxConcurrency.default),
    hostMinDelayMs: intBetween(read("hostMinDelayMs"), 0, 60_000, VARIABLES.hostMinDelayMs.default),
    allowPrivateTargets: ["1", "true"].includes(read("allowPrivateTargets")?.trim().toLowerCase() ?? ""),
    accountsTable: read("accountsTable") || VARIABLES.accountsTable.default,
    webhookQueueUrl: read("webhookQueueUrl") || "",
    stalePendingSecs: intBetween(read("stalePendingSecs"), 1, 86_400, VARIABLES.stalePendingSecs.default),
    createRateLimit: intBetween(read("createRateLimit"), 0, 100_000, VARIABLES.createRateLimit.default),
    resultRetentionDays: resultRetentionDaysOf(env),
    schedulesTable: read("schedulesTable") || VARIABLES.schedulesTable.default,
    scheduleMinIntervalSecs: intBetween(
      read("scheduleMinIntervalSecs"),
      60,
      31_622_400,
      VARIABLES.scheduleMinIntervalSecs.default,
    ),
    schedulerGroupName: read("schedulerGroupName") || "",
    schedulerTargetArn: read("schedulerTargetArn") || "",
    schedulerRoleArn: read("schedulerRoleArn") || "",
  };
}

/** The most RESULT_RETENTION_DAYS may be: ten years. */
export const MAX_RETENTION_DAYS = 3650;

/**
 * RESULT_RETENTION_DAYS: 0 (the default: keep for good) or whole days up to {@link MAX_RETENTION_DAYS}.
 * @throws {Error} when it is set to anything else: deleting data on a mistyped value would be worse than not starting.
 */
export function resultRetentionDaysOf(env: Env = process.env): number {
  const { name, default: fallback } = VARIABLES.resultRetentionDays;
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_RETENTION_DAYS)
    throw new Error(
      `${name} must be a whole number of days from 0 (keep for good) to ${MAX_RETENTION_DAYS}, got "${raw}"`,
    );
  return value;
}

/** The webhook delivery function's attempt settings. */
export interface WebhookDeliveryConfig {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseDelaySecs: number;
}

export function loadWebhookDeliveryConfig(env: Env = process.env): WebhookDeliveryConfig {
  return {
    timeoutMs: intBetween(readVariable("webhookTimeoutMs", env), 100, 60_000, VARIABLES.webhookTimeoutMs.default),
    maxAttempts: intBetween(readVariable("webhookMaxAttempts", env), 1, 50, VARIABLES.webhookMaxAttempts.default),
    retryBaseDelaySecs: intBetween(
      readVariable("webhookRetryBaseSecs", env),
      1,
      900,
      VARIABLES.webhookRetryBaseSecs.default,
    ),
  };
}

/** PROXY_POOL's entries, trimmed, empty ones left out. */
export function proxyPoolEntries(env: Env = process.env): string[] {
  return (readVariable("proxyPool", env) ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** MEDIA_DELAY_SCALE when it is a number of 0 or more; undefined otherwise (an invalid value counts as unset). */
export function mediaDelayScale(env: Env = process.env): number | undefined {
  const raw = readVariable("mediaDelayScale", env);
  const scale = Number(raw);
  return raw !== undefined && Number.isFinite(scale) && scale >= 0 ? scale : undefined;
}

/** The media download settings (core/media/): caps and link lifetime. */
export interface MediaConfig {
  /** Empty when unset. */
  bucket: string;
  maxFileBytes: number;
  maxTaskBytes: number;
  linkTtlSecs: number;
}

export function loadMediaConfig(env: Env = process.env): MediaConfig {
  const read = (key: VariableKey) => readVariable(key, env);
  return {
    bucket: read("mediaBucket") || "",
    maxFileBytes: intBetween(read("mediaMaxFileBytes"), 1024, 1_073_741_824, VARIABLES.mediaMaxFileBytes.default),
    maxTaskBytes: intBetween(read("mediaMaxTaskBytes"), 1024, 107_374_182_400, VARIABLES.mediaMaxTaskBytes.default),
    linkTtlSecs: intBetween(read("mediaLinkTtlSecs"), 60, 604_800, VARIABLES.mediaLinkTtlSecs.default),
  };
}

/** One `<PLATFORM>_BASE_URL_<KEY>` override by its full name (core/platforms/media/baseUrls.ts spells it); undefined when unset or empty. */
export function platformBaseUrlOverride(name: string, env: Env = process.env): string | undefined {
  return env[name] || undefined;
}

/**
 * A deploy-time MaximumConcurrency (infra/concurrency.ts): its default when unset.
 * @throws {Error} when it is not a whole number from 2 to 1000.
 */
export function eventSourceConcurrencyOf(
  key: "crawlerMaxConcurrency" | "webhookMaxConcurrency",
  env: Env = process.env,
): number {
  const { name, default: fallback } = VARIABLES[key];
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 2 || value > 1000) {
    throw new Error(
      `${name} must be a whole number from 2 to 1000 (SQS event source MaximumConcurrency), got "${raw}"`,
    );
  }
  return value;
}

/** A whole number from the environment, clamped into [min, max]; the fallback when unset or not a number. */
function intBetween(raw: string | undefined, min: number, max: number, fallback: number): number {
  const value = Number(raw === undefined || raw.trim() === "" ? Number.NaN : raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}
