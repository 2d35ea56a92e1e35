/**
 * runTask's delivery guarantees against real stores, a real queue and real Chromium:
 * one crawl per task, leases with a heartbeat, hand-over before a deadline with a
 * checkpoint, retries with back-off, exact results across runs, and hung workers (a lease
 * that ran out under its holder, a page that wedges Chromium) counted up to WORKER_HUNG.
 * Every task renders (`render: "always"`): the guarantees are about the browser path, the
 * slowest one and the only one a page can wedge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { QueueWebhookNotifier } from "../../core/webhooks/notifier.js";
import { SqsWebhookQueue } from "../../core/webhooks/queue.js";
import { ensureWebhookQueues } from "../../local/webhooks.js";
import { recordHungWorker } from "../../local/interrupted.js";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { RetryableCrawlError } from "../../core/errors.js";
import type { RunTaskDeps } from "../../core/crawl/index.js";
import type { TaskRef, TaskService } from "../../core/tasks/index.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";

let aws: TestAws;
let site: TestSite;
let service: TaskService;
let crawl: typeof import("../../core/crawl/index.js");
let browser: import("../../core/browser/index.js").WarmBrowser;
let deps: RunTaskDeps;
/** The webhook queue the runs' notifier sends task events to. */
let webhookQueueUrl: string;

/** A page whose script never yields: in single-process Chromium it blocks every tab's DevTools calls. */
const WEDGE_PAGE = { body: "<title>Wedge</title><script>for (;;) {}</script>" };
/** Answers after 3 s: a run is still on it when its lease runs out. */
const SLOW_PAGE = { body: "<title>Slow</title><p>slow</p>", delayMs: 3000 };

/** A wide site: an index linking to `count` pages that each take `delayMs` to answer. */
function wideSite(count: number, delayMs: number) {
  const pages: Record<string, { body: string; delayMs?: number }> = {
    "/": {
      body: `<title>Index</title>${Array.from({ length: count }, (_, i) => `<a href="/p/${i}">p${i}</a>`).join(" ")}`,
    },
  };
  for (let i = 0; i < count; i++) pages[`/p/${i}`] = { body: `<title>Page ${i}</title><p>content ${i}</p>`, delayMs };
  return pages;
}

/** A rendered detail task over `urls`, created through the service (queued like the API's). */
function createDetailTask(urls: string[], fields: Record<string, unknown> = {}) {
  return service.create({ platform: "web", render: "always", crawler_type: "detail", urls, ...fields });
}

/** A rendered crawl of the test site, one link deep. */
function createCrawlTask(fields: Record<string, unknown> = {}) {
  return service.create({
    platform: "web",
    render: "always",
    crawler_type: "crawl",
    urls: [site.url],
    max_depth: 1,
    ...fields,
  });
}

async function drainQueue(): Promise<{ body: string; delaySecs?: number }[]> {
  const bodies: { body: string }[] = [];
  for (;;) {
    const got = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const message = got.Messages?.[0];
    if (!message) return bodies;
    bodies.push({ body: message.Body ?? "" });
    await aws.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  }
}

function hits(path: string): number {
  return site.requests.filter((request) => request === path).length;
}

beforeAll(async () => {
  aws = await startTestAws();
  site = await startTestSite({ ...wideSite(40, 120), "/wedge": WEDGE_PAGE, "/slow": SLOW_PAGE });
  crawl = await import("../../core/crawl/index.js");
  const { WarmBrowser } = await import("../../core/browser/index.js");
  service = buildDependencies({ ...taskParts, ...taskServiceParts }).taskService;
  browser = new WarmBrowser();
  webhookQueueUrl = (await ensureWebhookQueues(aws.clients.sqs)).queueUrl;
  deps = {
    ...buildDependencies({ ...taskParts, ...taskServiceParts, ...accountParts, ...crawlerParts(browser) }).runDeps,
    webhooks: new QueueWebhookNotifier(new SqsWebhookQueue(aws.clients.sqs, webhookQueueUrl)),
  };
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await aws?.close();
});

beforeEach(async () => {
  await drainQueue();
});

describe("one crawl per task", () => {
  it("runs one crawl when the same task is delivered twice at the same moment", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/0"), site.urlFor("/p/1")]);
    const before = hits("/p/1");
    const outcomes = await Promise.all([crawl.runTask(task.task_id, deps), crawl.runTask(task.task_id, deps)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["completed", "skipped"]);
    expect(hits("/p/1") - before).toBe(1);
    expect(await service.get(task.task_id)).toMatchObject({ status: "completed", attempts: 1, result_count: 2 });
  });

  it("keeps its lease alive with a heartbeat, so a second delivery during a long crawl is refused", async () => {
    const { task } = await createCrawlTask();
    // Two whole leases pass while it runs; the heartbeat has room for a slow event loop (a busy machine).
    const options = { leaseMs: 1_500, heartbeatMs: 150 };
    const running = crawl.runTask(task.task_id, deps, options);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const during = await service.get(task.task_id);
    expect(during.status).toBe("running");
    expect(Date.parse(during.lease_expires_at!)).toBeGreaterThan(Date.now());
    expect(await crawl.runTask(task.task_id, deps, options)).toEqual({ kind: "skipped", reason: "task is running" });
    expect((await running).kind).toBe("completed");
    const done = await service.get(task.task_id);
    expect(done).toMatchObject({ status: "completed", attempts: 1, result_count: 41 });
    expect(done.lease_expires_at).toBeUndefined();
  });

  it("takes over a running task only once its lease expired", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/2")]);
    // A worker claimed it, then died without a word.
    await deps.tasks.transition(task, ["pending"], "running", {
      incrementAttempts: true,
      lease_owner: "dead-worker",
      lease_expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await crawl.runTask(task.task_id, deps)).toEqual({ kind: "skipped", reason: "task is running" });
    await aws.clients.doc.send(
      new UpdateCommand({
        TableName: aws.tasksTable,
        Key: { task_id: task.task_id },
        UpdateExpression: "SET lease_expires_at = :past",
        ExpressionAttributeValues: { ":past": new Date(Date.now() - 1000).toISOString() },
      }),
    );
    expect((await crawl.runTask(task.task_id, deps)).kind).toBe("completed");
    // Its holder hung (or its sandbox was killed): counted; the error it showed while running is gone once it completed.
    const done = await service.get(task.task_id);
    expect(done).toMatchObject({ status: "completed", attempts: 2, result_count: 1, hung_workers: 1 });
    expect(done.error).toBeUndefined();
  });
});

describe("cancel, retry, cancel", () => {
  it("a run of the first attempt still finishing never writes its counts onto the retried task", async () => {
    const { task } = await createCrawlTask();
    // The first run checks for cancellation rarely, so it is still crawling when the task moves on.
    const first = crawl.runTask(task.task_id, deps, { cancelCheckIntervalMs: 60_000 });
    for (let i = 0; i < 100 && (await service.get(task.task_id)).progress.pages_done === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await service.cancel(task.task_id);
    const retried = await service.retry(task.task_id);
    expect(retried.progress).toEqual({ pages_done: 0, items: 0, errors: 0 });
    expect(retried.started_at).toBeUndefined();
    await service.cancel(task.task_id);

    expect(await first).toEqual({ kind: "skipped", reason: "task moved meanwhile" });
    expect(await service.get(task.task_id)).toMatchObject({
      status: "cancelled",
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
    });
    await drainQueue();
  });
});

describe("hand-over before the deadline", () => {
  it("checkpoints, continues in new deliveries, and ends with exactly the site's pages, none fetched twice once stored", async () => {
    const { task } = await createCrawlTask({ max_pages: 100 });
    await drainQueue(); // the message create sent
    const requestsBefore = site.requests.length;
    const kinds: string[] = [];
    for (let run = 0; run < 20; run++) {
      // Each invocation gets 1.2 s; the crawl needs about 1.5 s, so it must be continued.
      const deadline = Date.now() + 1200;
      const outcome = await crawl.runTask(task.task_id, deps, {
        remainingTimeMs: () => deadline - Date.now(),
        deadlineMarginMs: 200,
        checkpointEveryMs: 0,
      });
      kinds.push(outcome.kind);
      if (outcome.kind !== "continued") break;
      expect(await drainQueue()).toEqual([{ body: JSON.stringify({ task_id: task.task_id }) }]);
    }
    expect(kinds.at(-1)).toBe("completed");
    expect(kinds.filter((kind) => kind === "continued").length).toBeGreaterThanOrEqual(1);

    const done = await service.get(task.task_id);
    expect(done).toMatchObject({
      status: "completed",
      attempts: 1,
      result_count: 41,
      progress: { pages_done: 41, items: 41, errors: 0 },
    });
    expect(done.continuations).toBe(kinds.length - 1);
    const { items } = await service.results(task.task_id, { limit: "1000" });
    const stored = items.map((item) => new URL(String(item.url)).pathname).sort();
    expect(stored).toEqual(["/", ...Array.from({ length: 40 }, (_, i) => `/p/${i}`)].sort());

    // Only pages in flight at a hand-over are fetched again (at most 4 per hand-over). robots.txt
    // is read once per delivery here: these deps share no robots.txt cache.
    const fetched = site.requests.slice(requestsBefore).filter((path) => path !== "/robots.txt");
    const refetched = fetched.length - new Set(fetched).size;
    expect(refetched).toBeLessThanOrEqual(4 * (kinds.length - 1));
    expect(new Set(fetched).size).toBe(41);
  });
});

describe("transient failures", () => {
  it("goes back to pending with a delayed retry message, then fails after max attempts with the reason", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/3")]);
    await drainQueue(); // the message create sent
    const broken = {
      ...deps,
      browser: {
        newTaskContext: async () => {
          throw new RetryableCrawlError("BROWSER_CRASHED", "chromium went away");
        },
      },
    };
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const outcome = await crawl.runTask(task.task_id, broken, { retryBaseDelaySecs: 1 });
      expect(outcome.kind).toBe("retry_scheduled");
      if (outcome.kind === "retry_scheduled") delays.push(outcome.delaySecs);
      expect(await service.get(task.task_id)).toMatchObject({
        status: "pending",
        attempts: attempt,
        error: { code: "BROWSER_CRASHED", message: "chromium went away" },
      });
    }
    expect(delays).toEqual([1, 2]);
    const last = await crawl.runTask(task.task_id, broken);
    expect(last.kind).toBe("failed");
    expect(await service.get(task.task_id)).toMatchObject({
      status: "failed",
      attempts: 3,
      error: { code: "BROWSER_CRASHED" },
    });
    // The delayed retry messages arrive later; by then the task is failed and they are acknowledged.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const late = await drainQueue();
    expect(late.length).toBe(2);
    expect((await crawl.runTask(task.task_id, deps)).kind).toBe("skipped");
  });

  it("respects max_attempts set on the task", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/4")], { max_attempts: 1 });
    expect(task.max_attempts).toBe(1);
    const broken = {
      ...deps,
      browser: { newTaskContext: async () => Promise.reject(new RetryableCrawlError("BROWSER_CRASHED", "gone")) },
    };
    expect((await crawl.runTask(task.task_id, broken)).kind).toBe("failed");
  });
});

describe("limits", () => {
  it("stops at the task's max_duration_secs and completes with what it has", async () => {
    const { task } = await createCrawlTask({ max_duration_secs: 1 });
    const outcome = await crawl.runTask(task.task_id, deps);
    expect(outcome.kind).toBe("completed");
    const done = await service.get(task.task_id);
    expect(done.stop_reason).toBe("time_limit");
    expect(done.result_count).toBeGreaterThan(0);
    expect(done.result_count).toBeLessThan(41);
  });
});

/** Webhook events queued so far for `taskId`, taken off the queue. */
async function webhookEventsOf(taskId: string): Promise<string[]> {
  const types: string[] = [];
  for (;;) {
    const got = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: webhookQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const message = got.Messages?.[0];
    if (!message) return types;
    const body = JSON.parse(message.Body ?? "{}") as { task_id?: string; event_type?: string };
    if (body.task_id === taskId) types.push(String(body.event_type));
    await aws.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: webhookQueueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  }
}

describe("hung workers", () => {
  it("fails a task at its second hung worker with WORKER_HUNG, fires task.failed once, and the stalled run cannot end it again", async () => {
    const { task } = await createDetailTask([site.urlFor("/slow")], { webhook_url: "http://127.0.0.1:9/hooks" });
    // First hang: a worker claimed the task and went silent; its lease ran out.
    await deps.tasks.transition(task, ["pending"], "running", {
      incrementAttempts: true,
      lease_owner: "silent-worker",
      lease_expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    // Second hang: the run that takes it over stops renewing its lease (a heartbeat it never sends), as a frozen worker would.
    const stalled = crawl.runTask(task.task_id, deps, { leaseMs: 300, heartbeatMs: 600_000 });
    await waitFor(async () => (await service.get(task.task_id)).hung_workers === 1);
    expect((await service.get(task.task_id)).error).toMatchObject({
      code: "WORKER_HUNG",
      message: expect.stringContaining("hung worker 1 of 2"),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fetchesBefore = hits("/slow");

    const third = await crawl.runTask(task.task_id, deps);
    expect(third.kind).toBe("failed");
    const failed = await service.get(task.task_id);
    expect(failed).toMatchObject({ status: "failed", attempts: 2, hung_workers: 2, error: { code: "WORKER_HUNG" } });
    expect(failed.error!.message).toMatch(
      /stopped renewing its lease.*2 workers have hung on this task, so it is not given to another/,
    );
    expect(failed.lease_expires_at).toBeUndefined();
    // The stalled run finds the task gone from under it and leaves it as it is.
    expect(await stalled).toMatchObject({ kind: "skipped" });
    expect(await service.get(task.task_id)).toMatchObject({
      status: "failed",
      hung_workers: 2,
      error: { code: "WORKER_HUNG" },
    });
    expect(hits("/slow") - fetchesBefore).toBe(0);
    expect(await webhookEventsOf(task.task_id)).toEqual(["task.failed"]);
    await drainQueue();
  });

  it("gives up on a page that wedges Chromium at the deadline: kills the browser, hands over counting a hung worker, fails WORKER_HUNG the second time, always before the deadline", async () => {
    const { task } = await createDetailTask([site.urlFor("/wedge")], { webhook_url: "http://127.0.0.1:9/hooks" });
    await drainQueue();
    const launchesBefore = browser.launchCount;
    const kinds: string[] = [];
    for (let run = 1; run <= 2; run++) {
      // An invocation of 10 s (the shortest the stack allows): it stops at 5 s and gives its browser 2.5 s to wind down.
      const deadline = Date.now() + 10_000;
      const outcome = await crawl.runTask(task.task_id, deps, { remainingTimeMs: () => deadline - Date.now() });
      expect(Date.now(), `run ${run} ended after its invocation's deadline`).toBeLessThan(deadline);
      kinds.push(outcome.kind);
      if (run === 1) {
        expect(await service.get(task.task_id)).toMatchObject({
          status: "pending",
          hung_workers: 1,
          error: { code: "WORKER_HUNG" },
        });
        expect(await drainQueue()).toEqual([{ body: JSON.stringify({ task_id: task.task_id }) }]);
      }
    }
    expect(kinds).toEqual(["continued", "failed"]);
    const failed = await service.get(task.task_id);
    expect(failed).toMatchObject({
      status: "failed",
      hung_workers: 2,
      continuations: 1,
      error: { code: "WORKER_HUNG" },
    });
    expect(failed.error!.message).toMatch(/browser did not wind down .* and was killed; 2 workers have hung/);
    expect(await webhookEventsOf(task.task_id)).toEqual(["task.failed"]);

    // Each wedged browser was killed; the next task gets a fresh one that works.
    const { task: next } = await createDetailTask([site.urlFor("/p/7")]);
    expect((await crawl.runTask(next.task_id, deps)).kind).toBe("completed");
    expect(browser.launchCount - launchesBefore).toBe(2);
    await drainQueue();
  });
});

describe("the pool's record of a hung worker", () => {
  const hang = (taskId: string, leaseOwner: string) => ({
    taskId,
    leaseOwner,
    workerId: 1,
    reason: "silent" as const,
    silentMs: 31_000,
    busyMs: 40_000,
  });
  const options = () => ({
    deps: { tasks: deps.tasks, results: deps.results, queue: deps.queue, webhooks: deps.webhooks! },
  });
  const claimAs = (task: TaskRef, from: "pending" | "running", owner: string) =>
    deps.tasks.transition(task, [from], "running", {
      incrementAttempts: true,
      lease_owner: owner,
      lease_expires_at: new Date(Date.now() + 60_000).toISOString(),
    });

  it("changes only the claim it names: queued again at the first hang, never touching a task another delivery holds or ended", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/8")], { webhook_url: "http://127.0.0.1:9/hooks" });
    await drainQueue();
    await claimAs(task, "pending", "worker-b");
    // A hung worker whose claim is not the current one: another delivery holds the task.
    expect(await recordHungWorker(hang(task.task_id, "worker-a"), options())).toBe("unchanged");
    expect(await service.get(task.task_id)).toMatchObject({ status: "running", attempts: 1 });
    expect((await service.get(task.task_id)).hung_workers).toBeUndefined();

    expect(await recordHungWorker(hang(task.task_id, "worker-b"), options())).toBe("queued");
    const requeued = await service.get(task.task_id);
    expect(requeued).toMatchObject({
      status: "pending",
      hung_workers: 1,
      error: {
        code: "WORKER_HUNG",
        message: "worker 1 sent no heartbeat for 31 s and was killed (hung worker 1 of 2 before the task fails)",
      },
    });
    expect(requeued.lease_expires_at).toBeUndefined();
    expect(await drainQueue()).toEqual([{ body: JSON.stringify({ task_id: task.task_id }) }]);

    // The next delivery finishes it; a late report about its claim changes nothing.
    await claimAs(task, "pending", "worker-c");
    await deps.tasks.transition(
      task,
      ["running"],
      "completed",
      { finished_at: new Date().toISOString(), lease_owner: undefined },
      { leaseOwner: "worker-c" },
    );
    expect(await recordHungWorker(hang(task.task_id, "worker-c"), options())).toBe("unchanged");
    expect(await service.get(task.task_id)).toMatchObject({ status: "completed", hung_workers: 1 });
    expect(await webhookEventsOf(task.task_id)).toEqual([]);
  });

  it("fails the task with WORKER_HUNG at the second hang, fires task.failed once, and ends it only once", async () => {
    const { task } = await createDetailTask([site.urlFor("/p/9")], { webhook_url: "http://127.0.0.1:9/hooks" });
    await drainQueue();
    await claimAs(task, "pending", "worker-a");
    expect(await recordHungWorker(hang(task.task_id, "worker-a"), options())).toBe("queued");
    expect(await drainQueue()).toHaveLength(1);
    await claimAs(task, "pending", "worker-b");
    expect(await recordHungWorker(hang(task.task_id, "worker-b"), options())).toBe("failed");
    expect(await recordHungWorker(hang(task.task_id, "worker-b"), options())).toBe("unchanged");
    const failed = await service.get(task.task_id);
    expect(failed).toMatchObject({ status: "failed", attempts: 2, hung_workers: 2, error: { code: "WORKER_HUNG" } });
    expect(failed.error!.message).toBe(
      "worker 1 sent no heartbeat for 31 s and was killed; 2 workers have hung on this task, so it is not given to another",
    );
    expect(await webhookEventsOf(task.task_id)).toEqual(["task.failed"]);
    // No message for a third worker.
    expect(await drainQueue()).toEqual([]);
    expect((await crawl.runTask(task.task_id, deps)).kind).toBe("skipped");
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
