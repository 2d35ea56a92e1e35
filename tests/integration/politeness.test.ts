/**
 * DynamoHostLimiter against a real dynalite server, with two limiter instances on two SDK
 * clients standing in for two workers; then the web crawler in real Chromium, limited
 * through it, as the test site's server sees it.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../core/aws/clients.js";
import { WarmBrowser } from "../../core/browser/index.js";
import { DependencyUnavailableError, isRetryable } from "../../core/errors.js";
import { crawlWeb } from "../../core/platforms/web/crawler.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import {
  DynamoHostLimiter,
  HostPoliteness,
  type HostSlot,
  type LimitItem,
  type SlotLimits,
} from "../../core/politeness/index.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startTestSite } from "../support/site.js";
import { testCrawlContext } from "../support/crawlContext.js";

let aws: TestAws;
const opened: Array<() => void> = [];
let keys = 0;
const newKey = (): string => `host:site-${++keys}.test`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  aws = await startTestAws({ setEnv: false });
});

afterAll(async () => {
  for (const close of opened) close();
  await aws?.close();
});

/**
 * A worker of its own: an SDK client and a limiter, with the DynamoDB operations it sent.
 * `cutOff()` makes every later call fail as if the worker had died; `reconnect()` undoes it.
 */
function worker(endpoint = aws.dynamo.endpoint, tableName = aws.politenessTable) {
  const clients = createAwsClients({ dynamoEndpoint: endpoint, maxAttempts: 1 });
  const calls: string[] = [];
  const network = { up: true };
  watchCalls(clients.dynamo, calls, network);
  opened.push(() => {
    clients.dynamo.destroy();
    clients.sqs.destroy();
  });
  return {
    limiter: new DynamoHostLimiter(clients.doc, tableName, { minPollMs: 10, maxPollMs: 50 }),
    calls,
    cutOff: () => void (network.up = false),
    reconnect: () => void (network.up = true),
  };
}

function watchCalls(dynamo: DynamoDBClient, calls: string[], network: { up: boolean }): void {
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (!network.up) throw Object.assign(new Error("connect ECONNREFUSED"), { name: "TimeoutError" });
      calls.push(String(context.commandName).replace(/Command$/, ""));
      return next(args);
    },
    { step: "initialize", name: "watchPolitenessCalls" },
  );
}

async function stored(key: string): Promise<LimitItem | undefined> {
  const result = await aws.clients.doc.send(
    new GetCommand({ TableName: aws.politenessTable, Key: { limit_key: key }, ConsistentRead: true }),
  );
  return result.Item as LimitItem | undefined;
}

/** Most intervals open at the same moment. */
function peakOverlap(intervals: Array<{ from: number; to: number }>): number {
  const edges = intervals.flatMap(({ from, to }) => [
    { at: from, delta: 1 },
    { at: to, delta: -1 },
  ]);
  // At equal times an end comes before a start: [a, b) then [b, c) do not overlap.
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let open = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (open += edge.delta));
  return peak;
}

describe("DynamoHostLimiter", () => {
  it("never lets two workers exceed the cap together, and spaces every start by the delay", async () => {
    const workers = [worker(), worker()];
    const key = newKey();
    const limits: SlotLimits = { maxConcurrency: 2, minDelayMs: 40, leaseMs: 30_000 };
    const held: Array<{ startedAt: number; from: number; to: number }> = [];

    // 2 workers × 4 concurrent fetchers × 3 fetches each, every fetch holding its slot 80–140 ms.
    await Promise.all(
      workers.flatMap(({ limiter }) =>
        Array.from({ length: 4 }, async () => {
          for (let round = 0; round < 3; round++) {
            const slot = await limiter.acquire(key, limits);
            const from = Date.now();
            await sleep(80 + Math.random() * 60);
            held.push({ startedAt: slot.startedAt, from, to: Date.now() });
            await slot.release();
          }
        }),
      ),
    );

    expect(held).toHaveLength(24);
    expect(peakOverlap(held)).toBe(2);
    const byStart = [...held].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < byStart.length; i++) {
      expect(byStart[i]!.startedAt - byStart[i - 1]!.startedAt).toBeGreaterThanOrEqual(limits.minDelayMs);
      // Seen from outside: nobody began before the previous grant plus the delay.
      expect(byStart[i]!.from).toBeGreaterThanOrEqual(byStart[i - 1]!.startedAt + limits.minDelayMs);
    }
    expect((await stored(key))?.slots).toEqual({});
  });

  it("costs one write per acquire and one per release when no other worker uses the key", async () => {
    const { limiter, calls } = worker();
    const key = newKey();
    const limits: SlotLimits = { maxConcurrency: 2, minDelayMs: 0, leaseMs: 30_000 };

    await (await limiter.acquire(key, limits)).release();
    calls.length = 0;
    for (let i = 0; i < 3; i++) await (await limiter.acquire(key, limits)).release();

    expect(calls).toEqual(["PutItem", "UpdateItem", "PutItem", "UpdateItem", "PutItem", "UpdateItem"]);
  });

  it("lets fetchers of one process take turns without failing each other's conditions", async () => {
    const { limiter, calls } = worker();
    const key = newKey();
    const limits: SlotLimits = { maxConcurrency: 1, minDelayMs: 0, leaseMs: 30_000 };

    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const slot = await limiter.acquire(key, limits);
        await sleep(20);
        await slot.release();
      }),
    );

    // Five grants, five writes: no conditional write was lost to a sibling.
    expect(calls.filter((call) => call === "PutItem")).toHaveLength(5);
    expect(calls.filter((call) => call === "UpdateItem")).toHaveLength(5);
  });

  it("frees the slot of a holder that died once its lease ends, and purges it", async () => {
    const [crashed, survivor] = [worker(), worker()];
    const key = newKey();
    const lost = await crashed.limiter.acquire(key, { maxConcurrency: 1, minDelayMs: 0, leaseMs: 300 });
    crashed.cutOff(); // killed mid-fetch: it neither renews nor releases its slot

    const slot = await survivor.limiter.acquire(key, { maxConcurrency: 1, minDelayMs: 0, leaseMs: 30_000 });

    expect(slot.startedAt).toBeGreaterThanOrEqual(lost.startedAt + 300);
    expect(Object.keys((await stored(key))?.slots ?? {})).toEqual([slot.leaseId]);
    await slot.release();
    // Were it only cut off for a while, its late release of the purged slot is harmless.
    crashed.reconnect();
    await expect(lost.release()).resolves.toBeUndefined();
  });

  it("renews a held slot, so a fetch may outlast the lease, and stops renewing once released", async () => {
    const [holder, waiter] = [worker(), worker()];
    const key = newKey();
    const limits: SlotLimits = { maxConcurrency: 1, minDelayMs: 0, leaseMs: 600 };
    const held = await holder.limiter.acquire(key, limits);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("gave up")), 1_500);

    await expect(waiter.limiter.acquire(key, limits, controller.signal)).rejects.toThrow("gave up");

    expect(holder.calls.filter((call) => call === "UpdateItem").length).toBeGreaterThanOrEqual(3);
    await held.release();
    const callsAfterRelease = holder.calls.length;
    await (await waiter.limiter.acquire(key, limits)).release();
    await sleep(400);
    expect(holder.calls.length).toBe(callsAfterRelease);
  });

  it("stops waiting when the signal aborts, taking nothing", async () => {
    const [holder, waiter] = [worker(), worker()];
    const key = newKey();
    const limits: SlotLimits = { maxConcurrency: 1, minDelayMs: 0, leaseMs: 60_000 };
    const held = await holder.limiter.acquire(key, limits);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 150);

    await expect(waiter.limiter.acquire(key, limits, controller.signal)).rejects.toThrow("shutting down");

    expect(Object.keys((await stored(key))?.slots ?? {})).toEqual([held.leaseId]);
    waiter.calls.length = 0;
    await expect(waiter.limiter.acquire(key, limits, controller.signal)).rejects.toThrow("shutting down");
    expect(waiter.calls).toEqual([]);
    await held.release();
  });

  it("gives releases that may repeat: the second is a no-op", async () => {
    const { limiter, calls } = worker();
    const slot: HostSlot = await limiter.acquire(newKey(), { maxConcurrency: 1, minDelayMs: 0, leaseMs: 30_000 });
    await slot.release();
    calls.length = 0;
    await slot.release();
    expect(calls).toEqual([]);
  });

  it("reports an unreachable or missing table as a retryable politeness_table error", async () => {
    const limits: SlotLimits = { maxConcurrency: 1, minDelayMs: 0, leaseMs: 1_000 };
    for (const { limiter } of [worker("http://127.0.0.1:9"), worker(aws.dynamo.endpoint, "no-such-table")]) {
      const error = await limiter.acquire(newKey(), limits).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe("politeness_table");
      expect(isRetryable(error)).toBe(true);
    }
  });
});

describe("the web crawler with host limits", () => {
  const PAGES = ["/", "/p1", "/p2", "/p3", "/p4", "/p5"];

  async function crawlSite(
    fields: Record<string, unknown>,
    limited: boolean,
    limiter = worker().limiter,
    robots?: string,
  ) {
    const site = await startTestSite({
      ...Object.fromEntries(
        PAGES.map((path) => [
          path,
          {
            // Each page takes a moment to answer, so parallel fetches would overlap at the server.
            delayMs: 60,
            body: `<!doctype html><title>${path}</title>${
              path === "/"
                ? PAGES.slice(1)
                    .map((p) => `<a href="${p}">${p}</a>`)
                    .join("")
                : "<p>page</p>"
            }`,
          },
        ]),
      ),
      ...(robots !== undefined ? { "/robots.txt": { body: robots, contentType: "text/plain" } } : {}),
    });
    const browser = await warm.newTaskContext();
    const { platform: _platform, ...params } = webTaskInput.parse({
      platform: "web",
      crawler_type: "crawl",
      urls: [site.url],
      ...fields,
    });
    const politeness = new HostPoliteness(limiter);
    const context = testCrawlContext("polite-task", browser, {
      ...(limited ? { acquireHostSlot: politeness.forTask({ task_id: "polite-task", platform: "web", params }) } : {}),
    });
    try {
      const items = [];
      for await (const item of crawlWeb(params, context, { pageConcurrency: 4 })) items.push(item);
      expect(items.map((item) => new URL(String(item.data.url)).pathname).sort()).toEqual([...PAGES].sort());
      return site.requestTimes
        .filter((request) => PAGES.includes(request.path))
        .sort((a, b) => a.arrivedAt - b.arrivedAt);
    } finally {
      await browser.close();
      await site.close();
    }
  }

  let warm: WarmBrowser;
  beforeAll(async () => {
    warm = new WarmBrowser();
    await warm.browser();
  });
  afterAll(async () => {
    await warm?.close();
  });

  it("with host_concurrency 1 and host_delay_ms 150, the site never sees two page fetches at once, 150 ms apart", async () => {
    const requests = await crawlSite({ host_concurrency: 1, host_delay_ms: 150 }, true);

    expect(requests).toHaveLength(PAGES.length);
    for (let i = 1; i < requests.length; i++) {
      const [previous, current] = [requests[i - 1]!, requests[i]!];
      expect(current.arrivedAt, `${current.path} arrived before ${previous.path} was answered`).toBeGreaterThanOrEqual(
        previous.answeredAt!,
      );
      // The delay is kept between grants; a fetch reaches the server some ms after its grant,
      // so one late arrival shortens the next gap (and lengthens the one before it).
      expect(current.arrivedAt - previous.arrivedAt).toBeGreaterThanOrEqual(150 - 50);
    }
    // The linked pages all wait on each other: on average they are the delay apart.
    const linked = requests.slice(1);
    expect((linked.at(-1)!.arrivedAt - linked[0]!.arrivedAt) / (linked.length - 1)).toBeGreaterThanOrEqual(150 - 10);
  });

  it("raises the delay to the site's robots.txt Crawl-delay, whatever the task asked", async () => {
    const requests = await crawlSite(
      { host_concurrency: 4, host_delay_ms: 0 },
      true,
      worker().limiter,
      "User-agent: *\nCrawl-delay: 0.2\n",
    );

    expect(requests).toHaveLength(PAGES.length);
    // As above: the delay is kept between grants, so one late arrival shortens the next gap.
    for (let i = 1; i < requests.length; i++)
      expect(requests[i]!.arrivedAt - requests[i - 1]!.arrivedAt).toBeGreaterThanOrEqual(200 - 60);
    expect((requests.at(-1)!.arrivedAt - requests[0]!.arrivedAt) / (requests.length - 1)).toBeGreaterThanOrEqual(
      200 - 10,
    );
  });

  it("fails the run, retryably, instead of the page when the politeness table is unreachable", async () => {
    const error = await crawlSite({}, true, worker("http://127.0.0.1:9").limiter).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(isRetryable(error)).toBe(true);
  });

  it("without limits the same crawl does overlap at the site (the check above can fail)", async () => {
    const requests = await crawlSite({}, false);

    expect(peakOverlap(requests.map((r) => ({ from: r.arrivedAt, to: r.answeredAt! })))).toBeGreaterThan(1);
  });
});
