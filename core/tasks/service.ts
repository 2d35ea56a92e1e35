import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationError } from "../errors.js";
import { getPlatform } from "../platforms/registry.js";
import { PLATFORM_NAMES } from "../platforms/types.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import type { ResultStore, StoredResult } from "../results/store.js";
import { integerIn, parseOrThrow, queryIntegerIn } from "../validation.js";
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

/** An opaque cursor from an earlier page; core/pagination.ts refuses anything it did not make. */
const cursorParam = z.string().max(2048, { error: "must be at most 2048 characters" }).optional();

const listQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  platform: z.enum(PLATFORM_NAMES).optional(),
  limit: queryIntegerIn(1, 100).default(20),
  cursor: cursorParam,
});

const resultsQuerySchema = z.strictObject({
  limit: queryIntegerIn(1, 1000).default(100),
  cursor: cursorParam,
  format: z.enum(["json", "jsonl", "csv"]).default("json"),
});

export type ResultsQuery = z.output<typeof resultsQuerySchema>;

/** Fields every task may carry, whatever its platform. */
const commonTaskFields = z.object({
  max_attempts: integerIn(1, 10).optional(),
  max_duration_secs: integerIn(1, 86_400).default(3600),
});
const COMMON_KEYS = Object.keys(commonTaskFields.shape);

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
    const commonPart = Object.fromEntries(Object.entries(body).filter(([key]) => COMMON_KEYS.includes(key)));
    const platformPart = Object.fromEntries(Object.entries(body).filter(([key]) => !COMMON_KEYS.includes(key)));
    const common = parseOrThrow(commonTaskFields, commonPart);
    const input = parseOrThrow(platform.inputSchema, platformPart);
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
      max_attempts: common.max_attempts ?? this.options.maxAttempts,
      max_duration_secs: common.max_duration_secs,
      created_at: now,
      updated_at: now,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
    };

    const idempotency = options.idempotencyKey === undefined ? undefined : this.idempotencyMarker(options.idempotencyKey, { ...input, ...common });
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
    return { task: toPublicTask(task), created: true };
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
   * Queues running tasks whose lease ran out (their worker died: a function timeout,
   * a killed process); the next delivery takes them over. Returns how many.
   */
  async requeueExpiredLeases(): Promise<number> {
    const now = new Date().toISOString();
    let queued = 0;
    for await (const task of this.deps.tasks.listByStatus("running")) {
      if ((task.lease_expires_at ?? task.updated_at) >= now) continue;
      await this.enqueue(task);
      queued++;
    }
    return queued;
  }

  /**
   * A crawl message ended in the dead-letter queue: every delivery of it failed. The task
   * is failed with the reason, unless a live delivery still holds it.
   * Returns the failed task, or undefined when nothing was changed.
   */
  async failDeadLettered(taskId: string, receiveCount: number | undefined): Promise<Task | undefined> {
    const task = TASK_ID_PATTERN.test(taskId) ? await this.deps.tasks.get(taskId) : undefined;
    if (task === undefined || isTerminal(task.status)) return undefined;
    const now = new Date().toISOString();
    const held = task.status === "running" && (task.lease_expires_at ?? task.updated_at) >= now;
    if (held) return undefined;
    const failed = await this.deps.tasks.transition(
      task,
      [task.status],
      "failed",
      {
        finished_at: now,
        lease_owner: undefined,
        lease_expires_at: undefined,
        error: {
          code: "DEAD_LETTERED",
          message: `its crawl message failed ${receiveCount ?? "every"} deliveries and was moved to the dead-letter queue${task.error ? `; last error (${task.error.code}) ${task.error.message}` : ""}`.slice(0, 1000),
        },
      },
      task.status === "running" ? { leaseExpiredBefore: now } : {},
    );
    return failed ? toPublicTask(failed) : undefined;
  }

  /**
   * For a stack that owns every worker (the one-machine stack) just after it started:
   * nothing can be running, so tasks left `running` go back to `pending`, and every
   * pending task is queued (the embedded queue does not survive restarts).
   */
  async recoverAfterRestart(): Promise<{ reset: number; requeued: number }> {
    let reset = 0;
    for await (const task of this.deps.tasks.listByStatus("running")) {
      // Stopping the stack is not the task's fault: the next claim resumes it without a new attempt.
      const moved = await this.deps.tasks.transition(task, ["running"], "pending", {
        error: { code: "INTERRUPTED", message: "the stack stopped while this task was running; it was queued again" },
        handoff: true,
        lease_owner: undefined,
        lease_expires_at: undefined,
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
