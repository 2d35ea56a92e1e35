import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationError } from "../errors.js";
import { getPlatform } from "../platforms/registry.js";
import { PLATFORM_NAMES } from "../platforms/types.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import type { ResultStore, StoredResult } from "../results/store.js";
import { parseOrThrow } from "../validation.js";
import { toPublicTask, type Task } from "./model.js";
import { TASK_STATUSES, isTerminal, statusesAllowing } from "./status.js";
import type { Page, TaskStore } from "./store.js";

export interface TaskServiceOptions {
  /** Attempts a task gets before it is failed for good. @default 3 */
  maxAttempts?: number;
  /** How long an Idempotency-Key is remembered. @default 86400 (24 h) */
  idempotencyTtlSecs?: number;
}

export interface TaskServiceDeps {
  tasks: TaskStore;
  results: ResultStore;
  queue: TaskQueue;
}

const defaults: Required<TaskServiceOptions> = { maxAttempts: 3, idempotencyTtlSecs: 86_400 };

const listQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  platform: z.enum(PLATFORM_NAMES).optional(),
  limit: z.coerce.number({ error: "must be a number" }).int({ error: "must be an integer" }).min(1).max(100).default(20),
  cursor: z.string().optional(),
});

const resultsQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "must be a number" }).int({ error: "must be an integer" }).min(1).max(1000).default(100),
  cursor: z.string().optional(),
  format: z.enum(["json", "jsonl", "csv"]).default("json"),
});

export type ResultsQuery = z.output<typeof resultsQuerySchema>;

const newTaskId = monotonicFactory();
const TASK_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * What the API can do with tasks. Validation happens here, at the domain boundary;
 * the HTTP layer only adapts requests and responses.
 */
export class TaskService {
  private readonly options: Required<TaskServiceOptions>;

  constructor(
    private readonly deps: TaskServiceDeps,
    options: TaskServiceOptions = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  /** Validates, stores, then queues a task. A repeated Idempotency-Key returns the first task. */
  async create(body: unknown, options: { idempotencyKey?: string } = {}): Promise<{ task: Task; created: boolean }> {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new ValidationError("body: must be a JSON object", "body");
    }
    const platform = getPlatform((body as Record<string, unknown>).platform);
    const input = parseOrThrow(platform.inputSchema, body);
    const { platform: platformName, crawler_type, ...params } = input as Record<string, unknown> & {
      platform: Task["platform"];
      crawler_type: string;
    };
    const now = new Date().toISOString();
    const task: Task = {
      task_id: newTaskId(),
      platform: platformName,
      crawler_type,
      params,
      status: "pending",
      attempts: 0,
      max_attempts: this.options.maxAttempts,
      created_at: now,
      updated_at: now,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
    };

    const idempotency = options.idempotencyKey === undefined ? undefined : this.idempotencyMarker(options.idempotencyKey, input);
    if (idempotency) task.idempotency_key_hash = idempotency.keyHash;
    const outcome = await this.deps.tasks.create(task, idempotency);
    if (!outcome.created) {
      if (outcome.requestHash !== idempotency?.requestHash) {
        throw new ConflictError("Idempotency-Key: was already used with a different request body");
      }
      const existing = await this.deps.tasks.get(outcome.existingTaskId);
      if (existing === undefined) throw new NotFoundError(`task ${outcome.existingTaskId} not found`);
      // The first request may have stored the task but failed to queue it: queue again.
      // A second message is harmless, the crawler's conditional claim runs it once.
      if (existing.status === "pending") await this.enqueue(existing);
      return { task: toPublicTask(existing), created: false };
    }
    await this.enqueue(task);
    return { task, created: true };
  }

  private idempotencyMarker(key: string, input: unknown) {
    if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ValidationError("Idempotency-Key: must be 1–255 visible ASCII characters", "Idempotency-Key");
    }
    return {
      keyHash: sha256(key),
      requestHash: sha256(JSON.stringify(input)),
      expiresAtEpochSecs: Math.floor(Date.now() / 1000) + this.options.idempotencyTtlSecs,
    };
  }

  private async enqueue(task: Task): Promise<void> {
    try {
      await this.deps.queue.send({ task_id: task.task_id });
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      throw new DependencyUnavailableError(
        "queue",
        `queue is unavailable: task ${task.task_id} is stored as pending and will be queued again by the sweeper`,
        { cause: error },
      );
    }
  }

  async get(taskId: string): Promise<Task> {
    const task = TASK_ID_PATTERN.test(taskId) ? await this.deps.tasks.get(taskId) : undefined;
    if (task === undefined) throw new NotFoundError(`task_id: task ${JSON.stringify(taskId.slice(0, 64))} not found`);
    return toPublicTask(task);
  }

  async list(query: Record<string, string | undefined>): Promise<Page<Task>> {
    const parsed = parseOrThrow(listQuerySchema, query);
    const page = await this.deps.tasks.list(parsed);
    return { items: page.items.map(toPublicTask), next_cursor: page.next_cursor };
  }

  /** Cancels a pending or running task; a running crawl stops before its next page. */
  async cancel(taskId: string): Promise<Task> {
    const task = await this.get(taskId);
    if (task.status === "cancelled") return task;
    if (isTerminal(task.status)) throw new ConflictError(`task is already ${task.status} and cannot be cancelled`);
    const cancelled = await this.deps.tasks.transition(task, statusesAllowing("cancelled"), "cancelled", {
      finished_at: new Date().toISOString(),
    });
    if (cancelled) return toPublicTask(cancelled);
    return this.cancel(taskId); // it moved meanwhile; decide again on the fresh state
  }

  /** Puts a failed or cancelled task back in the queue; it keeps its attempts and gets new ones. */
  async retry(taskId: string): Promise<Task> {
    const task = await this.get(taskId);
    if (task.status !== "failed" && task.status !== "cancelled") {
      throw new ConflictError(`task is ${task.status}; only failed or cancelled tasks can be retried`);
    }
    const retried = await this.deps.tasks.transition(task, ["failed", "cancelled"], "pending", {
      error: undefined,
      finished_at: undefined,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
      max_attempts: task.attempts + this.options.maxAttempts,
    });
    if (retried === undefined) throw new ConflictError("task changed while retrying; try again");
    await this.enqueue(retried);
    return toPublicTask(retried);
  }

  async results(taskId: string, query: Record<string, string | undefined>): Promise<Page<StoredResult> & { format: ResultsQuery["format"] }> {
    const parsed = parseOrThrow(resultsQuerySchema, query);
    await this.get(taskId);
    const page = await this.deps.results.list(taskId, parsed);
    return { ...page, format: parsed.format };
  }

  /** Which dependencies answer. */
  async health(): Promise<{ tasks_table: boolean; queue: boolean }> {
    const [tasks, queue] = await Promise.allSettled([this.deps.tasks.ping(), this.deps.queue.ping()]);
    return { tasks_table: tasks.status === "fulfilled", queue: queue.status === "fulfilled" };
  }

  /**
   * Queues tasks that stayed pending longer than `olderThanMs` (stored but never queued,
   * or their message was lost). Returns how many were queued.
   */
  async requeueStalePending(olderThanMs: number): Promise<number> {
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let queued = 0;
    for await (const task of this.deps.tasks.listByStatus("pending", before)) {
      await this.enqueue(task);
      // Touch updated_at so the next sweep does not queue it again straight away.
      await this.deps.tasks.transition(task, ["pending"], "pending");
      queued++;
    }
    return queued;
  }

  /**
   * For a stack that owns every worker (the one-machine stack) just after it started:
   * nothing can be running, so tasks left `running` go back to `pending`, and every
   * pending task is queued (the embedded queue does not survive restarts).
   */
  async recoverAfterRestart(): Promise<{ reset: number; requeued: number }> {
    let reset = 0;
    for await (const task of this.deps.tasks.listByStatus("running")) {
      const moved = await this.deps.tasks.transition(task, ["running"], "pending", {
        error: { code: "INTERRUPTED", message: "the stack stopped while this task was running; it was queued again" },
      });
      if (moved) reset++;
    }
    let requeued = 0;
    for await (const task of this.deps.tasks.listByStatus("pending")) {
      await this.enqueue(task);
      requeued++;
    }
    return { reset, requeued };
  }
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
