/**
 * `npm start`: the whole pipeline on one machine, with no AWS account.
 *
 *   HTTP ─▶ gateway ─▶ API handler (in-process) ─▶ DynamoDB API (dynalite, on disk)
 *                                              └─▶ SQS API (local-aws-sqs, in memory)
 *   SQS ─▶ worker processes ─▶ crawler handler ─▶ headless Chromium
 *
 * The API port is taken first, so a busy port fails fast with one line and nothing else
 * started; then DATA_DIR is claimed (one stack per directory). Ctrl+C or SIGTERM stops
 * everything within 5 s; work interrupted by it is picked up at the next start
 * (recoverAfterRestart), since the queue itself lives in memory. A worker process that dies
 * is replaced, and the task it was running is queued again.
 */
import { join, relative } from "node:path";
import { createAwsClients } from "../core/aws/clients.js";
import { ENV as APP_ENV, VARIABLES as APP_VARIABLES, loadConfig } from "../core/config.js";
import { API_KEY_SHA256_ENV } from "../core/auth/index.js";
import { loadStackConfig, StackConfigError, type StackConfig } from "./config.js";
import { ensureAccountsKey } from "./accounts-key.js";
import { generateCredentials, writeAwsEnvFile } from "./awsGuard.js";
import { ensureCreatorHashKey } from "./creator-hash-key.js";
import { dashboardFiles, ensureDashboard } from "./dashboard.js";
import { claimDataDir, DataDirInUseError } from "./data-dir.js";
import { apiKeyCheck } from "../functions/api/middleware/apiKey.js";
import { envelope } from "../functions/api/http.js";
import { startGateway, toHttpAnswer, type ApiHandler, type RunningGateway } from "./gateway.js";
import { createLambdaContext } from "./lambda.js";
import { ensureQueues, ensureTables } from "./resources.js";
import { PortInUseError, startDynamoServer, startSqsServer, type RunningServer } from "./servers.js";
import { startWorkerPool, type WorkerPool } from "./worker-pool.js";
import { startWorker, type Worker } from "./worker.js";
import { POLL_WAIT_SECS } from "./worker.js";
import { ensureWebhookSecret } from "./webhook-secret.js";
import { ensureMediaLinkSecret } from "./media-link-secret.js";
import { mediaRoute } from "./mediaRoute.js";
import { FileMediaStore } from "../core/media/fileStore.js";
import { ensureWebhookQueues, startWebhookWorker, WEBHOOK_DLQ_NAME, WEBHOOK_QUEUE_NAME } from "./webhooks.js";

/** Everything must be down by then (tsx watch kills after 5 s). */
const STOP_DEADLINE_MS = 4500;
const WORKER_GRACE_MS = 2500;
const GATEWAY_GRACE_MS = 1000;
/** A worker's invocation is killed this long after the function's timeout (the fake Lambda context's clock starts a moment after the pool's). */
const INVOCATION_KILL_SLACK_MS = 2000;
/** Tasks that ended this long before a start get their lost webhook events sent again. */
const LOST_WEBHOOK_WINDOW_MS = 7 * 24 * 3600 * 1000;

interface Running {
  gateway?: RunningGateway;
  dynamo?: RunningServer;
  sqs?: RunningServer;
  workers?: WorkerPool;
  deadLetters?: Worker;
  webhooks?: Worker;
  sweeper?: NodeJS.Timeout;
  schedules?: { stop(): void };
  releaseDataDir?: () => void;
}

const running: Running = {};
/** Made at each start; the stack's clients sign with them, and DATA_DIR/aws.env holds them for a person's AWS CLI. */
const awsCredentials = generateCredentials();
let stopping = false;

const say = (line: string) => console.log(line);
const fail = (line: string) => console.error(`error: ${line}`);
const label = (name: string) => `✓ ${name.padEnd(14)}`;

/** The environment the functions see: the same variables infra/ sets on AWS, pointed at the local servers. */
function functionEnv(
  config: StackConfig,
  endpoints: { dynamo: string; sqs: string },
  queueUrl: string,
  webhookQueueUrl = "",
): NodeJS.ProcessEnv {
  return {
    [APP_ENV.awsRegion]: APP_VARIABLES.awsRegion.default,
    AWS_DEFAULT_REGION: "us-east-1",
    // This start's own keys: the embedded servers take nothing else (local/awsGuard.ts).
    AWS_ACCESS_KEY_ID: awsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: awsCredentials.secretAccessKey,
    [APP_ENV.dynamoEndpoint]: endpoints.dynamo,
    [APP_ENV.sqsEndpoint]: endpoints.sqs,
    [APP_ENV.tasksTable]: config.tasksTable,
    [APP_ENV.resultsTable]: config.resultsTable,
    [APP_ENV.taskQueueUrl]: queueUrl,
    [APP_ENV.webhookQueueUrl]: webhookQueueUrl,
    [APP_ENV.crawlerTimeoutSecs]: String(config.crawlerTimeoutSecs),
    [APP_ENV.stalePendingSecs]: String(config.stalePendingSecs),
    [APP_ENV.resultRetentionDays]: String(config.resultRetentionDays),
    [APP_ENV.allowPrivateTargets]: config.allowPrivateTargets ? "1" : "0",
  };
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

function portTaken(error: unknown, variable: string): boolean {
  if (!(error instanceof PortInUseError)) return false;
  fail(`port ${error.port} on ${error.host} is already in use — set ${variable} to use another`);
  return true;
}

async function start(config: StackConfig): Promise<void> {
  // Logging level first: the functions' loggers read it when their modules load.
  process.env[APP_ENV.powertoolsLogLevel] = config.logLevel;
  // Only the in-process API handler reads the key digests (per request); workers never get them.
  if (config.apiKeySha256) process.env[API_KEY_SHA256_ENV] = config.apiKeySha256;
  else delete process.env[API_KEY_SHA256_ENV];

  // 1. The API port, before anything else exists. Requests wait for the handler until ready.
  let apiHandler: ApiHandler | undefined;
  // Set once the data directory is claimed; the gateway's media links wait for it.
  let mediaFiles: FileMediaStore | undefined;
  const checkApiKey = apiKeyCheck({ keyDigests: () => config.apiKeySha256 });
  // The dashboard (re)builds, when its sources changed, while the rest starts; its requests wait for it.
  const dashboard = ensureDashboard();
  try {
    running.gateway = await startGateway({
      host: config.host,
      port: config.port,
      staticFiles: dashboardFiles(dashboard),
      signedFiles: mediaRoute(
        () => mediaFiles,
        () => mediaFiles && process.env[APP_ENV.mediaLinkSecret],
      ),
      allowedHosts: config.allowedHosts,
      // The API key, checked from the headers before the gateway reads a body (functions/api's own check, reused).
      authorize: (request) => {
        const refused = checkApiKey(request);
        return (
          refused &&
          toHttpAnswer(envelope(401, refused.message, { error: refused.code }, { "www-authenticate": "Bearer" }))
        );
      },
      handler: async (event, context) =>
        apiHandler
          ? apiHandler(event, context)
          : {
              statusCode: 503,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ code: 503, message: "starting up, try again in a moment", data: null }),
            },
    });
  } catch (error) {
    if (portTaken(error, "PORT")) return exit(1);
    throw error;
  }

  // 2. DynamoDB API, on disk, in a data directory no other stack uses.
  try {
    running.releaseDataDir = claimDataDir(config.dataDirPath);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    fail(
      `DATA_DIR ${displayPath(config.dataDirPath)} is in use by another stack (pid ${error.pid}) — stop it or set DATA_DIR to another directory`,
    );
    return shutdown(1);
  }
  // Stored accounts' cookies stay readable across restarts: the key lives beside the data.
  const accountsKey = ensureAccountsKey(config.dataDirPath);
  process.env[APP_ENV.accountsEncryptionKey] = accountsKey.key;
  // Creator hashes stay stable across restarts the same way (workers inherit the variable).
  const creatorHashKey = ensureCreatorHashKey(config.dataDirPath);
  process.env[APP_ENV.creatorHashSecret] = creatorHashKey.key;
  // The webhook signing key goes to the webhook consumer only, never into an environment.
  const webhookSecret = ensureWebhookSecret(config.dataDirPath);
  delete process.env[APP_ENV.webhookSecret];
  // download_media files: under DATA_DIR/media, links signed with the kept key and served by
  // the gateway (workers and the in-process API inherit the three variables).
  const mediaLinkSecret = ensureMediaLinkSecret(config.dataDirPath);
  const mediaDir = join(config.dataDirPath, "media");
  Object.assign(process.env, {
    [APP_ENV.mediaLinkSecret]: mediaLinkSecret.key,
    [APP_ENV.mediaDir]: mediaDir,
    [APP_ENV.mediaLinkBaseUrl]: running.gateway.url,
  });
  // The stack's own folder, never a bucket: its AWS keys reach only its embedded servers.
  delete process.env[APP_ENV.mediaBucket];
  mediaFiles = new FileMediaStore(mediaDir, mediaLinkSecret.key, () => running.gateway?.url ?? "");
  const dynamoDir = join(config.dataDirPath, "dynamodb");
  try {
    // Loopback only, whatever HOST says, behind the door: signed requests from this stack alone.
    running.dynamo = await startDynamoServer({
      port: config.dynamoPort,
      dataDir: dynamoDir,
      guard: { credentials: awsCredentials, log: fail },
    });
  } catch (error) {
    if (portTaken(error, "DYNAMODB_PORT")) return shutdown(1);
    throw error;
  }
  say(`${label("DynamoDB API")}${running.dynamo.endpoint}  (data in ${displayPath(dynamoDir)})`);

  // 3. SQS API, in memory.
  try {
    running.sqs = await startSqsServer({ port: config.sqsPort, guard: { credentials: awsCredentials, log: fail } });
  } catch (error) {
    if (portTaken(error, "SQS_PORT")) return shutdown(1);
    throw error;
  }
  say(`${label("SQS API")}${running.sqs.endpoint}  (in memory; pending tasks are queued again at start)`);
  const awsEnvFile = writeAwsEnvFile(config.dataDirPath, awsCredentials, {
    dynamo: running.dynamo.endpoint,
    sqs: running.sqs.endpoint,
  });
  say(
    `${label("AWS keys")}${displayPath(awsEnvFile)}  (this start's keys: both servers take only requests signed with them, on loopback)`,
  );
  if (stopping) return;

  // 4. Tables and queues. From here on, this process and its workers talk to the local servers.
  const endpoints = { dynamo: running.dynamo.endpoint, sqs: running.sqs.endpoint };
  Object.assign(process.env, functionEnv(config, endpoints, ""));
  // Local keys only: a developer's real AWS session or profile must not be picked up.
  for (const name of ["AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete process.env[name];
  const clients = createAwsClients({ dynamoEndpoint: running.dynamo.endpoint, sqsEndpoint: running.sqs.endpoint });
  // The politeness table's name comes from the functions' own config (POLITENESS_TABLE, which workers inherit).
  const tables = {
    ...config,
    politenessTable: loadConfig().politenessTable,
    accountsTable: loadConfig().accountsTable,
  };
  const created = await ensureTables(clients.dynamo, tables);
  say(
    `${label("Tables")}${config.tasksTable}, ${config.resultsTable}, ${tables.politenessTable}, ${tables.accountsTable}, ${loadConfig().schedulesTable}  (${created.length > 0 ? `created ${created.join(", ")}` : "found"})`,
  );
  say(
    `${label("Accounts key")}${accountsKey.source === "env" ? "from ACCOUNTS_ENCRYPTION_KEY" : `${displayPath(join(config.dataDirPath, "accounts.key"))}${accountsKey.source === "created" ? " (created)" : ""}`}  (key id ${accountsKey.keyId})`,
  );
  const visibilityTimeoutSecs = 6 * config.crawlerTimeoutSecs;
  const { queueUrl, deadLetterQueueUrl } = await ensureQueues(clients.sqs, { ...config, visibilityTimeoutSecs });
  const webhookQueues = await ensureWebhookQueues(clients.sqs);
  say(
    `${label("Queues")}${config.queueName}, ${config.deadLetterQueueName}, ${WEBHOOK_QUEUE_NAME}, ${WEBHOOK_DLQ_NAME}  (crawl visibility timeout ${visibilityTimeoutSecs} s)`,
  );
  clients.dynamo.destroy();
  clients.sqs.destroy();
  if (stopping) return;

  // 5. The functions' environment, then the functions themselves.
  const env = functionEnv(config, endpoints, queueUrl, webhookQueues.queueUrl);
  Object.assign(process.env, env);
  const [{ handler }, { buildDependencies }, { taskParts }, sweeper, { requeueInterruptedTask, recordHungWorker }] =
    await Promise.all([
      import("../functions/api/handler.js"),
      import("../core/wiring/dependencies.js"),
      import("../core/wiring/tasks.js"),
      import("../functions/sweeper/handler.js"),
      import("./interrupted.js"),
    ]);

  // 6. Recovery: nothing can be running now, and the new queue is empty.
  const maintenance = buildDependencies(taskParts).taskMaintenance;
  const recovered = await maintenance.recoverAfterRestart();
  say(`${label("Recovery")}${recovered.requeued} pending task(s) queued, ${recovered.reset} interrupted task(s) reset`);
  if (stopping) return;

  // 7. The API answers for real.
  apiHandler = handler as ApiHandler;

  // 8. Workers.
  if (config.crawlConcurrency > 0) {
    running.workers = startWorkerPool({
      size: config.crawlConcurrency,
      env: { ...process.env, ...env, [API_KEY_SHA256_ENV]: undefined },
      onTaskInterrupted: (taskId) => {
        requeueInterruptedTask(taskId, { delaySecs: POLL_WAIT_SECS + 1 }).then(
          (queued) => queued && console.error(`task ${taskId} queued again after its worker died`),
          (error: Error) =>
            fail(`could not queue task ${taskId} again: ${error.message}; it resumes at the next start`),
        );
      },
      // The watchdog: a worker whose event loop stopped, or whose invocation outlived the
      // function's timeout (Lambda would end it there), is killed; its task counts a hung worker.
      hangTimeoutMs: config.workerWatchdogSecs * 1000,
      invocationTimeoutMs: config.crawlerTimeoutSecs * 1000 + INVOCATION_KILL_SLACK_MS,
      onTaskHung: (hang) => {
        recordHungWorker(hang, { delaySecs: POLL_WAIT_SECS + 1 }).then(
          (outcome) =>
            outcome !== "unchanged" &&
            console.error(
              `task ${hang.taskId} ${outcome === "failed" ? "failed (WORKER_HUNG): it has hung too many workers" : "queued again after its worker hung"}`,
            ),
          (error: Error) =>
            fail(
              `could not record the hung worker on task ${hang.taskId}: ${error.message}; its lease runs out and the next delivery takes it over`,
            ),
        );
      },
    });
    await running.workers.ready;
    if (stopping) return;
  }
  say(`${label("Workers")}${config.crawlConcurrency} crawler process(es)  (Chromium starts with the first task)`);

  // 9. The sweeper, as the scheduled function runs on AWS; and DynamoDB's TTL, which dynalite lacks.
  const { sweepExpired, expiringTables, sweepOrphanMedia } = await import("./expirySweep.js");
  const sweepClients = createAwsClients({ dynamoEndpoint: endpoints.dynamo });
  running.sweeper = setInterval(() => {
    sweeper.handler().then(
      ({ requeued, expired }) =>
        requeued + expired > 0 &&
        say(`sweeper: ${requeued} stale pending and ${expired} lease-expired task(s) queued again`),
      (error: Error) => fail(`sweeper: ${error.message}`),
    );
    sweepExpired(sweepClients.doc, expiringTables({ ...tables, schedulesTable: loadConfig().schedulesTable })).then(
      async (deleted) => {
        const [tasks, results] = [deleted[tables.tasksTable] ?? 0, deleted[tables.resultsTable] ?? 0];
        if (tasks + results > 0) say(`expiry: ${tasks} task item(s) and ${results} result(s) past their TTL deleted`);
        // A task's media files go with it, as S3's lifecycle rule takes them on AWS.
        const files = mediaFiles && (await sweepOrphanMedia(sweepClients.doc, tables.tasksTable, mediaFiles));
        if (files) say(`expiry: media files of ${files} expired task(s) deleted`);
      },
      (error: Error) => fail(`expiry sweep: ${error.message}`),
    );
  }, config.sweepIntervalSecs * 1000);
  running.sweeper.unref();

  // 9b. The schedules' timer, as EventBridge Scheduler fires them on AWS (local/scheduleTimer.ts).
  const [{ startScheduleTimer }, { handler: scheduleRunner }, { scheduleParts }] = await Promise.all([
    import("./scheduleTimer.js"),
    import("../functions/schedule-runner/handler.js"),
    import("../core/wiring/schedules.js"),
  ]);
  const tickSecs = Math.min(60, Math.max(1, Number(process.env[APP_ENV.scheduleTickSecs]) || 15));
  running.schedules = startScheduleTimer({
    schedules: buildDependencies({ scheduleStore: scheduleParts.scheduleStore }).scheduleStore,
    run: (event) => scheduleRunner(event, createLambdaContext({ functionName: "schedule-runner", timeoutMs: 60_000 })),
    tickMs: tickSecs * 1000,
    onRun: (scheduleId, outcome) =>
      outcome.outcome === "created" && say(`schedule ${scheduleId}: run created task ${outcome.task_id}`),
    onError: (error) => fail(`schedule timer: ${error.message}`),
  });

  // 10. The dead-letter queue's consumer, as on AWS: a message that kept failing fails its task.
  const { handler: deadLetterHandler } = await import("../functions/dead-letters/handler.js");
  running.deadLetters = startWorker({
    sqs: createAwsClients({ sqsEndpoint: endpoints.sqs }).sqs,
    queueUrl: deadLetterQueueUrl,
    handler: deadLetterHandler,
    timeoutMs: 30_000,
    functionName: "dead-letters",
    log: fail,
  });

  // 11. The webhook queue's consumer: POSTs task events to the tasks' webhook_url, signed.
  running.webhooks = await startWebhookWorker({
    sqs: createAwsClients({ sqsEndpoint: endpoints.sqs }).sqs,
    queueUrl: webhookQueues.queueUrl,
    secret: webhookSecret.key,
    log: fail,
  });
  // Events queued or waiting for a retry when the stack last stopped were in the in-memory
  // queue: send them again, in the background (it reads every ended task of the last week).
  const endedSince = new Date(Date.now() - LOST_WEBHOOK_WINDOW_MS).toISOString();
  maintenance.requeueLostWebhookEvents(endedSince).then(
    (queued: number) => queued > 0 && say(`webhooks: ${queued} event(s) lost with the last stop queued again`),
    (error: Error) => fail(`webhooks: could not queue lost events again: ${error.message}`),
  );
  say(
    `${label("Webhooks")}signed with ${webhookSecret.path === undefined ? "WEBHOOK_SECRET" : `the key in ${displayPath(webhookSecret.path)}${webhookSecret.source === "created" ? " (created)" : ""}`}  (X-Signature: sha256=<HMAC of the body>)`,
  );

  say(
    config.apiKeySha256
      ? `${label("API keys")}required: send Authorization: Bearer <key> or x-api-key (API_KEY is set)`
      : `! ${"API keys".padEnd(14)}none: the API is open, on loopback only, because API_KEY is not set`,
  );
  say(
    `${label("Targets")}${config.allowPrivateTargets ? "crawls may reach private and loopback addresses" : "crawls reach public addresses only"}  (ALLOW_PRIVATE_TARGETS=${config.allowPrivateTargets ? 1 : 0})`,
  );
  const dashboardStatus = await dashboard;
  say(
    dashboardStatus.available
      ? `${label("Dashboard")}${running.gateway.url}/  (${dashboardStatus.summary})`
      : `! ${"Dashboard".padEnd(14)}${dashboardStatus.summary}`,
  );
  say(`API ready: ${running.gateway.url}`);
}

function exit(code: number): never {
  process.exit(code);
}

/** Stops in reverse order of start; always ends the process, by `STOP_DEADLINE_MS` at the latest. */
async function shutdown(code: number, reason?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (reason) say(`stopping (${reason})…`);
  setTimeout(() => {
    fail(`could not stop cleanly within ${STOP_DEADLINE_MS / 1000} s; exiting anyway`);
    process.exit(code || 1);
  }, STOP_DEADLINE_MS).unref();
  clearInterval(running.sweeper);
  running.schedules?.stop();
  running.deadLetters?.stop();
  running.webhooks?.stop();
  await Promise.allSettled([
    running.gateway?.close(GATEWAY_GRACE_MS),
    running.workers?.stop(WORKER_GRACE_MS),
    running.deadLetters?.done,
    running.webhooks?.done,
  ]);
  await Promise.allSettled([running.sqs?.close(), running.dynamo?.close()]);
  running.releaseDataDir?.();
  process.exit(code);
}

function main(): void {
  // Everything this process and its workers create (LevelDB files, keys, logs) is the
  // owner's alone: 0600 files, 0700 folders.
  process.umask(0o077);
  let config: StackConfig;
  try {
    config = loadStackConfig();
    // The plain key stays in no environment: only its digest is used, by the API handler.
    delete process.env[APP_ENV.apiKey];
  } catch (error) {
    if (error instanceof StackConfigError) {
      fail(error.message);
      return exit(1);
    }
    throw error;
  }
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void shutdown(0, signal === "SIGINT" ? "Ctrl+C" : signal));
  }
  // A stray rejection in a request is one request's problem (on Lambda, one sandbox's): say so, keep serving.
  process.on("unhandledRejection", (reason) =>
    fail(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`),
  );
  // A thrown exception leaves this process in an unknown state: stop everything cleanly.
  process.on("uncaughtException", (error) => {
    fail(`unexpected error: ${error.message}`);
    void shutdown(1);
  });
  start(config).catch((error: unknown) => {
    if (stopping) return;
    fail(error instanceof Error ? error.message : String(error));
    void shutdown(1);
  });
}

main();
