/**
 * The crawl-tasks API over HTTP, as any client sees it: envelopes unwrapped, typed from the
 * OpenAPI document, every failure an {@link ApiError} or {@link NetworkError} with a one-line
 * message. Runs wherever `fetch` does (Node >= 18, browsers, Deno, Bun): no Node built-ins,
 * no runtime dependencies. The CLI (cli/) is built on it.
 */
import { ApiError, NetworkError, WaitTimeoutError, type FieldError } from "./errors.js";
import type {
  Account,
  AccountActivation,
  AccountInput,
  AccountLoginInput,
  DeletedAccount,
  DeletedSchedule,
  DeletedTask,
  ExportFormat,
  ListAccountsQuery,
  ListSchedulesQuery,
  ListTasksQuery,
  LoginSession,
  Page,
  ResultItem,
  Schedule,
  ScheduleInput,
  ScrapeEnded,
  ScrapeInput,
  ScrapePending,
  Task,
  TaskInput,
} from "./types.js";
import { TERMINAL_STATUSES } from "./types.js";

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8888 or https://abc.execute-api.eu-west-1.amazonaws.com (a stage path is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string | undefined;
  /** How long one request may take (until its headers, or its whole JSON body) before it is a NetworkError. @default 30_000 */
  timeoutMs?: number;
  /**
   * How often a 429 (throttled) or 503 (a dependency did not answer) is asked again before it is
   * thrown. Each wait is the answer's `Retry-After` when it has one, else an exponential backoff.
   * A 503 to createTask is retried only with an idempotency key (without one a retry could create
   * a second task). @default 3
   */
  maxRetries?: number;
  /** The first backoff without `Retry-After`; it doubles each retry. @default 500 */
  retryBaseMs?: number;
  /** The longest wait before a retry; a `Retry-After` longer than this is thrown instead. @default 30_000 */
  retryMaxMs?: number;
  /** Another fetch (a proxy agent, a test double); it must behave like the standard one. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Aborts the request; the caller sees the signal's reason (an AbortError by default). */
  signal?: AbortSignal | undefined;
  /** Whether a 503 may be asked again (429s always may). @default true */
  retry503?: boolean;
  /** This request's own `maxRetries` (0: a caller that retries, and reports each retry, itself). */
  maxRetries?: number;
}

/** An unwrapped envelope: `message` says what happened ("task cancelled"), `data` is the payload. */
export interface Answer<T> {
  status: number;
  message: string;
  data: T;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface CreateTaskOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`: the same key within 24 hours answers the task it created the first
   * time instead of a second task, and makes a 503 safe to retry.
   */
  idempotencyKey?: string | undefined;
}

export interface ResultsOptions extends CallOptions {
  /** Results per request (1-1000). @default 1000 */
  pageSize?: number;
}

export interface ExportOptions extends ResultsOptions {
  format: ExportFormat;
  /** csv and jsonl: start the file with a UTF-8 byte-order mark (so Excel reads UTF-8). */
  bom?: boolean;
  /** A page's body that stops arriving for this long is a NetworkError. @default 60_000 */
  idleTimeoutMs?: number;
  /** Called after each page was read in full. */
  onPage?: (page: { number: number; bytes: number }) => void;
}

export interface WaitOptions extends CallOptions {
  /** Give up (WaitTimeoutError; the task keeps running) after this long. @default no limit */
  timeoutMs?: number;
  /** The first wait between polls; it grows by half each poll up to `maxPollIntervalMs`. @default 1_000 */
  pollIntervalMs?: number;
  /** @default 10_000 */
  maxPollIntervalMs?: number;
  /** Called with the task after each poll that did not find it finished. */
  onProgress?: (task: Task) => void;
}

interface Envelope {
  code: number;
  message: string;
  data: unknown;
}

const RESULTS_PAGE_MAX = 1000;

export class CrawlTasksClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = checkedBaseUrl(options.baseUrl);
    this.apiKey = options.apiKey === "" ? undefined : options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    // Called unbound: some fetch implementations need `this` to be the global object.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
  }

  // ---- tasks ----

  /** POST /api/v1/tasks: the new task (or, with a known idempotency key, the one created before). */
  async createTask(input: TaskInput, options: CreateTaskOptions = {}): Promise<Task> {
    const key = options.idempotencyKey;
    return (
      await this.request<Task>("POST", "/api/v1/tasks", {
        body: input,
        headers: key === undefined ? undefined : { "idempotency-key": key },
        signal: options.signal,
        retry503: key !== undefined,
      })
    ).data;
  }

  /** GET /api/v1/tasks/{task_id} */
  async getTask(taskId: string, options: CallOptions = {}): Promise<Task> {
    return (await this.request<Task>("GET", taskPath(taskId), options)).data;
  }

  /** GET /api/v1/tasks: one page, newest first. */
  async listTasks(query: ListTasksQuery = {}, options: CallOptions = {}): Promise<Page<Task>> {
    return (await this.request<Page<Task>>("GET", "/api/v1/tasks", { query, signal: options.signal })).data;
  }

  /** Every task that matches, newest first, following the cursor page by page. */
  async *iterateTasks(query: Omit<ListTasksQuery, "cursor"> = {}, options: CallOptions = {}): AsyncGenerator<Task> {
    let cursor: string | undefined;
    do {
      const page = await this.listTasks({ ...query, cursor }, options);
      yield* page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** POST /api/v1/tasks/{task_id}/cancel: the task, now cancelled (a 409 ApiError when it already ended). */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<Task> {
    return (await this.request<Task>("POST", `${taskPath(taskId)}/cancel`, options)).data;
  }

  /** POST /api/v1/tasks/{task_id}/retry: a failed or cancelled task, queued again. */
  async retryTask(taskId: string, options: CallOptions = {}): Promise<Task> {
    return (await this.request<Task>("POST", `${taskPath(taskId)}/retry`, options)).data;
  }

  /** DELETE /api/v1/tasks/{task_id}: the task and its results (a 409 ApiError while it runs: cancel first). */
  async deleteTask(taskId: string, options: CallOptions = {}): Promise<DeletedTask> {
    return (await this.request<DeletedTask>("DELETE", taskPath(taskId), options)).data;
  }

  /**
   * Polls the task until it is completed, failed or cancelled and resolves with it (a failed task
   * resolves too: look at `status` and `error`). Throttling, 5xx and lost connections while
   * polling are ridden out until the timeout; an unreachable API on the very first poll, a 404 or
   * a 401 are thrown at once. Aborting the signal stops waiting, never the task.
   */
  async waitForTask(taskId: string, options: WaitOptions = {}): Promise<Task> {
    const startedAt = Date.now();
    const deadline = options.timeoutMs === undefined ? undefined : startedAt + options.timeoutMs;
    const maxInterval = options.maxPollIntervalMs ?? 10_000;
    let interval = options.pollIntervalMs ?? 1_000;
    let task: Task | undefined;
    for (;;) {
      try {
        task = await this.getTask(taskId, { signal: options.signal });
        if (TERMINAL_STATUSES.includes(task.status)) return task;
        options.onProgress?.(task);
      } catch (error) {
        options.signal?.throwIfAborted();
        const transient = error instanceof ApiError || error instanceof NetworkError ? error.transient : false;
        if (!transient || (task === undefined && error instanceof NetworkError)) throw error;
      }
      let wait = interval;
      if (deadline !== undefined) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new WaitTimeoutError(
            `task ${taskId} is still ${task?.status ?? "unknown"} after ${Math.round((Date.now() - startedAt) / 1000)} s; it keeps running`,
            task,
          );
        }
        wait = Math.min(wait, left);
      }
      await sleep(wait, options.signal);
      interval = Math.min(Math.round(interval * 1.5), maxInterval);
    }
  }

  // ---- results ----

  /** GET /api/v1/tasks/{task_id}/results?format=json: one page, in item_key order. */
  async resultPage(
    taskId: string,
    page: { limit?: number; cursor?: string | undefined } = {},
    options: CallOptions = {},
  ): Promise<Page<ResultItem>> {
    const query = { format: "json", limit: page.limit, cursor: page.cursor };
    return (await this.request<Page<ResultItem>>("GET", `${taskPath(taskId)}/results`, { query, ...options })).data;
  }

  /** Every result of the task, in item_key order, one page in memory at a time. */
  async *results(taskId: string, options: ResultsOptions = {}): AsyncGenerator<ResultItem> {
    let cursor: string | undefined;
    do {
      const page = await this.resultPage(
        taskId,
        { limit: options.pageSize ?? RESULTS_PAGE_MAX, cursor },
        { signal: options.signal },
      );
      yield* page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /**
   * Every result as one file's bytes, streamed page by page: csv (one header, CRLF rows) and jsonl
   * arrive as raw continuations of one file (the next cursor in `x-next-cursor`); json is the
   * items joined into one array. In Node: `await pipeline(client.exportResults(id, { format: "csv" }), createWriteStream("out.csv"))`.
   */
  async *exportResults(taskId: string, options: ExportOptions): AsyncGenerator<Uint8Array> {
    const path = `${taskPath(taskId)}/results`;
    const pageSize = options.pageSize ?? RESULTS_PAGE_MAX;
    const encoder = new TextEncoder();
    let cursor: string | undefined;
    let number = 0;
    let items = 0;
    if (options.format === "json") yield encoder.encode("[");
    do {
      let bytes = 0;
      if (options.format === "json") {
        const page = await this.resultPage(taskId, { limit: pageSize, cursor }, { signal: options.signal });
        for (const item of page.items) {
          const chunk = encoder.encode(`${items++ === 0 ? "\n" : ",\n"}${JSON.stringify(item)}`);
          bytes += chunk.byteLength;
          yield chunk;
        }
        cursor = page.next_cursor ?? undefined;
      } else {
        // The API adds the BOM to the first page only (the one without a cursor).
        const query = {
          format: options.format,
          limit: pageSize,
          cursor,
          bom: options.bom && !cursor ? "1" : undefined,
        };
        const { response, release } = await this.openStream(path, query, options.signal);
        try {
          cursor = response.headers.get("x-next-cursor") ?? undefined;
          if (response.body !== null) {
            for await (const chunk of readBody(response.body, options.idleTimeoutMs ?? 60_000, options.signal)) {
              bytes += chunk.byteLength;
              yield chunk;
            }
          }
        } finally {
          release();
        }
      }
      options.onPage?.({ number: ++number, bytes });
    } while (cursor);
    if (options.format === "json") yield encoder.encode(items === 0 ? "]\n" : "\n]\n");
  }

  // ---- accounts (media platforms) ----

  /** POST /api/v1/accounts: stores a platform login's cookies (sealed; never shown again). */
  async createAccount(input: AccountInput, options: CallOptions = {}): Promise<Account> {
    return (await this.request<Account>("POST", "/api/v1/accounts", { body: input, ...options })).data;
  }

  /** GET /api/v1/accounts */
  async listAccounts(query: ListAccountsQuery = {}, options: CallOptions = {}): Promise<Account[]> {
    return (await this.request<{ items: Account[] }>("GET", "/api/v1/accounts", { query, ...options })).data.items;
  }

  /** GET /api/v1/accounts/{account_id} */
  async getAccount(accountId: string, options: CallOptions = {}): Promise<Account> {
    return (await this.request<Account>("GET", accountPath(accountId), options)).data;
  }

  /** DELETE /api/v1/accounts/{account_id} */
  async deleteAccount(accountId: string, options: CallOptions = {}): Promise<DeletedAccount> {
    return (await this.request<DeletedAccount>("DELETE", accountPath(accountId), options)).data;
  }

  /** POST /api/v1/accounts/{account_id}/activate: back in use, with fresh cookies when given. */
  async activateAccount(accountId: string, input: AccountActivation = {}, options: CallOptions = {}): Promise<Account> {
    return (await this.request<Account>("POST", `${accountPath(accountId)}/activate`, { body: input, ...options }))
      .data;
  }

  /**
   * POST /api/v1/accounts/login: sign in by QR code. The crawler opens the platform's login
   * page; poll {@link getAccountLogin} for the QR code and the state until it is not
   * `waiting` or `scanned`. With `account_id`, an expired account signs in again.
   */
  async startAccountLogin(input: AccountLoginInput, options: CallOptions = {}): Promise<LoginSession> {
    return (await this.request<LoginSession>("POST", "/api/v1/accounts/login", { body: input, ...options })).data;
  }

  /** GET /api/v1/accounts/login/{session_id} */
  async getAccountLogin(sessionId: string, options: CallOptions = {}): Promise<LoginSession> {
    return (await this.request<LoginSession>("GET", `/api/v1/accounts/login/${encodeURIComponent(sessionId)}`, options))
      .data;
  }

  // ---- schedules (recurring crawls) ----

  /** POST /api/v1/schedules: a task body run on a cron or rate expression (docs/schedules.md). */
  async createSchedule(input: ScheduleInput, options: CallOptions = {}): Promise<Schedule> {
    return (await this.request<Schedule>("POST", "/api/v1/schedules", { body: input, ...options })).data;
  }

  /** GET /api/v1/schedules: a page, newest first. */
  async listSchedules(query: ListSchedulesQuery = {}, options: CallOptions = {}): Promise<Page<Schedule>> {
    return (await this.request<Page<Schedule>>("GET", "/api/v1/schedules", { query, ...options })).data;
  }

  /** GET /api/v1/schedules/{schedule_id}: with its next run times and its recent runs' task ids. */
  async getSchedule(scheduleId: string, options: CallOptions = {}): Promise<Schedule> {
    return (await this.request<Schedule>("GET", schedulePath(scheduleId), options)).data;
  }

  /** POST /api/v1/schedules/{schedule_id}/pause */
  async pauseSchedule(scheduleId: string, options: CallOptions = {}): Promise<Schedule> {
    return (await this.request<Schedule>("POST", `${schedulePath(scheduleId)}/pause`, options)).data;
  }

  /** POST /api/v1/schedules/{schedule_id}/resume: from now; runs missed while paused are not made up. */
  async resumeSchedule(scheduleId: string, options: CallOptions = {}): Promise<Schedule> {
    return (await this.request<Schedule>("POST", `${schedulePath(scheduleId)}/resume`, options)).data;
  }

  /** DELETE /api/v1/schedules/{schedule_id}: the tasks its runs made stay. */
  async deleteSchedule(scheduleId: string, options: CallOptions = {}): Promise<DeletedSchedule> {
    return (await this.request<DeletedSchedule>("DELETE", schedulePath(scheduleId), options)).data;
  }

  /**
   * POST /api/v1/scrape: a web task for a few URLs, answered in one call. `ended` true: the
   * task ended within the wait, and `items` are all it stored. `ended` false: it is still
   * running (the 202); follow it with {@link waitForTask}, then {@link results}.
   */
  async scrape(
    input: ScrapeInput,
    options: CallOptions = {},
  ): Promise<({ ended: true } & ScrapeEnded) | ({ ended: false } & ScrapePending)> {
    const answer = await this.request<ScrapeEnded | ScrapePending>("POST", "/api/v1/scrape", {
      body: input,
      signal: options.signal,
      // A 503 might come after the task was stored: sending again would make a second one.
      retry503: false,
    });
    return answer.status === 202
      ? { ended: false, ...(answer.data as ScrapePending) }
      : { ended: true, ...(answer.data as ScrapeEnded) };
  }

  // ---- any route ----

  /** A JSON route: resolves with the unwrapped envelope, throws on any non-2xx answer. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const { response, release } = await this.send(method, path, options);
    try {
      const text = await this.readText(response);
      const envelope = parseEnvelope(text);
      if (!response.ok) throw apiError(response, envelope, text);
      if (envelope === undefined || !("code" in envelope))
        throw new ApiError(
          `the answer from ${this.baseUrl} is not the API's JSON envelope: ${excerpt(text)}`,
          response.status,
          { envelope: false },
        );
      return { status: response.status, message: envelope.message, data: envelope.data as T };
    } finally {
      release();
    }
  }

  /**
   * A route whose body is read as a stream (csv and jsonl result pages); throws on any non-2xx
   * answer. Only waiting for the headers is bounded by `timeoutMs`: a page may take long as a whole.
   */
  async requestStream(path: string, query: Query, signal?: AbortSignal): Promise<Response> {
    return (await this.openStream(path, query, signal)).response;
  }

  /** `release` detaches the caller's signal once the body was read (listeners on a long-lived signal would pile up). */
  private async openStream(
    path: string,
    query: Query,
    signal: AbortSignal | undefined,
  ): Promise<{ response: Response; release: () => void }> {
    const { response, settled, release } = await this.send("GET", path, { query, signal });
    settled();
    if (!response.ok) {
      try {
        const text = await this.readText(response);
        throw apiError(response, parseEnvelope(text), text);
      } finally {
        release();
      }
    }
    return { response, release };
  }

  /**
   * Sends, asking again after a 429 or 503 as the options allow. `settled` ends the request's time
   * limit; `release` also detaches the caller's signal (call it once the body was read).
   */
  private async send(method: string, path: string, options: RequestOptions): Promise<Sent> {
    for (let attempt = 0; ; attempt++) {
      const sent = await this.sendOnce(method, path, options);
      const { status } = sent.response;
      const retryable = status === 429 || (status === 503 && options.retry503 !== false);
      if (!retryable || attempt >= (options.maxRetries ?? this.maxRetries)) return sent;
      const retryAfter = retryAfterMs(sent.response.headers.get("retry-after"));
      if (retryAfter !== undefined && retryAfter > this.retryMaxMs) return sent;
      // Backoff with jitter, so clients throttled together do not come back together.
      const backoff = Math.min(this.retryBaseMs * 2 ** attempt, this.retryMaxMs) * (0.5 + Math.random() / 2);
      sent.release();
      await sent.response.body?.cancel().catch(() => undefined);
      await sleep(retryAfter ?? backoff, options.signal);
      options.signal?.throwIfAborted();
    }
  }

  private async sendOnce(method: string, path: string, options: RequestOptions): Promise<Sent> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    // Every POST says JSON, even without a body: the API refuses others (a page on another origin could send them).
    if (options.body !== undefined || method === "POST") headers["content-type"] = "application/json";
    // AbortSignal.any is Node >= 20.3; this works on 18 too.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), this.timeoutMs);
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const settled = () => clearTimeout(timer);
    const release = () => {
      settled();
      options.signal?.removeEventListener("abort", onAbort);
    };
    try {
      const response = await this.fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: controller.signal,
      });
      return { response, settled, release };
    } catch (error) {
      release();
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.networkError(error);
    }
  }

  private async readText(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw this.networkError(error);
    }
  }

  private networkError(error: unknown): NetworkError {
    if (error instanceof RequestTimeout || (error instanceof Error && error.name === "TimeoutError")) {
      return new NetworkError(
        `the API at ${this.baseUrl} did not answer within ${Math.round(this.timeoutMs / 1000)} s`,
      );
    }
    return new NetworkError(`cannot reach the API at ${this.baseUrl}: ${causeOf(error)}`, { cause: error });
  }
}

interface Sent {
  response: Response;
  settled: () => void;
  release: () => void;
}

class RequestTimeout extends Error {
  constructor() {
    super("request timed out");
    this.name = "RequestTimeout";
  }
}

const taskPath = (taskId: string) => `/api/v1/tasks/${encodeURIComponent(taskId)}`;
const accountPath = (accountId: string) => `/api/v1/accounts/${encodeURIComponent(accountId)}`;
const schedulePath = (scheduleId: string) => `/api/v1/schedules/${encodeURIComponent(scheduleId)}`;

/** A TypeError naming `baseUrl` (the CLI says --api-url instead). */
function checkedBaseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // described below
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new TypeError(
      `baseUrl: must be an http or https URL like http://127.0.0.1:8888 (got ${JSON.stringify(value)})`,
    );
  // A stage path (https://host/prod) is kept: routes are appended to it.
  return url.toString().replace(/\/+$/, "");
}

/**
 * `Retry-After` is either seconds or an HTTP date (RFC 9110, section 10.2.3:
 * https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function apiError(response: Response, envelope: Envelope | { message: string } | undefined, text: string): ApiError {
  const retryAfter = retryAfterMs(response.headers.get("retry-after"));
  if (envelope === undefined || !("code" in envelope)) {
    // API Gateway's own answers ({"message":"Too Many Requests"}, {"message":"Internal Server Error"}) have no code.
    const message = envelope?.message ?? (text.trim() === "" ? "" : `the API answered: ${excerpt(text)}`);
    return new ApiError(
      message === "" ? `the API answered HTTP ${response.status} with an empty body` : oneLine(message),
      response.status,
      {
        envelope: false,
        retryAfterMs: retryAfter,
      },
    );
  }
  const data =
    envelope.data !== null && typeof envelope.data === "object" ? (envelope.data as Record<string, unknown>) : {};
  return new ApiError(oneLine(envelope.message), response.status, {
    envelope: true,
    code: typeof data.error === "string" ? data.error : undefined,
    field: typeof data.field === "string" ? data.field : undefined,
    errors: Array.isArray(data.errors) ? (data.errors as FieldError[]) : [],
    data: envelope.data,
    retryAfterMs: retryAfter,
  });
}

/** fetch reports "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function causeOf(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
    else if (current && typeof current === "object" && "code" in current)
      message = String((current as { code: unknown }).code);
  }
  return oneLine(message);
}

/** Our envelope ({code, message, data}) or a gateway's bare {message}; undefined for anything else. */
function parseEnvelope(text: string): Envelope | { message: string } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === "object" && typeof (value as Envelope).message === "string")
      return value as Envelope | { message: string };
  } catch {
    // not JSON: the caller describes it
  }
  return undefined;
}

/**
 * A body's chunks; one that stops arriving for `idleTimeoutMs`, or breaks, is a NetworkError (not a
 * hang). When the caller's signal aborted the request, its reason is thrown instead.
 */
async function* readBody(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new NetworkError(`no data from the API for ${Math.round(idleTimeoutMs / 1000)} s while reading results`),
            ),
          idleTimeoutMs,
        );
      });
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await Promise.race([reader.read(), idle]);
      } catch (error) {
        if (error instanceof NetworkError) throw error;
        signal?.throwIfAborted();
        throw new NetworkError(
          `the connection broke while reading results: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Also when the consumer stops early: the connection is released, not left open.
    await reader.cancel().catch(() => undefined);
  }
}

/** Resolves after `ms`, or at once when the signal aborts (the caller checks it). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ").trim();

function excerpt(text: string): string {
  const line = oneLine(text);
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
