/**
 * One-call scrape: a detail web task for a few URLs, created like any other (stored, queued,
 * retried, listed, counted), then waited for so that its items can come back in the same
 * answer. What waits is the API function, which API Gateway cuts at 30 s: the wait has a cap
 * below that ({@link SCRAPE_TIMEOUT_MS}), and is cut shorter still by the function's own
 * remaining time. A task that has not ended by then is still a task: the caller polls it.
 */
import * as z from "zod";
import { DependencyUnavailableError } from "../errors.js";
import { httpUrl, integerIn, parseOrThrow } from "../validation.js";
import { webPageOptions } from "../platforms/web/schema.js";
import type { ResultStore, StoredResult } from "../results/store.js";
import { commonTaskFields } from "./schema.js";
import type { TaskService } from "./service.js";
import { isTerminal } from "./status.js";
import type { PublicTask } from "./model.js";

/** A scrape takes at most this many URLs: few enough that all their items fit one answer. */
export const SCRAPE_MAX_URLS = 10;

/**
 * `timeout_ms`, the longest the API waits for the task. API Gateway ends an HTTP API's
 * integration at 30 s, a limit that cannot be raised (AWS docs, "Amazon API Gateway quotas",
 * HTTP APIs: "Maximum integration timeout 30 seconds"); the API function's own timeout is
 * 29 s (infra/api.ts). 25 s leaves the answer (one results read), and a cold start of the
 * function before it (about 1 s, bench/RESULTS.md), room under both.
 */
export const SCRAPE_TIMEOUT_MS = { min: 1_000, max: 25_000, default: 20_000 } as const;

/**
 * Kept back from the function's remaining time (Context.getRemainingTimeInMillis) when the
 * wait is bounded by it: reading the items and answering must still fit.
 */
export const SCRAPE_ANSWER_RESERVE_MS = 2_000;

export const scrapeBodySchema = webPageOptions.extend({
  urls: z
    .array(httpUrl, { error: "must be an array of URLs" })
    .min(1, { error: "must contain at least 1 URL" })
    .max(SCRAPE_MAX_URLS, {
      error: `must contain at most ${SCRAPE_MAX_URLS} URLs (create a detail task for more: POST /api/v1/tasks)`,
    })
    .meta({ description: `Absolute http(s) URLs, 1–${SCRAPE_MAX_URLS}: the pages to fetch, one item each` }),
  timeout_ms: integerIn(SCRAPE_TIMEOUT_MS.min, SCRAPE_TIMEOUT_MS.max)
    .default(SCRAPE_TIMEOUT_MS.default)
    .meta({
      description: `How long to wait for the task to end, in ms (${SCRAPE_TIMEOUT_MS.min}–${SCRAPE_TIMEOUT_MS.max}; under API Gateway's 30 s). Not ended by then: 202 with the task to poll`,
    }),
  ...commonTaskFields.shape,
});

export type ScrapeBody = z.output<typeof scrapeBodySchema>;

export type ScrapeOutcome =
  /** The task ended (completed, failed or cancelled): every item it stored. */
  | { ended: true; task: PublicTask; items: StoredResult[] }
  /** Still pending or running when the wait ran out. */
  | { ended: false; task: PublicTask };

export interface ScrapeOptions {
  /** The invocation's time left (Lambda Context.getRemainingTimeInMillis); bounds the wait when given. */
  remainingMs?: () => number;
}

export interface ScrapeServiceOptions {
  /** First pause between two reads of the task, ms; each next one is 1.5× longer. @default 200 */
  firstPollMs?: number;
  /** Longest pause between two reads, ms. @default 1500 */
  maxPollMs?: number;
}

/** Pages of results read at most for one answer: 10 URLs make 10 items, one page. */
const MAX_RESULT_PAGES = 5;

export class ScrapeService {
  readonly #tasks: TaskService;
  readonly #results: ResultStore;
  readonly #options: Required<ScrapeServiceOptions>;

  constructor(deps: { tasks: TaskService; results: ResultStore }, options: ScrapeServiceOptions = {}) {
    this.#tasks = deps.tasks;
    this.#results = deps.results;
    this.#options = { firstPollMs: 200, maxPollMs: 1500, ...options };
  }

  /** Validates (400 naming the field), creates the task, then waits for it as long as allowed. */
  async scrape(body: unknown, options: ScrapeOptions = {}): Promise<ScrapeOutcome> {
    const startedAt = Date.now();
    const { timeout_ms, ...fields } = parseOrThrow(scrapeBodySchema, body);
    const { task } = await this.#tasks.create(
      { platform: "web", crawler_type: "detail", ...fields },
      { origin: "scrape" },
    );
    const budget = Math.min(
      timeout_ms,
      options.remainingMs === undefined
        ? Number.POSITIVE_INFINITY
        : options.remainingMs() + (Date.now() - startedAt) - SCRAPE_ANSWER_RESERVE_MS,
    );
    const deadline = startedAt + budget;
    let current = task;
    let pause = this.#options.firstPollMs;
    while (!isTerminal(current.status)) {
      const left = deadline - Date.now();
      if (left <= 0) return { ended: false, task: current };
      await sleep(Math.min(pause, left));
      pause = Math.min(this.#options.maxPollMs, Math.round(pause * 1.5));
      try {
        current = await this.#tasks.get(current.task_id);
      } catch (error) {
        // The task is stored and queued: a table that stops answering while we wait must not
        // turn that into a 503 that loses its id. The caller gets it to poll, as after a timeout.
        if (error instanceof DependencyUnavailableError) return { ended: false, task: current };
        throw error;
      }
    }
    return { ended: true, task: current, items: await this.#allItems(current.task_id) };
  }

  async #allItems(taskId: string): Promise<StoredResult[]> {
    const items: StoredResult[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_RESULT_PAGES; page++) {
      const next = await this.#results.list(taskId, { limit: 1000, ...(cursor ? { cursor } : {}) });
      items.push(...next.items);
      if (next.next_cursor === null) break;
      cursor = next.next_cursor;
    }
    return items;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
