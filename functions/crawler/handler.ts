import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { WarmBrowser } from "../../core/browser/index.js";
import { runTask, type TaskClaim } from "../../core/crawl/index.js";
import { runQrLogin } from "../../core/accounts/qrLogin.js";
import { parseQueueMessage } from "../../core/queue/taskQueue.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { mediaParts } from "../../core/wiring/media.js";
import { taskParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-worker");

// Module scope survives warm invocations: one Chromium per sandbox, a fresh context per task.
const browser = new WarmBrowser();
const dependencies = buildDependencies({
  ...taskParts,
  ...accountParts,
  ...mediaParts,
  ...crawlerParts(browser, (level, text, fields) => logger[level](text, { ...fields })),
});

let invocation: Context | undefined;
let claimListener: ((claim: TaskClaim) => void) | undefined;

/**
 * Tells `listener` about every task a delivery in this process claims, with its lease owner.
 * The one-machine stack's worker passes it to the pool, whose watchdog then records a hung
 * worker only on the claim that worker made (local/worker-pool.ts). Unused on Lambda.
 */
export function onTaskClaimed(listener: (claim: TaskClaim) => void): void {
  claimListener = listener;
}

async function crawlRecord(record: SQSRecord): Promise<void> {
  const parsed = parseQueueMessage(record.body);
  if (parsed === undefined) {
    // Not ours to retry: redelivering a body we cannot read would only fill the DLQ.
    logger.error("dropping unreadable message", { messageId: record.messageId });
    return;
  }
  if (parsed.kind === "login") return loginRecord(parsed.message.login_session_id);
  const message = parsed.message;
  const context = invocation;
  const outcome = await runTask(message.task_id, dependencies.crawlDeps, {
    // First retry delay after a transient failure (doubled per attempt).
    retryBaseDelaySecs: dependencies.config.retryBaseDelaySecs,
    // Hand over to a new message before Lambda would kill this invocation; a crawl whose
    // browser cannot wind down by then is given up (runTask's windDownMs), so the invocation
    // never reaches its timeout with the lease held while this event loop runs.
    ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
    ...(claimListener ? { onClaim: claimListener } : {}),
  });
  logger.info("delivery done", {
    task_id: message.task_id,
    outcome: outcome.kind,
    ...(outcome.kind === "skipped" ? { reason: outcome.reason } : { status: outcome.task.status }),
  });
}

/** A sign-in by QR code: one session in this invocation, ended before its time limit (core/accounts/qrLogin.ts). */
async function loginRecord(sessionId: string): Promise<void> {
  const context = invocation;
  const outcome = await runQrLogin(
    sessionId,
    {
      sessions: dependencies.loginSessions,
      accounts: dependencies.accountService,
      browser,
      proxies: dependencies.crawlDeps.proxies,
      log: (level, text, fields) => logger[level](text, { ...fields }),
    },
    context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {},
  );
  logger.info("login delivery done", { session_id: sessionId, ...outcome });
}

const processor = new BatchProcessor(EventType.SQS);

/**
 * SQS → one crawl per record, one record at a time (they share the browser).
 * runTask schedules its own retries (a delayed message) and hand-overs; a record is
 * reported in batchItemFailures only when that could not be written (the table or the
 * queue is down), and the queue brings it back after its visibility timeout.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => {
    invocation = context;
    return processPartialResponse(event, crawlRecord, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  });

/** Closes the warm browser (the one-machine stack's workers call this on SIGTERM). */
export async function shutdownCrawler(): Promise<void> {
  await browser.close();
}
