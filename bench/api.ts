import { startStack } from "../tests/support/stack.js";
import { loadNow, measuredLine } from "./report.js";
import { formatMs, percentile } from "./stats.js";

/**
 * Issue 5, item 4: POST /api/v1/tasks latency and throughput against the one-machine
 * gateway (local/gateway.ts → the API handler in-process → dynalite + local-aws-sqs), from
 * `clients` concurrent HTTP clients in this process (keep-alive connections, Node's fetch).
 * The stack runs with CRAWL_CONCURRENCY=0: no crawler workers, so the messages stay queued
 * and only the API path is measured (no browser competing for the 2 cores).
 */

export interface ApiBenchOptions {
  quick: boolean;
  /** Measured requests. @default 2000 (quick: 200) */
  requests?: number;
  /** @default 50 */
  clients?: number;
}

export interface ApiFigures {
  /** 1-minute load average when the measurement started. */
  loadAtStart: number;
  requests: number;
  clients: number;
  warmup: number;
  latenciesMs: number[];
  wallMs: number;
  /** Answers other than 201, and requests that threw, by status ("error" for a throw). */
  errors: Record<string, number>;
}

const WARMUP_REQUESTS = 20;

async function createOnce(url: string, i: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ platform: "web", crawler_type: "detail", urls: [`http://127.0.0.1:9/api-bench/${i}`] }),
    });
    const body = (await response.json()) as { code?: number; data?: { task_id?: string } };
    return response.status === 201 && typeof body.data?.task_id === "string" ? undefined : String(response.status);
  } catch {
    return "error";
  }
}

export async function measureApi(options: ApiBenchOptions): Promise<ApiFigures> {
  const requests = options.requests ?? (options.quick ? 200 : 2000);
  const clients = options.clients ?? 50;
  const loadAtStart = loadNow();
  // One client address sends thousands of creates a minute: the task-creation limit stays on
  // (its UpdateItem is part of every create's cost) with a budget the run cannot spend.
  const stack = await startStack({
    env: { CRAWL_CONCURRENCY: "0", LOG_LEVEL: "ERROR", CREATE_RATE_LIMIT: "100000" },
    readyTimeoutMs: 120_000,
  });
  try {
    // The first requests load lazily imported code and open connections; not counted.
    for (let i = 0; i < WARMUP_REQUESTS; i += 1) await createOnce(stack.url, -1 - i);

    const latenciesMs: number[] = [];
    const errors: Record<string, number> = {};
    let next = 0;
    const client = async (): Promise<void> => {
      for (let i = next++; i < requests; i = next++) {
        const started = performance.now();
        const error = await createOnce(stack.url, i);
        latenciesMs.push(performance.now() - started);
        if (error !== undefined) errors[error] = (errors[error] ?? 0) + 1;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, client));
    const wallMs = performance.now() - started;
    return { loadAtStart, requests, clients, warmup: WARMUP_REQUESTS, latenciesMs, wallMs, errors };
  } finally {
    await stack.stop();
  }
}

export function apiMarkdown(figures: ApiFigures, quick: boolean): string {
  const errorCount = Object.values(figures.errors).reduce((a, b) => a + b, 0);
  const errorText =
    errorCount === 0
      ? "0"
      : `**${errorCount}** (${Object.entries(figures.errors)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ")})`;
  return `## API create-task latency (issue 5, item 4)

${measuredLine(quick, figures.loadAtStart)}

${figures.requests} × POST /api/v1/tasks (a one-URL web task each) from ${figures.clients} concurrent clients (Node fetch, keep-alive) in the
benchmark process, against the \`npm start\` stack's gateway with CRAWL_CONCURRENCY=0 (no crawler workers: messages stay queued,
nothing crawls). Each request is stored in dynalite and queued in local-aws-sqs before its 201. ${figures.warmup} sequential
warm-up requests first, not counted. Latency: request sent → body read, per request. Throughput: requests ÷ wall time of the ${figures.clients} clients.

| requests | clients | p50 | p95 | p99 | max | requests/s | errors |
|---|---|---|---|---|---|---|---|
| ${figures.requests} | ${figures.clients} | ${formatMs(percentile(figures.latenciesMs, 50))} | ${formatMs(percentile(figures.latenciesMs, 95))} | ${formatMs(percentile(figures.latenciesMs, 99))} | ${formatMs(Math.max(...figures.latenciesMs))} | ${((figures.requests / figures.wallMs) * 1000).toFixed(0)} | ${errorText} |

With ${figures.clients} requests always in flight on one Node process (gateway, handler and both embedded servers share it), the
latency is mostly queueing: mean latency ≈ clients ÷ throughput (Little's law).
`;
}
