/**
 * crawl-tasks: a typed client for the crawl-tasks API.
 *
 * @example
 * import { CrawlTasksClient } from "crawl-tasks";
 * const client = new CrawlTasksClient({ baseUrl: "http://127.0.0.1:8888" });
 * const task = await client.createTask({ platform: "web", crawler_type: "crawl", urls: ["https://example.com/"] });
 * const done = await client.waitForTask(task.task_id, { timeoutMs: 10 * 60_000 });
 * for await (const item of client.results(done.task_id)) console.log(item.url);
 */
export {
  type Answer,
  type CallOptions,
  type ClientOptions,
  type CreateTaskOptions,
  CrawlTasksClient,
  type ExportOptions,
  type Query,
  type RequestOptions,
  type ResultsOptions,
  retryAfterMs,
  type WaitOptions,
} from "./client.js";
export {
  ApiError,
  type ApiErrorDetails,
  CrawlTasksError,
  type FieldError,
  NetworkError,
  WaitTimeoutError,
} from "./errors.js";
export type { components, operations, paths } from "./openapi.js";
export * from "./types.js";
