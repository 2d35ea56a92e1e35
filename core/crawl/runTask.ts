import { randomUUID } from "node:crypto";
import type { BrowserContext } from "puppeteer-core";
import { NonRetryableCrawlError, RetryableCrawlError, isRetryable, toErrorSummary } from "../errors.js";
import { NO_BROWSER } from "../browser/noBrowser.js";
import { loadCrawler } from "../platforms/crawlers.js";
import type { CrawlContext, RobotsTxtCache } from "../platforms/types.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import type { ResultStore } from "../results/store.js";
import { failForHungWorkers, hungWorkerVerdict, type HungWorkerVerdict } from "../tasks/hung.js";
import type { Task } from "../tasks/model.js";
import type { TaskStore } from "../tasks/store.js";
import { UrlListMissingError, type UrlListRef, type UrlListStore } from "../tasks/urlLists.js";
import type { TaskHostSlots } from "../politeness/index.js";
import type { CheckpointStore } from "./checkpoints.js";
import { LeaseKeeper, type LeaseEnd } from "./lease.js";
import { ResultRecorder } from "./recorder.js";
import { SinceLastRun } from "./sinceLastRun.js";
import type { SeenItemStore } from "../schedules/seen.js";
import type { AccountPool } from "../accounts/pool.js";
import { loadMediaConfig, type MediaConfig } from "../config.js";
import { TaskMediaDownloader } from "../media/download.js";
import type { MediaStore } from "../media/store.js";
import type { ProxyPool } from "../net/proxyPool.js";
import { markAccountAfterFailure, prepareMediaCrawl, type MediaSetup } from "./mediaSetup.js";
import type { WebhookNotifier } from "../webhooks/notifier.js";
import { wantsEvent } from "../webhooks/eventTypes.js";
import { PAGE_EVENT_DEFAULTS, PageEventBatcher, type PageEventOptions } from "../webhooks/pageEvents.js";

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
  /** robots.txt files shared by every worker for a day; each task fetches its own when absent. */
  robotsTxt?: RobotsTxtCache;
  /** Where tasks' long URL lists are kept (core/tasks/urlLists.ts). */
  urlLists?: UrlListStore;
  /** Stored accounts media crawls pick from in turn and mark when a site refuses them (core/accounts). */
  accounts?: AccountPool;
  /** Upstream proxies for media tasks without their own `proxy` (env PROXY_POOL). */
  proxies?: ProxyPool;
  /** Where media tasks with download_media keep their files (core/media/); absent: each file is recorded as not stored. */
  mediaStore?: MediaStore;
  /** Caps of media downloads. @default loadMediaConfig() */
  mediaConfig?: MediaConfig;
  /** The record of what schedules' runs stored (core/schedules/seen.ts); since_last_run is off when absent. */
  seenItems?: SeenItemStore;
  /** Told about each task a run starts, stores pages of, completes or fails (it only queues the webhook events); none told when absent. */
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
  /**
   * How long a stopped crawl (deadline, cancel, time limit, lost lease, shutdown) may take to
   * wind down — close its pages and give its browser context back — before the run stops
   * waiting for it. A page can wedge Chromium so that every DevTools call waits for the
   * protocol timeout (150 s), far past any deadline: past this, the browser counts as hung
   * and is killed, and a deadline stop counts a hung worker on the task (core/tasks/hung.ts).
   * Before a deadline it is cut to half the margin (never under 2 s), so the final writes
   * still fit before the invocation's end. @default 10_000
   */
  windDownMs?: number;
  /** Told once this delivery claimed the task, with its lease owner (the local pool's watchdog uses it). */
  onClaim?: (claim: TaskClaim) => void;
  /** First retry delay after a transient failure, doubled per attempt. @default 10 */
  retryBaseDelaySecs?: number;
  /** Longest retry delay (SQS allows 900). @default 900 */
  retryMaxDelaySecs?: number;
  /** Aborts the crawl (worker shutdown). The task is left to its lease. */
  signal?: AbortSignal;
  /** When a task.page event is due (tasks that asked for them). @default PAGE_EVENT_DEFAULTS */
  pageEvents?: Partial<PageEventOptions>;
}

const defaults = {
  flushEveryItems: 25,
  flushEveryMs: 1000,
  checkpointEveryMs: 0,
  cancelCheckIntervalMs: 500,
  leaseMs: 60_000,
  heartbeatMs: 15_000,
  deadlineMarginMs: 20_000,
  windDownMs: 10_000,
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

/** A delivery's claim of its task. */
export interface TaskClaim {
  taskId: string;
  /** The claim's lease owner: guards every later write of this delivery (and of whoever acts for it). */
  leaseOwner: string;
  attempt: number;
}

/** Why a crawl loop stopped early. */
type StopReason = "deadline" | "time_limit" | "cancelled" | LeaseEnd | "shutdown";

/** Shortest wind-down before a deadline: a healthy browser closes a crawl's pages well within it. */
const MIN_WIND_DOWN_MS = 2_000;

/** What browser work resolves to once the run stopped waiting for it. */
const GAVE_UP = Symbol("gave up");

/** The task's params with a URL list stored apart (`url_list`) read back into `urls`, as the crawler takes them. */
async function withStoredUrls(
  params: Record<string, unknown> & { crawler_type: string },
  urlLists: UrlListStore | undefined,
) {
  const ref = params.url_list as UrlListRef | undefined;
  if (ref === undefined) return params;
  if (urlLists === undefined)
    throw new NonRetryableCrawlError("URL_LIST_UNAVAILABLE", "this worker cannot read stored URL lists");
  const { url_list: _ref, ...rest } = params;
  try {
    return { ...rest, urls: await urlLists.load(ref) };
  } catch (error) {
    if (error instanceof UrlListMissingError) throw new NonRetryableCrawlError("URL_LIST_UNAVAILABLE", error.message);
    throw error; // the table did not answer: transient
  }
}

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
  // Its holder neither ended the task nor renewed the lease: a sandbox killed at its timeout,
  // or a worker whose event loop stopped. It counts as a hung worker, as the local pool's
  // watchdog counts the workers it kills, so a task that kills every worker stops being retried.
  const hung = abandoned
    ? hungWorkerVerdict(
        task,
        `the worker of attempt ${task.attempts} stopped renewing its lease while running the task`,
      )
    : undefined;
  if (abandoned)
    log("warn", "taking over a task whose lease expired", {
      task_id: taskId,
      lease_expires_at: leaseExpiry,
      hung_workers: hung?.hungWorkers,
    });
  if (hung?.fail) {
    const failed = await failForHungWorkers(deps, task, hung, ["running"], guard);
    if (failed === undefined) return { kind: "skipped", reason: "task moved meanwhile" };
    await deps.checkpoints.delete(taskId).catch(() => undefined);
    return { kind: "failed", task: failed };
  }
  const continuing = task.status === "pending" && task.handoff === true;

  if (!continuing && task.attempts >= task.max_attempts) {
    const error = abandoned
      ? { code: "WORKER_LOST", message: `the worker of attempt ${task.attempts} stopped renewing its lease` }
      : (task.error ?? { code: "MAX_ATTEMPTS", message: `gave up after ${task.attempts} attempts` });
    const failed = await deps.tasks.transition(
      task,
      [task.status],
      "failed",
      {
        finished_at: nowIso,
        error,
        lease_owner: undefined,
        lease_expires_at: undefined,
        ...(hung ? { hung_workers: hung.hungWorkers } : {}),
      },
      guard,
    );
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
      // A take-over shows why this attempt exists (the hung worker) until the task ends.
      error: hung?.error,
      handoff: undefined,
      lease_owner: owner,
      lease_expires_at: LeaseKeeper.expiry(settings.leaseMs, now),
      ...(hung ? { hung_workers: hung.hungWorkers } : {}),
    },
    guard,
  );
  if (claimed === undefined) return { kind: "skipped", reason: "claimed by another delivery" };
  log("info", "task claimed", { task_id: taskId, attempt: claimed.attempts, continuing });
  options.onClaim?.({ taskId, leaseOwner: owner, attempt: claimed.attempts });
  // A new attempt, not a hand-over to a new invocation: one task.started per attempt.
  if (!continuing) await deps.webhooks?.taskStarted(claimed);

  const checkpoint = await deps.checkpoints.load(taskId);
  // A web detail task is a batch of pages across hosts: its progress says how each host is doing.
  const countHosts = claimed.platform === "web" && claimed.crawler_type === "detail";
  const webhooks = deps.webhooks;
  const pageEvents =
    webhooks !== undefined && claimed.webhook_url !== undefined && wantsEvent(claimed.webhook_events, "task.page")
      ? {
          batcher: new PageEventBatcher(claimed.webhook_page_seq ?? 0, {
            ...PAGE_EVENT_DEFAULTS,
            ...options.pageEvents,
          }),
          send: (batch: Parameters<WebhookNotifier["pagesStored"]>[1]) => webhooks.pagesStored(claimed, batch),
        }
      : undefined;
  // A schedule's run that asked for only what is new or changed (docs/schedules.md#since_last_run).
  const sinceLastRun =
    claimed.since_last_run === true && claimed.schedule_id !== undefined && deps.seenItems !== undefined
      ? new SinceLastRun(deps.seenItems, claimed.schedule_id, () => recorder.skipUnchanged())
      : undefined;
  const recorder = new ResultRecorder(
    taskId,
    owner,
    deps,
    {
      flushEveryItems: settings.flushEveryItems,
      flushEveryMs: settings.flushEveryMs,
      checkpointEveryMs: settings.checkpointEveryMs,
      countHosts,
      ...(claimed.max_duration_secs === undefined ? {} : { attemptSecs: claimed.max_duration_secs }),
      ...(pageEvents ? { pageEvents } : {}),
      ...(sinceLastRun ? { seen: sinceLastRun } : {}),
    },
    checkpoint,
  );
  const stop = new AbortController();
  const stopWith = (reason: StopReason) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  const lease = new LeaseKeeper(deps.tasks, taskId, owner, settings, stopWith);
  const limits = watchLimits(claimed, settings, stopWith);
  const onShutdown = () => stopWith("shutdown");
  options.signal?.addEventListener("abort", onShutdown, { once: true });
  lease.start();

  // Browser work is awaited until the run was stopped and the wind-down passed, no longer:
  // a wedged Chromium must not hold this invocation past its deadline with the lease held.
  const windDown = windDownAfterStop(stop.signal, limits.windDownMs);
  const untilGivenUp = <T>(work: Promise<T>): Promise<T | typeof GAVE_UP> => Promise.race([work, windDown.expired]);
  let context: BrowserContext | undefined;
  let contextClosed = false;
  /** The run stopped waiting for its browser: it is killed before the run returns. */
  let gaveUp = false;
  let media: MediaSetup = {};
  let lastCancelCheck = 0;
  try {
    const crawler = await loadCrawler(claimed.platform);
    media = await prepareMediaCrawl(claimed, deps);
    const params = await withStoredUrls({ crawler_type: claimed.crawler_type, ...claimed.params }, deps.urlLists);
    // A task that needs no browser never launches or borrows one (web render "never"); one
    // that may need it opens it when it does (web render "auto").
    const use = crawler.browserUse?.(params) ?? "always";
    const openContext = () =>
      deps.browser.newTaskContext(media.proxy === undefined ? {} : { upstreamProxy: media.proxy });
    /** Opens the context, within the wind-down; a late one is given back whenever it comes. */
    const openWithinWindDown = async (): Promise<BrowserContext | typeof GAVE_UP> => {
      const opening = openContext();
      const opened = await untilGivenUp(opening);
      if (opened === GAVE_UP) {
        gaveUp = true;
        // In single-process mode an unclosed context blocks every later task.
        void opening.then(
          (late) => late.close(),
          () => undefined,
        );
      } else context = opened;
      return opened;
    };
    const opened = use === "always" ? await openWithinWindDown() : NO_BROWSER;
    let onDemand: Promise<BrowserContext> | undefined;
    const openBrowser = (): Promise<BrowserContext> =>
      (onDemand ??= openWithinWindDown().then((got) => {
        if (got === GAVE_UP) throw new Error("the run stopped before its browser opened");
        return got;
      }));
    if (opened !== GAVE_UP) {
      const crawlContext: CrawlContext = {
        taskId,
        browser: opened,
        ...(use === "on-demand" ? { openBrowser } : {}),
        signal: stop.signal,
        isCancelled: async () => {
          if (stop.signal.aborted) return true;
          if (Date.now() - lastCancelCheck < settings.cancelCheckIntervalMs) return false;
          lastCancelCheck = Date.now();
          const current = await deps.tasks.get(taskId);
          if (current?.status !== "running" || current.lease_owner !== owner)
            stopWith(current?.status === "running" ? "lease_lost" : "cancelled");
          return stop.signal.aborted;
        },
        log: (message, fields) => log("info", message, { task_id: taskId, ...fields }),
        warn: (example) => {
          recorder.warn(example);
          log("warn", "site drift", { task_id: taskId, warning: example });
        },
        ...(checkpoint ? { resumeFrom: checkpoint.cursor } : {}),
        ...(sinceLastRun ? { sinceLastRun } : {}),
        acquireHostSlot: deps.hostSlots?.forTask(claimed),
        ...(deps.robotsTxt ? { robotsTxt: deps.robotsTxt } : {}),
        ...media,
        ...(claimed.params.download_media === true
          ? {
              media: new TaskMediaDownloader({
                taskId,
                store: deps.mediaStore,
                ...pickCaps(deps.mediaConfig ?? loadMediaConfig()),
                ...(media.proxy ? { proxy: media.proxy } : {}),
                log: (message, fields) => log("warn", message, { task_id: taskId, ...fields }),
              }),
            }
          : {}),
      };
      const items = crawler.crawl(params, crawlContext)[Symbol.asyncIterator]();
      // `for await`, by hand: each step of the crawl is awaited only until the wind-down passed.
      let exhausted = false;
      try {
        for (;;) {
          const next = await untilGivenUp(items.next());
          if (next === GAVE_UP) {
            gaveUp = true;
            break;
          }
          if (next.done) {
            exhausted = true;
            break;
          }
          // Items the crawl did not check itself (web pages, comments, creators): an unchanged one is not stored again.
          const item = next.value;
          const skip =
            sinceLastRun !== undefined &&
            item.contentHash === undefined &&
            item.data.item_type !== "probe" &&
            (await sinceLastRun.unchanged(item));
          if (!skip) await recorder.add(item);
          if (recorder.notRunning) stopWith("cancelled");
          if (stop.signal.aborted) break;
        }
      } finally {
        // As `for await` does on a break or a throw: the crawl closes its pages (within the wind-down).
        if (!exhausted && !gaveUp) {
          const returned = await untilGivenUp(Promise.resolve(items.return?.()).catch(() => undefined));
          if (returned === GAVE_UP) gaveUp = true;
        }
      }
    }
    const reason = stop.signal.aborted ? (stop.signal.reason as StopReason) : undefined;
    if (reason === "lease_lost") return { kind: "skipped", reason: "lease taken over by another delivery" };
    // The context goes back before the task ends, so the outcome knows whether the browser still answers.
    if (context !== undefined && !gaveUp) {
      contextClosed = true;
      if ((await untilGivenUp(context.close().catch(() => undefined))) === GAVE_UP) gaveUp = true;
    }
    await recorder.flush(true);
    // Only a browser that had the crawl and could not let go of it counts (not a slow launch).
    const hungAtDeadline =
      gaveUp && reason === "deadline" && context !== undefined
        ? hungWorkerVerdict(
            claimed,
            `the crawl's browser did not wind down within ${(limits.windDownMs / 1000).toFixed(1)} s of the invocation's deadline and was killed`,
          )
        : undefined;
    return await finish(claimed, owner, reason, recorder, deps, hungAtDeadline);
  } catch (error) {
    await markAccountAfterFailure(deps.accounts, media.account, error, log);
    return await recover(claimed, owner, error, recorder, deps, settings, log);
  } finally {
    lease.stop();
    options.signal?.removeEventListener("abort", onShutdown);
    // Still armed here, the deadline bounds this close too.
    if (
      context !== undefined &&
      !contextClosed &&
      !gaveUp &&
      (await untilGivenUp(context.close().catch(() => undefined))) === GAVE_UP
    )
      gaveUp = true;
    for (const timer of limits.timers) clearTimeout(timer);
    windDown.dispose();
    if (gaveUp) {
      log("warn", "the browser did not wind down the crawl in time; killing it", {
        task_id: taskId,
        wind_down_ms: limits.windDownMs,
      });
      dropBrowser(context);
    }
  }
}

/**
 * `expired` resolves {@link GAVE_UP} once `signal` aborted and `ms` more passed. Until the
 * stop, browser work is awaited as long as it takes (a page has its own timeouts).
 */
function windDownAfterStop(signal: AbortSignal, ms: number): { expired: Promise<typeof GAVE_UP>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let arm: () => void = () => undefined;
  const expired = new Promise<typeof GAVE_UP>((resolve) => {
    arm = () => {
      timer = setTimeout(() => resolve(GAVE_UP), ms);
    };
  });
  if (signal.aborted) arm();
  else signal.addEventListener("abort", arm, { once: true });
  return {
    expired,
    dispose: () => {
      signal.removeEventListener("abort", arm);
      clearTimeout(timer);
    },
  };
}

/**
 * Kills the browser behind a context whose crawl could not wind down: it is wedged (a page
 * stuck in a script blocks every DevTools call in single-process mode) and would hang the
 * next task too. The warm browser relaunches on the next task, as after a crash; the context
 * is given back, which now returns at once. In multi-process mode this also ends other
 * tasks' crawls in that browser, which retry (BROWSER_CRASHED): a browser that cannot close
 * a page for seconds serves none of them.
 */
function dropBrowser(context: BrowserContext | undefined): void {
  if (context === undefined) return;
  try {
    context.browser().process()?.kill("SIGKILL");
  } catch {
    // already gone
  }
  void context.close().catch(() => undefined);
}

/**
 * Deadline of the invocation and the task's own time limit, as stop reasons, and how long a
 * stopped crawl may take to wind down.
 */
function watchLimits(
  task: Task,
  settings: typeof defaults & RunTaskOptions,
  stopWith: (r: StopReason) => void,
): { timers: NodeJS.Timeout[]; windDownMs: number } {
  const timers: NodeJS.Timeout[] = [];
  let windDownMs = settings.windDownMs;
  if (settings.remainingTimeMs) {
    // A short invocation keeps at least half its time for crawling, so it cannot hand over in a loop.
    const remaining = settings.remainingTimeMs();
    const margin = Math.min(settings.deadlineMarginMs, remaining / 2);
    const untilDeadline = Math.max(0, remaining - margin);
    timers.push(setTimeout(() => stopWith("deadline"), untilDeadline));
    // The wind-down leaves the other half of the margin for the final writes (results,
    // checkpoint, status, the next message) and killing a wedged browser.
    windDownMs = Math.min(windDownMs, Math.max(margin / 2, MIN_WIND_DOWN_MS));
  }
  if (task.max_duration_secs && task.started_at) {
    const untilLimit = Date.parse(task.started_at) + task.max_duration_secs * 1000 - Date.now();
    timers.push(setTimeout(() => stopWith("time_limit"), Math.max(0, untilLimit)));
  }
  for (const timer of timers) timer.unref?.();
  return { timers, windDownMs };
}

/** `hung`: the crawl was given up at the deadline (its browser was wedged); counts a hung worker. */
async function finish(
  claimed: Task,
  owner: string,
  reason: StopReason | undefined,
  recorder: ResultRecorder,
  deps: RunTaskDeps,
  hung?: HungWorkerVerdict,
): Promise<RunOutcome> {
  const now = new Date().toISOString();
  const held = { leaseOwner: owner };
  const release = { lease_owner: undefined, lease_expires_at: undefined };

  if (hung?.fail) {
    const failed = await failForHungWorkers(deps, claimed, hung, ["running"], held, recorder.counts());
    if (failed === undefined) return { kind: "skipped", reason: "task moved while failing" };
    await deps.checkpoints.delete(claimed.task_id).catch(() => undefined);
    return { kind: "failed", task: failed };
  }

  if (reason === "deadline" || reason === "shutdown") {
    // Hand over: the checkpoint is saved; the next delivery resumes without a new attempt.
    const hungChanges = hung ? { hung_workers: hung.hungWorkers, error: hung.error } : {};
    const handed = await deps.tasks.transition(
      claimed,
      ["running"],
      "pending",
      {
        ...release,
        handoff: true,
        incrementContinuations: reason === "deadline",
        ...recorder.counts(),
        ...hungChanges,
      },
      held,
    );
    if (handed === undefined) return { kind: "skipped", reason: "task moved while handing over" };
    if (reason === "shutdown") return { kind: "continued", task: handed };
    await deps.queue.send({ task_id: claimed.task_id });
    return { kind: "continued", task: handed };
  }

  if (reason !== "cancelled" && !recorder.notRunning) {
    // A scheduled run that found only what earlier runs stored unchanged did its job.
    const ended =
      recorder.succeeded > 0 || recorder.unchanged > 0
        ? await deps.tasks.transition(
            claimed,
            ["running"],
            "completed",
            {
              ...release,
              finished_at: now,
              error: undefined,
              ...recorder.counts(),
              ...(reason === "time_limit" ? { stop_reason: "time_limit" } : {}),
            },
            held,
          )
        : await deps.tasks.transition(
            claimed,
            ["running"],
            "failed",
            {
              ...release,
              finished_at: now,
              error:
                reason === "time_limit"
                  ? { code: "TIME_LIMIT", message: "the task's max_duration_secs ran out before any page succeeded" }
                  : recorder.noSuccessError(),
              ...recorder.counts(),
            },
            held,
          );
    if (ended) {
      await deps.checkpoints.delete(claimed.task_id).catch(() => undefined);
      await deps.webhooks?.taskEnded(ended);
      return { kind: ended.status as "completed" | "failed", task: ended };
    }
  }
  // Cancelled while running: keep the partial results (and the checkpoint, so a retry resumes).
  // Only while this run still holds the lease: after a retry (which releases it) the task's
  // counts belong to the new attempt, even if it was cancelled again before this run noticed.
  const cancelled = await deps.tasks.transition(
    claimed,
    ["cancelled"],
    "cancelled",
    { ...release, ...recorder.counts() },
    { leaseOwner: owner },
  );
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
    const released = await deps.tasks.transition(
      claimed,
      ["running"],
      "pending",
      { ...release, error: summary, ...recorder.counts() },
      { leaseOwner: owner },
    );
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
  const failed = await deps.tasks.transition(
    claimed,
    ["running"],
    "failed",
    { ...release, finished_at: new Date().toISOString(), error: summary, ...recorder.counts() },
    { leaseOwner: owner },
  );
  if (failed === undefined) return { kind: "skipped", reason: "task moved while failing" };
  await deps.checkpoints.delete(claimed.task_id).catch(() => undefined);
  await deps.webhooks?.taskEnded(failed);
  return { kind: "failed", task: failed };
}

/** The download caps of the media settings. */
function pickCaps(config: MediaConfig): { maxFileBytes: number; maxTaskBytes: number } {
  return { maxFileBytes: config.maxFileBytes, maxTaskBytes: config.maxTaskBytes };
}
