import { randomUUID } from "node:crypto";
import type { BrowserContext } from "puppeteer-core";
import { RetryableCrawlError, isRetryable, toErrorSummary } from "../errors.js";
import { getCrawler } from "../platforms/crawlers.js";
import type { CrawlContext } from "../platforms/types.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import type { ResultStore } from "../results/store.js";
import type { Task } from "../tasks/model.js";
import type { TaskStore } from "../tasks/store.js";
import type { TaskHostSlots } from "../politeness/index.js";
import type { CheckpointStore } from "./checkpoints.js";
import { LeaseKeeper, type LeaseEnd } from "./lease.js";
import { ResultRecorder } from "./recorder.js";
import type { AccountPool } from "../accounts/pool.js";
import type { ProxyPool } from "../net/proxyPool.js";
import { markAccountAfterFailure, prepareMediaCrawl, type MediaSetup } from "./mediaSetup.js";
import type { WebhookNotifier } from "../webhooks/notifier.js";

/** Where a task's browser context comes from (a warm browser reused across invocations). */
export interface TaskBrowser {
  /** `upstreamProxy`: the task's requests go through that proxy (see core/browser WarmBrowser). */
  newTaskContext(options?: { upstreamProxy?: string }): Promise<BrowserContext>;
}

export interface RunTaskDeps {
  tasks: TaskStore;
  results: ResultStore;
  checkpoints: CheckpointStore;
  /** Continuations and delayed retries are sent here. */
  queue: TaskQueue;
  browser: TaskBrowser;
  /** Per-host concurrency caps and delays shared by every worker; none applied when absent. */
  hostSlots?: TaskHostSlots;
  /** Stored accounts media crawls pick from in turn and mark when a site refuses them (core/accounts). */
  accounts?: AccountPool;
  /** Upstream proxies for media tasks without their own `proxy` (env PROXY_POOL). */
  proxies?: ProxyPool;
  /** Told about each task a run completes or fails (it only queues the webhook event); none told when absent. */
  webhooks?: WebhookNotifier;
  log?: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
}

export interface RunTaskOptions {
  /** Results are written once this many are buffered. @default 25 (one BatchWriteItem) */
  flushEveryItems?: number;
  /** …or once the oldest buffered result is this old, so progress moves in the console. @default 1000 */
  flushEveryMs?: number;
  /**
   * Least time between two checkpoints (one is always saved before a hand-over). With 0, every
   * batch of stored results is checkpointed, so a killed run never fetches a stored page again.
   * @default 0
   */
  checkpointEveryMs?: number;
  /** How long a cancellation check is reused before the table is asked again. @default 500 */
  cancelCheckIntervalMs?: number;
  /** How long a claim holds a running task without a heartbeat. @default 60_000 */
  leaseMs?: number;
  /** How often the lease is renewed. @default 15_000 */
  heartbeatMs?: number;
  /** Time left in this invocation (Lambda's `context.getRemainingTimeInMillis`). No deadline when absent. */
  remainingTimeMs?: () => number;
  /** With this little time left, the run checkpoints and hands over to a new message. @default 20_000 */
  deadlineMarginMs?: number;
  /** First retry delay after a transient failure, doubled per attempt. @default 10 */
  retryBaseDelaySecs?: number;
  /** Longest retry delay (SQS allows 900). @default 900 */
  retryMaxDelaySecs?: number;
  /** Aborts the crawl (worker shutdown). The task is left to its lease. */
  signal?: AbortSignal;
}

const defaults = {
  flushEveryItems: 25,
  flushEveryMs: 1000,
  checkpointEveryMs: 0,
  cancelCheckIntervalMs: 500,
  leaseMs: 60_000,
  heartbeatMs: 15_000,
  deadlineMarginMs: 20_000,
  retryBaseDelaySecs: 10,
  retryMaxDelaySecs: 900,
};

/** What became of one delivery of a task's message. */
export type RunOutcome =
  | { kind: "skipped"; reason: string }
  | { kind: "completed" | "failed" | "cancelled"; task: Task }
  /** Handed over to a new message before the invocation's deadline; resumes from its checkpoint. */
  | { kind: "continued"; task: Task }
  /** A transient failure: back to pending, a new message is due in `delaySecs`. */
  | { kind: "retry_scheduled"; task: Task; delaySecs: number };

/** Why a crawl loop stopped early. */
type StopReason = "deadline" | "time_limit" | "cancelled" | LeaseEnd | "shutdown";

/**
 * Runs one delivery of a task: claim it (at most one crawl per task at a time — a
 * conditional claim plus a lease its heartbeat renews), resume from its checkpoint,
 * crawl with the task's platform, store results in batches, and end the task.
 *
 * Before the invocation's deadline it checkpoints and hands over to a new message; on
 * a transient failure it puts the task back to pending and schedules a delayed retry.
 * Throws {@link RetryableCrawlError} only when it could not do that itself, so the
 * caller reports the record as failed and the queue delivers it again.
 */
export async function runTask(taskId: string, deps: RunTaskDeps, options: RunTaskOptions = {}): Promise<RunOutcome> {
  const settings = { ...defaults, ...options };
  const log = deps.log ?? (() => undefined);
  const task = await deps.tasks.get(taskId);
  if (task === undefined) return { kind: "skipped", reason: "task not found" };

  const now = Date.now();
  const nowIso = new Date(now).toISOString();
  const leaseExpiry = task.lease_expires_at ?? task.updated_at;
  const abandoned = task.status === "running" && leaseExpiry < nowIso;
  if (task.status !== "pending" && !abandoned) return { kind: "skipped", reason: `task is ${task.status}` };
  const guard = abandoned ? { leaseExpiredBefore: nowIso } : {};
  if (abandoned) log("warn", "taking over a task whose lease expired", { task_id: taskId, lease_expires_at: leaseExpiry });
  const continuing = task.status === "pending" && task.handoff === true;

  if (!continuing && task.attempts >= task.max_attempts) {
    const error = abandoned
      ? { code: "WORKER_LOST", message: `the worker of attempt ${task.attempts} stopped renewing its lease` }
      : (task.error ?? { code: "MAX_ATTEMPTS", message: `gave up after ${task.attempts} attempts` });
    const failed = await deps.tasks.transition(task, [task.status], "failed", { finished_at: nowIso, error, lease_owner: undefined, lease_expires_at: undefined }, guard);
    if (failed === undefined) return { kind: "skipped", reason: "task moved meanwhile" };
    await deps.checkpoints.delete(taskId).catch(() => undefined);
    await deps.webhooks?.taskEnded(failed);
    return { kind: "failed", task: failed };
  }

  const owner = randomUUID();
  const claimed = await deps.tasks.transition(
    task,
    [task.status],
    "running",
    {
      incrementAttempts: !continuing,
      ...(continuing && task.started_at ? {} : { started_at: nowIso }),
      finished_at: undefined,
      error: undefined,
      handoff: undefined,
      lease_owner: owner,
      lease_expires_at: LeaseKeeper.expiry(settings.leaseMs, now),
    },
    guard,
  );
  if (claimed === undefined) return { kind: "skipped", reason: "claimed by another delivery" };
  log("info", "task claimed", { task_id: taskId, attempt: claimed.attempts, continuing });

  const checkpoint = await deps.checkpoints.load(taskId);
  const recorder = new ResultRecorder(taskId, owner, deps, settings, checkpoint);
  const stop = new AbortController();
  const stopWith = (reason: StopReason) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  const lease = new LeaseKeeper(deps.tasks, taskId, owner, settings, stopWith);
  const timers = watchLimits(claimed, settings, stopWith);
  const onShutdown = () => stopWith("shutdown");
  options.signal?.addEventListener("abort", onShutdown, { once: true });
  lease.start();

  let context: BrowserContext | undefined;
  let media: MediaSetup = {};
  let lastCancelCheck = 0;
  try {
    const crawler = getCrawler(claimed.platform);
    media = await prepareMediaCrawl(claimed, deps);
    context = await deps.browser.newTaskContext(media.proxy === undefined ? {} : { upstreamProxy: media.proxy });
    const crawlContext: CrawlContext = {
      taskId,
      browser: context,
      signal: stop.signal,
      isCancelled: async () => {
        if (stop.signal.aborted) return true;
        if (Date.now() - lastCancelCheck < settings.cancelCheckIntervalMs) return false;
        lastCancelCheck = Date.now();
        const current = await deps.tasks.get(taskId);
        if (current?.status !== "running" || current.lease_owner !== owner) stopWith(current?.status === "running" ? "lease_lost" : "cancelled");
        return stop.signal.aborted;
      },
      log: (message, fields) => log("info", message, { task_id: taskId, ...fields }),
      ...(checkpoint ? { resumeFrom: checkpoint.cursor } : {}),
      acquireHostSlot: deps.hostSlots?.forTask(claimed),
      ...media,
    };
    for await (const item of crawler.crawl({ crawler_type: claimed.crawler_type, ...claimed.params }, crawlContext)) {
      await recorder.add(item);
      if (recorder.notRunning) stopWith("cancelled");
      if (stop.signal.aborted) break;
    }
    const reason = stop.signal.aborted ? (stop.signal.reason as StopReason) : undefined;
    if (reason === "lease_lost") return { kind: "skipped", reason: "lease taken over by another delivery" };
    await recorder.flush(true);
    return await finish(claimed, owner, reason, recorder, deps);
  } catch (error) {
    await markAccountAfterFailure(deps.accounts, media.account, error, log);
    return await recover(claimed, owner, error, recorder, deps, settings, log);
  } finally {
    lease.stop();
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onShutdown);
    await context?.close().catch(() => undefined);
  }
}

/** Deadline of the invocation and the task's own time limit, as stop reasons. */
function watchLimits(task: Task, settings: typeof defaults & RunTaskOptions, stopWith: (r: StopReason) => void): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  if (settings.remainingTimeMs) {
    // A short invocation keeps at least half its time for crawling, so it cannot hand over in a loop.
    const remaining = settings.remainingTimeMs();
    const untilDeadline = Math.max(0, remaining - Math.min(settings.deadlineMarginMs, remaining / 2));
    timers.push(setTimeout(() => stopWith("deadline"), untilDeadline));
  }
  if (task.max_duration_secs && task.started_at) {
    const untilLimit = Date.parse(task.started_at) + task.max_duration_secs * 1000 - Date.now();
    timers.push(setTimeout(() => stopWith("time_limit"), Math.max(0, untilLimit)));
  }
  for (const timer of timers) timer.unref?.();
  return timers;
}

async function finish(
  claimed: Task,
  owner: string,
  reason: StopReason | undefined,
  recorder: ResultRecorder,
  deps: RunTaskDeps,
): Promise<RunOutcome> {
  const now = new Date().toISOString();
  const held = { leaseOwner: owner };
  const release = { lease_owner: undefined, lease_expires_at: undefined };

  if (reason === "deadline" || reason === "shutdown") {
    // Hand over: the checkpoint is saved; the next delivery resumes without a new attempt.
    const handed = await deps.tasks.transition(claimed, ["running"], "pending", { ...release, handoff: true, incrementContinuations: reason === "deadline", ...recorder.counts() }, held);
    if (handed === undefined) return { kind: "skipped", reason: "task moved while handing over" };
    if (reason === "shutdown") return { kind: "continued", task: handed };
    await deps.queue.send({ task_id: claimed.task_id });
    return { kind: "continued", task: handed };
  }

  if (reason !== "cancelled" && !recorder.notRunning) {
    const ended =
      recorder.succeeded > 0
        ? await deps.tasks.transition(claimed, ["running"], "completed", { ...release, finished_at: now, ...recorder.counts(), ...(reason === "time_limit" ? { stop_reason: "time_limit" } : {}) }, held)
        : await deps.tasks.transition(claimed, ["running"], "failed", { ...release, finished_at: now, error: reason === "time_limit" ? { code: "TIME_LIMIT", message: "the task's max_duration_secs ran out before any page succeeded" } : recorder.noSuccessError(), ...recorder.counts() }, held);
    if (ended) {
      await deps.checkpoints.delete(claimed.task_id).catch(() => undefined);
      await deps.webhooks?.taskEnded(ended);
      return { kind: ended.status as "completed" | "failed", task: ended };
    }
  }
  // Cancelled while running: keep the partial results (and the checkpoint, so a retry resumes).
  // Only while this run still holds the lease: after a retry (which releases it) the task's
  // counts belong to the new attempt, even if it was cancelled again before this run noticed.
  const cancelled = await deps.tasks.transition(claimed, ["cancelled"], "cancelled", { ...release, ...recorder.counts() }, { leaseOwner: owner });
  return cancelled ? { kind: "cancelled", task: cancelled } : { kind: "skipped", reason: "task moved meanwhile" };
}

async function recover(
  claimed: Task,
  owner: string,
  error: unknown,
  recorder: ResultRecorder,
  deps: RunTaskDeps,
  settings: typeof defaults,
  log: NonNullable<RunTaskDeps["log"]>,
): Promise<RunOutcome> {
  await recorder.flush(true).catch(() => undefined);
  const summary = toErrorSummary(error);
  const release = { lease_owner: undefined, lease_expires_at: undefined };
  log("warn", "crawl run failed", { task_id: claimed.task_id, error: summary, attempt: claimed.attempts });
  if (isRetryable(error) && claimed.attempts < claimed.max_attempts) {
    const released = await deps.tasks.transition(claimed, ["running"], "pending", { ...release, error: summary, ...recorder.counts() }, { leaseOwner: owner });
    if (released === undefined) return { kind: "skipped", reason: "task moved while failing" };
    const delaySecs = Math.min(settings.retryMaxDelaySecs, settings.retryBaseDelaySecs * 2 ** (claimed.attempts - 1));
    try {
      await deps.queue.send({ task_id: claimed.task_id }, { delaySecs });
    } catch (sendError) {
      // The task is pending; the queue's own redelivery (or the sweeper) brings it back.
      throw new RetryableCrawlError(summary.code, summary.message, { cause: sendError });
    }
    return { kind: "retry_scheduled", task: released, delaySecs };
  }
  const failed = await deps.tasks.transition(claimed, ["running"], "failed", { ...release, finished_at: new Date().toISOString(), error: summary, ...recorder.counts() }, { leaseOwner: owner });
  if (failed === undefined) return { kind: "skipped", reason: "task moved while failing" };
  await deps.checkpoints.delete(claimed.task_id).catch(() => undefined);
  await deps.webhooks?.taskEnded(failed);
  return { kind: "failed", task: failed };
}
