import { withMediaLinks } from "../media/links.js";
import { taskMediaPrefix, type MediaStore } from "../media/store.js";
import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";
import * as z from "zod";
import { sealTaskProxy } from "./proxySecret.js";
import { INLINE_URL_LIMIT, isUrlListRef, type UrlListStore } from "./urlLists.js";
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationError } from "../errors.js";
import type { EgressPolicy } from "../net/addressPolicy.js";
import { PLATFORM_NAMES } from "../platforms/registry.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import {
  EXPORT_FORMATS,
  EXPORT_LAYOUTS,
  resultColumns,
  type ExportFormat,
  type ExportLayout,
} from "../results/export.js";
import { MC_ITEM_TYPES, type McItemType } from "../results/mediacrawler/layout.js";
import { mcPage } from "../results/mediacrawler/page.js";
import type { ResultStore, StoredResult } from "../results/store.js";
import { parseOrThrow, queryIntegerIn } from "../validation.js";
import type { WebhookNotifier } from "../webhooks/notifier.js";
import { webhookAddressProblem } from "../webhooks/targetUrl.js";
import { type PublicTask, TASK_ID_PATTERN, toPublicTask, type Task, type TaskOrigin } from "./model.js";
import { parseTaskBody } from "./schema.js";
import { TASK_STATUSES, TERMINAL_STATUSES, isTerminal, statusesAllowing } from "./status.js";
import type { Page, TaskStore } from "./store.js";

export interface TaskServiceOptions {
  /** Attempts a task gets before it is failed for good. @default 3 */
  maxAttempts?: number;
  /** How long an Idempotency-Key is remembered. @default 86400 (24 h) */
  idempotencyTtlSecs?: number;
  /** Which IP-address hosts a `webhook_url` may name. @default env ALLOW_PRIVATE_TARGETS, read at each create */
  webhookPolicy?: EgressPolicy;
}

export interface TaskServiceDeps {
  tasks: TaskStore;
  results: ResultStore;
  queue: TaskQueue;
  /** Told about each task this service ends (cancel, dead letter); none told when absent. */
  webhooks?: WebhookNotifier;
  /** Where URL lists longer than {@link INLINE_URL_LIMIT} are kept (./urlLists.ts); such lists are refused when absent. */
  urlLists?: UrlListStore;
  /** Media files of download_media tasks (core/media/): deleted with the task, linked in results. */
  media?: { store: MediaStore | undefined; linkTtlSecs: number };
}

const defaults: Required<Omit<TaskServiceOptions, "webhookPolicy">> = { maxAttempts: 3, idempotencyTtlSecs: 86_400 };

/** An opaque cursor from an earlier page; core/pagination.ts refuses anything it did not make. */
const cursorParam = z.string().max(2048, { error: "must be at most 2048 characters" }).optional();

const listQuerySchema = z
  .strictObject({
    status: z.enum(TASK_STATUSES).optional(),
    platform: z.enum(PLATFORM_NAMES).optional(),
    schedule_id: z
      .string()
      .regex(TASK_ID_PATTERN, { error: "must be a schedule id (26 characters)" })
      .optional()
      .meta({ description: "Only the tasks this schedule's runs made, newest first" }),
    limit: queryIntegerIn(1, 100).default(20),
    cursor: cursorParam,
  })
  .superRefine((query, ctx) => {
    // The by_schedule index holds keys only, unsharded: a status or platform filter would
    // read every run to return a few; a schedule's runs share one platform anyway.
    if (query.schedule_id !== undefined && (query.status !== undefined || query.platform !== undefined))
      ctx.addIssue({ code: "custom", path: ["schedule_id"], message: "cannot be combined with status or platform" });
  });

/** A query-string switch. */
const queryFlag = z
  .enum(["1", "true", "0", "false"], { error: "must be 1, true, 0 or false" })
  .transform((value) => value === "1" || value === "true");

/**
 * `limit` stops at 1000, and DynamoDB ends a query page at 1 MB of items anyway, so a
 * page stays well under the 6 MB a Lambda response may carry.
 */
const resultsQuerySchema = z
  .strictObject({
    limit: queryIntegerIn(1, 1000).default(100),
    cursor: cursorParam,
    format: z.enum(EXPORT_FORMATS, { error: 'must be "json", "jsonl" or "csv"' }).default("json").meta({
      description:
        "json: the envelope {items, next_cursor}. csv, jsonl: the pages' bodies, concatenated in order, are one file (CSV header and BOM on the first page only; CSV columns fixed for the task)",
    }),
    bom: queryFlag.optional().meta({
      description:
        "csv and jsonl: start the file (the first page, no cursor) with a UTF-8 BOM, for Excel. Default false, except csv with layout=mediacrawler (MediaCrawler writes its CSV with a BOM)",
    }),
    layout: z.enum(EXPORT_LAYOUTS, { error: 'must be "ours" or "mediacrawler"' }).default("ours").meta({
      description:
        "ours: our items and field names. mediacrawler: a media task's items as MediaCrawler writes them (its column names, order and value formats), one of its files at a time (item_type); not for web tasks",
    }),
    item_type: z.enum(MC_ITEM_TYPES, { error: 'must be "contents", "comments" or "creators"' }).optional().meta({
      description:
        "With layout=mediacrawler (required there): which of MediaCrawler's files, contents (posts), comments or creators. The Content-Disposition filename is MediaCrawler's: {crawler_type}_{item_type}_{date}.{format}",
    }),
  })
  .superRefine((query, ctx) => {
    if (query.bom && query.format === "json") {
      ctx.addIssue({
        code: "custom",
        path: ["bom"],
        message: "only for csv and jsonl (json pages are JSON envelopes)",
      });
    }
    if (query.layout === "mediacrawler" && query.item_type === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["item_type"],
        message:
          'is required with layout=mediacrawler: "contents", "comments" or "creators" (one MediaCrawler file each)',
      });
    }
    if (query.layout !== "mediacrawler" && query.item_type !== undefined) {
      ctx.addIssue({ code: "custom", path: ["item_type"], message: "only with layout=mediacrawler" });
    }
  });

export type ResultsQuery = z.output<typeof resultsQuerySchema>;

/**
 * One page of results, and how to write it when it is a piece of a csv / jsonl file. Items are
 * stored results (layout ours) or MediaCrawler records (layout mediacrawler).
 */
export type ResultsPage = Page<StoredResult | Record<string, unknown>> & {
  format: ExportFormat;
  bom: boolean;
  /** No cursor was given: this page starts the file (BOM, CSV header). */
  first: boolean;
  /** The task's CSV columns (format csv only; [] otherwise). */
  columns: string[];
  layout: ExportLayout;
  /** The file a csv / jsonl export is saved as (Content-Disposition). */
  fileName: string;
  /** layout=mediacrawler: which of its files. */
  itemType?: McItemType;
};

const newTaskId = monotonicFactory();

/**
 * What the API can do with tasks. Validation happens here, at the domain boundary;
 * the HTTP layer only adapts requests and responses.
 */
export class TaskService {
  private readonly options: typeof defaults & TaskServiceOptions;

  constructor(
    private readonly deps: TaskServiceDeps,
    options: TaskServiceOptions = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  /** Checks a create-task body as {@link create} does, storing nothing: a schedule's template (core/schedules). */
  check(body: unknown): void {
    this.parse(body);
  }

  private parse(body: unknown) {
    // The schema lives in ./schema.ts so the dashboard validates its form with it too.
    const parsed = parseTaskBody(body);
    const { common } = parsed;
    const webhookProblem =
      common.webhook_url === undefined
        ? undefined
        : webhookAddressProblem(common.webhook_url, this.options.webhookPolicy);
    if (webhookProblem !== undefined) throw new ValidationError(`webhook_url: ${webhookProblem}`, "webhook_url");
    if (common.webhook_events !== undefined && common.webhook_url === undefined)
      throw new ValidationError("webhook_events: needs a webhook_url to send the events to", "webhook_events");
    return parsed;
  }

  /**
   * Validates, stores, then queues a task. A repeated Idempotency-Key returns the first task.
   * `schedule`: the schedule whose run this is (core/schedules/runner.ts).
   */
  async create(
    body: unknown,
    options: {
      idempotencyKey?: string;
      origin?: TaskOrigin;
      schedule?: { schedule_id: string; since_last_run: boolean };
    } = {},
  ): Promise<{ task: PublicTask; created: boolean }> {
    const { common, input } = this.parse(body);
    const { platform: platformName, crawler_type, ...given } = input;
    const now = new Date().toISOString();
    const taskId = newTaskId();
    // A proxy's password is sealed before anything is stored (./proxySecret.ts).
    const sealed = sealTaskProxy(taskId, given);
    const { proxy_sealed } = sealed;
    const idempotency =
      options.idempotencyKey === undefined
        ? undefined
        : this.idempotencyMarker(options.idempotencyKey, { ...input, ...common });
    // A replay of the same request writes the same list again, not a second one.
    const listId =
      idempotency === undefined ? taskId : `k${sha256(idempotency.keyHash + idempotency.requestHash).slice(0, 32)}`;
    const params = await this.storeLongUrlList(sealed.params, listId);
    const task: Task = {
      task_id: taskId,
      platform: platformName,
      crawler_type,
      params,
      ...(proxy_sealed === undefined ? {} : { proxy_sealed }),
      status: "pending",
      attempts: 0,
      max_attempts: common.max_attempts ?? this.options.maxAttempts,
      max_duration_secs: common.max_duration_secs,
      ...(common.webhook_url === undefined ? {} : { webhook_url: common.webhook_url }),
      ...(common.webhook_events === undefined ? {} : { webhook_events: common.webhook_events }),
      ...(common.metadata === undefined ? {} : { metadata: common.metadata }),
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.schedule === undefined
        ? {}
        : {
            schedule_id: options.schedule.schedule_id,
            ...(options.schedule.since_last_run ? { since_last_run: true } : {}),
          }),
      created_at: now,
      updated_at: now,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
    };

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

  /**
   * A list of more than {@link INLINE_URL_LIMIT} URLs is stored apart (./urlLists.ts) before
   * the task, which keeps `url_list` (count, hosts, first URLs) instead of `urls`.
   */
  private async storeLongUrlList(params: Record<string, unknown>, listId: string): Promise<Record<string, unknown>> {
    const urls = params.urls;
    if (!Array.isArray(urls) || urls.length <= INLINE_URL_LIMIT) return params;
    if (this.deps.urlLists === undefined)
      throw new ValidationError(
        `urls: at most ${INLINE_URL_LIMIT} URLs here (this service stores no longer lists)`,
        "urls",
      );
    const { urls: _stored, ...rest } = params;
    return { ...rest, url_list: await this.deps.urlLists.save(urls as string[], listId) };
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

  private enqueue(task: Task): Promise<void> {
    return enqueueTask(this.deps.queue, task);
  }

  async get(taskId: string): Promise<PublicTask> {
    const task = TASK_ID_PATTERN.test(taskId) ? await this.deps.tasks.get(taskId) : undefined;
    if (task === undefined) throw new NotFoundError(`task_id: task ${JSON.stringify(taskId.slice(0, 64))} not found`);
    return toPublicTask(task);
  }

  async list(query: Record<string, string | undefined>): Promise<Page<PublicTask>> {
    const parsed = parseOrThrow(listQuerySchema, query);
    const page = await this.deps.tasks.list(parsed);
    return { items: page.items.map(toPublicTask), next_cursor: page.next_cursor };
  }

  /** Cancels a pending or running task; a running crawl stops before its next page. */
  async cancel(taskId: string): Promise<PublicTask> {
    const task = await this.get(taskId);
    if (task.status === "cancelled") return task;
    if (isTerminal(task.status)) throw new ConflictError(`task is already ${task.status} and cannot be cancelled`);
    const cancelled = await this.deps.tasks.transition(task, statusesAllowing("cancelled"), "cancelled", {
      finished_at: new Date().toISOString(),
    });
    if (cancelled) {
      await this.deps.webhooks?.taskEnded(cancelled);
      return toPublicTask(cancelled);
    }
    return this.cancel(taskId); // it moved meanwhile; decide again on the fresh state
  }

  /**
   * Deletes a finished task and everything stored for it: its results, then its stored URL
   * list, then the task itself (only if it is still finished: a retry meanwhile wins). In
   * that order, a delete cut short leaves the task in place, and deleting it again finishes
   * the job. A task that may still run is a 409: cancel it first.
   */
  async delete(taskId: string): Promise<{ task_id: string; results_deleted: number }> {
    const task = await this.get(taskId);
    if (!isTerminal(task.status)) {
      throw new ConflictError(`task is ${task.status}: cancel it first, then delete it`);
    }
    // Files first: a delete cut short after them leaves the task, and deleting again finishes.
    // Only a download_media task can have any: other deletes make no storage call.
    if (task.params.download_media === true) await this.deps.media?.store?.deleteUnder(taskMediaPrefix(task.task_id));
    const resultsDeleted = await this.deps.results.deleteAll(task.task_id);
    const urlList = task.params.url_list;
    if (isUrlListRef(urlList)) await this.deps.urlLists?.remove(urlList);
    if (!(await this.deps.tasks.deleteIn(task.task_id, TERMINAL_STATUSES))) {
      const now = await this.deps.tasks.get(task.task_id);
      if (now !== undefined) throw new ConflictError(`task is ${now.status}: cancel it first, then delete it`);
    }
    return { task_id: task.task_id, results_deleted: resultsDeleted };
  }

  /** Puts a failed or cancelled task back in the queue; it keeps its attempts and gets new ones. */
  async retry(taskId: string): Promise<PublicTask> {
    const task = await this.get(taskId);
    if (task.status !== "failed" && task.status !== "cancelled") {
      throw new ConflictError(`task is ${task.status}; only failed or cancelled tasks can be retried`);
    }
    const retried = await this.deps.tasks.transition(task, ["failed", "cancelled"], "pending", {
      error: undefined,
      // The new attempt has not started: its clock (elapsed, max_duration_secs) starts at its claim.
      started_at: undefined,
      finished_at: undefined,
      progress: { pages_done: 0, items: 0, errors: 0 },
      result_count: 0,
      max_attempts: task.attempts + this.options.maxAttempts,
      // A retry is a person's decision to try again: workers hung before do not count against it.
      hung_workers: undefined,
      // A run of the previous attempt may still be finishing: without the lease it can no
      // longer write progress or counts onto this attempt.
      lease_owner: undefined,
      lease_expires_at: undefined,
    });
    if (retried === undefined) throw new ConflictError("task changed while retrying; try again");
    await this.enqueue(retried);
    return toPublicTask(retried);
  }

  /**
   * One page of a task's results. csv and jsonl pages are pieces of one file: only the
   * first page (no cursor) carries the BOM and the CSV header, and the CSV columns come
   * from the task, never from the page's items, so they are the same on every page.
   */
  async results(taskId: string, query: Record<string, string | undefined>): Promise<ResultsPage> {
    const parsed = parseOrThrow(resultsQuerySchema, query);
    const task = await this.get(taskId);
    if (parsed.layout === "mediacrawler" && parsed.item_type !== undefined) {
      const page = await this.deps.results.list(taskId, parsed);
      return {
        ...mcPage(task, page, { format: parsed.format, itemType: parsed.item_type, bom: parsed.bom }),
        first: !parsed.cursor,
      };
    }
    const page = await this.deps.results.list(taskId, parsed);
    const media = this.deps.media;
    if (media !== undefined && task.params.download_media === true)
      page.items = await withMediaLinks(page.items, media.store, media.linkTtlSecs, { csv: parsed.format === "csv" });
    return {
      ...page,
      format: parsed.format,
      bom: parsed.bom ?? false,
      first: !parsed.cursor,
      columns: parsed.format === "csv" ? resultColumns(task) : [],
      layout: "ours",
      fileName: `${task.task_id}.${parsed.format}`,
    };
  }

  /** Which dependencies answer. */
  async health(): Promise<{ tasks_table: boolean; queue: boolean }> {
    const [tasks, queue] = await Promise.allSettled([this.deps.tasks.ping(), this.deps.queue.ping()]);
    return { tasks_table: tasks.status === "fulfilled", queue: queue.status === "fulfilled" };
  }
}

/**
 * Sends a task's message. A queue that does not answer is a 503 that says the task is safe:
 * it is stored as pending, and the sweeper queues it again.
 */
export async function enqueueTask(queue: TaskQueue, task: Task): Promise<void> {
  try {
    await queue.send({ task_id: task.task_id });
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    throw new DependencyUnavailableError(
      "queue",
      `queue is unavailable: task ${task.task_id} is stored as pending and will be queued again by the sweeper`,
      { cause: error },
    );
  }
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// The query schemas, for the OpenAPI document (functions/api/openapi.ts) to be generated from.
export { listQuerySchema as taskListQuerySchema, resultsQuerySchema as taskResultsQuerySchema };
