/**
 * Settings of the one-machine stack, read from the environment once by local/main.ts. The
 * variables, their names and defaults are declared in core/config.ts (scope "local"); this
 * module checks their values.
 * A bad value is a {@link StackConfigError} whose message is the one line main prints.
 */
import { BlockList, isIP } from "node:net";
import { resolve } from "node:path";
import * as z from "zod";
import { ApiKeyConfigError, digestsOfKeys } from "../core/auth/index.js";
import { ENV, type Env, MAX_RETENTION_DAYS, readVariable, VARIABLES, type VariableKey } from "../core/config.js";

export interface StackConfig {
  /** Interface every server binds to. env HOST @default "127.0.0.1" */
  host: string;
  /** API port; 0 picks a free one. env PORT @default 8888 */
  port: number;
  /** DynamoDB-API port. env DYNAMODB_PORT @default PORT + 1 (0 when PORT is 0) */
  dynamoPort: number;
  /** SQS-API port. env SQS_PORT @default PORT + 2 (0 when PORT is 0) */
  sqsPort: number;
  /** Data directory as given; DynamoDB keeps its files in `<dataDir>/dynamodb`. env DATA_DIR @default "./.data" */
  dataDir: string;
  /** Absolute form of {@link dataDir}. */
  dataDirPath: string;
  /** Crawler worker processes. env CRAWL_CONCURRENCY @default 2 */
  crawlConcurrency: number;
  /** The crawler function's timeout; the queue's visibility timeout is 6× this. env CRAWLER_TIMEOUT_SECS @default 300 */
  crawlerTimeoutSecs: number;
  /**
   * The workers' watchdog: a worker process whose event loop sent no heartbeat for this long
   * (it sends one every second, busy or not, since crawling is asynchronous) is hung. It is
   * killed with its Chromium and replaced, and its task counts a hung worker; a task that hung
   * two fails with WORKER_HUNG. At most 40: the pool must act while the hung worker still
   * holds its task's lease (60 s, renewed every 15 s). env WORKER_WATCHDOG_SECS @default 30
   */
  workerWatchdogSecs: number;
  /** env TASKS_TABLE @default "tasks" */
  tasksTable: string;
  /** env RESULTS_TABLE @default "results" */
  resultsTable: string;
  /** env TASK_QUEUE_NAME @default "crawl-tasks" */
  queueName: string;
  /** env TASK_DLQ_NAME @default "crawl-tasks-dlq" */
  deadLetterQueueName: string;
  /**
   * Receives before a message moves to the dead-letter queue. local-aws-sqs counts a
   * redelivery after ChangeMessageVisibility twice, so this allows about half as many
   * deliveries; the task record's attempt cap (MAX_ATTEMPTS) is what really stops retries.
   * env MAX_RECEIVE_COUNT @default 10
   */
  maxReceiveCount: number;
  /** Level for the functions' JSON logs (Powertools). env LOG_LEVEL @default "WARN" */
  logLevel: LogLevel;
  /** How often the sweeper queues tasks stuck in `pending` again. env SWEEP_INTERVAL_SECS @default 60 */
  sweepIntervalSecs: number;
  /** A pending task older than this is queued again by the sweeper function. env STALE_PENDING_SECS @default 120 */
  stalePendingSecs: number;
  /** Days a task is kept after it ends, with its results; 0 for good. env RESULT_RETENTION_DAYS @default 0 */
  resultRetentionDays: number;
  /**
   * Hex SHA-256 digests (comma-separated) of the keys in env API_KEY (16–512 characters;
   * several, comma-separated, for rotation). The plain keys are not kept. Undefined: no key
   * is set, the API is open, and HOST must be a loopback address.
   */
  apiKeySha256?: string;
  /**
   * Whether crawls may reach private, loopback and link-local addresses; passed to the workers.
   * env ALLOW_PRIVATE_TARGETS "0" or "1" @default "1" when HOST is a loopback address, else "0"
   */
  allowPrivateTargets: boolean;
  /**
   * `Host` values the API answers besides `127.0.0.1:PORT`, `localhost:PORT` and
   * `[::1]:PORT`: the names people use to reach it with HOST=0.0.0.0 (`name` or
   * `name:port`; without a port, PORT). Any other Host gets 421, so a web page whose name
   * was rebound to this machine cannot use the API. env ALLOWED_HOSTS, comma-separated @default none
   */
  allowedHosts: string[];
}

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting with a bad value; `message` is a complete, printable line. */
export class StackConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "StackConfigError";
  }
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, { error: "must be 1-80 letters, digits, '_', '.' or '-'" });

const port = integer(0, 65535);

function read<T>(env: Env | undefined, key: VariableKey, schema: z.ZodType<T, string>, fallback: T): T {
  const variable = VARIABLES[key].name;
  const raw = readVariable(key, env)?.trim();
  if (raw === undefined || raw === "") return fallback;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const reason = parsed.error.issues[0]?.message ?? "is not valid";
  throw new StackConfigError(variable, `${variable} ${reason} (got "${raw}")`);
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** Whether `host` only listens on this machine: 127.0.0.0/8, ::1 (any spelling, or IPv4-mapped) or "localhost". */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  const family = isIP(host);
  return family !== 0 && loopback.check(host, family === 4 ? "ipv4" : "ipv6");
}

/** API_KEY hashed; its value is never part of a message. */
function readApiKeyDigests(env: Env | undefined): string | undefined {
  const raw = readVariable("apiKey", env)?.trim();
  if (raw === undefined || raw === "") return undefined;
  try {
    return digestsOfKeys(raw);
  } catch (error) {
    if (!(error instanceof ApiKeyConfigError)) throw error;
    throw new StackConfigError(ENV.apiKey, `${ENV.apiKey}: ${error.message} (value not shown)`);
  }
}

/** Reads and checks every setting; throws {@link StackConfigError} on the first bad one. */
export function loadStackConfig(env?: Env, cwd = process.cwd()): StackConfig {
  const host = read(
    env,
    "host",
    z.string().regex(/^[A-Za-z0-9.:-]+$/, { error: "must be a host name or IP address" }),
    VARIABLES.host.default,
  );
  const apiPort = read(env, "port", port, VARIABLES.port.default);
  const next = (offset: number) => (apiPort === 0 ? 0 : apiPort + offset);
  const dynamoPort = read(env, "dynamoPort", port, next(1));
  const sqsPort = read(env, "sqsPort", port, next(2));
  if (dynamoPort > 65535 || sqsPort > 65535) {
    throw new StackConfigError(ENV.port, `PORT ${apiPort} leaves no room for DYNAMODB_PORT and SQS_PORT; set them too`);
  }
  const nonZero = [
    ["PORT", apiPort],
    ["DYNAMODB_PORT", dynamoPort],
    ["SQS_PORT", sqsPort],
  ].filter(([, value]) => value !== 0);
  const clash = nonZero.find(([, value], i) => nonZero.findIndex(([, other]) => other === value) !== i);
  if (clash)
    throw new StackConfigError(
      String(clash[0]),
      `${clash[0]} ${clash[1]} is used twice; PORT, DYNAMODB_PORT and SQS_PORT must differ`,
    );

  const apiKeySha256 = readApiKeyDigests(env);
  const onLoopback = isLoopbackHost(host);
  if (apiKeySha256 === undefined && !onLoopback) {
    throw new StackConfigError(
      ENV.host,
      `HOST ${host} is not a loopback address and API_KEY is not set: set API_KEY so the API requires a key, or use HOST=127.0.0.1`,
    );
  }
  const allowPrivateTargets =
    read(env, "allowPrivateTargets", z.enum(["0", "1"], { error: 'must be "0" or "1"' }), onLoopback ? "1" : "0") ===
    "1";

  const hostEntry = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, {
    error: "must be comma-separated host names or IP addresses, each with an optional :port",
  });
  const allowedHosts = read(
    env,
    "allowedHosts",
    z
      .string()
      .transform((raw) =>
        raw
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .pipe(z.array(hostEntry)),
    [],
  )
    // Without a port, an entry means the API's port (local/gateway.ts adds it once the port is known).
    .map((entry) => entry.toLowerCase());
  const dataDir = read(env, "dataDir", z.string(), VARIABLES.dataDir.default);
  const upperLogLevel = z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }));
  return {
    host,
    port: apiPort,
    dynamoPort,
    sqsPort,
    dataDir,
    dataDirPath: resolve(cwd, dataDir),
    crawlConcurrency: read(env, "crawlConcurrency", integer(0, 64), VARIABLES.crawlConcurrency.default),
    crawlerTimeoutSecs: read(env, "crawlerTimeoutSecs", integer(10, 900), VARIABLES.crawlerTimeoutSecs.default),
    workerWatchdogSecs: read(env, "workerWatchdogSecs", integer(2, 40), VARIABLES.workerWatchdogSecs.default),
    tasksTable: read(env, "tasksTable", name, VARIABLES.tasksTable.default),
    resultsTable: read(env, "resultsTable", name, VARIABLES.resultsTable.default),
    queueName: read(env, "taskQueueName", name, VARIABLES.taskQueueName.default),
    deadLetterQueueName: read(env, "deadLetterQueueName", name, VARIABLES.deadLetterQueueName.default),
    maxReceiveCount: read(env, "maxReceiveCount", integer(1, 1000), VARIABLES.maxReceiveCount.default),
    logLevel: read(env, "logLevel", upperLogLevel, VARIABLES.logLevel.default),
    sweepIntervalSecs: read(env, "sweepIntervalSecs", integer(1, 86_400), VARIABLES.sweepIntervalSecs.default),
    stalePendingSecs: read(env, "stalePendingSecs", integer(1, 86_400), VARIABLES.stalePendingSecs.localDefault),
    resultRetentionDays: read(
      env,
      "resultRetentionDays",
      integer(0, MAX_RETENTION_DAYS),
      VARIABLES.resultRetentionDays.default,
    ),
    ...(apiKeySha256 === undefined ? {} : { apiKeySha256 }),
    allowPrivateTargets,
    allowedHosts,
  };
}
