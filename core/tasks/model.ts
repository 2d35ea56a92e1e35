import type { PlatformName } from "../platforms/types.js";
import type { TaskIndexAttributes } from "./indexKeys.js";
import type { TaskStatus } from "./status.js";

/** A task id: a ULID, 26 Crockford base-32 characters. */
export const TASK_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface TaskProgress {
  pages_done: number;
  items: number;
  errors: number;
  /** Drift that did not stop the crawl (core/platforms/media/drift.ts): how much, and the first examples. */
  warnings?: number;
  warning_examples?: string[];
  /**
   * Web detail tasks: pages done and failed per host (`params.url_list.hosts` or the URLs
   * say how many each has); past 100 hosts the rest are counted under "(other hosts)".
   */
  hosts?: Record<string, { done: number; errors: number }>;
}

export interface TaskErrorSummary {
  code: string;
  message: string;
}

/** Routes other than POST /api/v1/tasks that create tasks. */
export const TASK_ORIGINS = ["scrape", "schedule"] as const;
export type TaskOrigin = (typeof TASK_ORIGINS)[number];

/**
 * A task as stored in the `tasks` table (one item, snake_case, readable in the console)
 * and as returned by the API (minus the index-only attributes).
 */
export interface Task {
  task_id: string;
  platform: PlatformName;
  crawler_type: string;
  /** The validated task fields, defaults filled in (everything but platform / crawler_type). */
  params: Record<string, unknown>;
  status: TaskStatus;
  attempts: number;
  max_attempts: number;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
  progress: TaskProgress;
  result_count: number;
  error?: TaskErrorSummary;
  /** Present when created with an Idempotency-Key header (the key's hash, not the key). */
  idempotency_key_hash?: string;
  /** A media task's credentialed `proxy`, sealed with the accounts key (./proxySecret.ts); `params.proxy` holds it masked. Never shown. */
  proxy_sealed?: import("./proxySecret.js").SealedProxy;
  /** Longest one attempt may crawl, hand-overs to new invocations included (a retry starts the clock again). */
  max_duration_secs?: number;
  /** Why a completed task stopped before its crawl was exhausted, e.g. "time_limit". */
  stop_reason?: string;
  /** Which delivery holds the task while running; it renews `lease_expires_at` (heartbeat). */
  lease_owner?: string;
  lease_expires_at?: string;
  /** Set when a run handed the task on to a continuation message (the next claim is not a new attempt). */
  handoff?: boolean;
  /** How many times the crawl was continued in a new invocation before its deadline. */
  continuations?: number;
  /**
   * Workers (processes or Lambda sandboxes) that hung while running this task: killed by the
   * pool's watchdog, lost the lease while holding it, or could not wind down their browser by
   * the deadline (./hung.ts). At MAX_HUNG_WORKERS the task fails with WORKER_HUNG.
   */
  hung_workers?: number;
  /** Where the task's webhook events are POSTed (core/webhooks). */
  webhook_url?: string;
  /** Which events go to `webhook_url`; absent: the ended events only (core/webhooks/eventTypes.ts). */
  webhook_events?: import("../webhooks/eventTypes.js").WebhookEventType[];
  /** The last task.page sequence number used (written with progress; never shown). */
  webhook_page_seq?: number;
  /** The caller's own labels, stored as given and echoed in webhook events (core/tasks/schema.ts). */
  metadata?: Record<string, string | number | boolean | null>;
  /** The route that made the task, when it was not POST /api/v1/tasks: "scrape" (POST /api/v1/scrape), "schedule" (a schedule's run). */
  origin?: TaskOrigin;
  /** The schedule whose run made the task (core/schedules); the tasks table's by_schedule index keys on it. */
  schedule_id?: string;
  /** The run keeps only items new or changed since the schedule's earlier runs, and stops paging at seen ones (core/schedules/seen.ts). */
  since_last_run?: boolean;
  /** How delivering the latest event to `webhook_url` went; written by the delivery function. */
  webhook?: WebhookDeliveryRecord;
  /**
   * When DynamoDB's TTL may delete the task (epoch seconds, the tasks table's TTL attribute):
   * set as it ends when RESULT_RETENTION_DAYS is set, removed when it runs again. Shown as an
   * ISO time ({@link PublicTask}).
   */
  expires_at?: number;
}

/** The state of the latest webhook event of a task (one event at a time: the newest wins). */
export interface WebhookDeliveryRecord {
  event_id: string;
  event_type: string;
  /** When the event happened; an older event never overwrites a newer one's record. */
  event_created_at: string;
  /** "retrying": the last attempt failed and another is scheduled. */
  status: "delivered" | "retrying" | "failed";
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  last_status?: number;
  last_error?: string;
  updated_at: string;
}

/** A task as stored: with the partition keys of the list indexes (./indexKeys.ts). */
export type StoredTask = Task & TaskIndexAttributes;

/** What {@link toPublicTask} removes from a stored task. */
export type HiddenTaskKeys = "lease_owner" | "handoff" | "proxy_sealed" | "webhook_page_seq";

/** A task as the API shows it: `expires_at` an ISO time, or null while it is kept for good. */
export type PublicTask = Omit<Task, HiddenTaskKeys | "expires_at"> & { expires_at?: string | null };

/** The task as clients see it. */
export function toPublicTask(stored: StoredTask | Task): PublicTask {
  const {
    list_pk: _list,
    status_pk: _status,
    platform_pk: _platform,
    platform_status_pk: _platformStatus,
    lease_owner: _owner,
    handoff: _handoff,
    proxy_sealed: _sealedProxy,
    webhook_page_seq: _pageSequence,
    expires_at: expiresAt,
    ...rest
  } = stored as StoredTask;
  const task = { ...rest, expires_at: typeof expiresAt === "number" ? new Date(expiresAt * 1000).toISOString() : null };
  const proxy = task.params?.proxy;
  if (typeof proxy === "string") return { ...task, params: { ...task.params, proxy: maskCredentials(proxy) } };
  return task;
}

/** "http://user:secret@host:8080" → "http://user:***@host:8080": a task's proxy password is never shown. */
export function maskCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
