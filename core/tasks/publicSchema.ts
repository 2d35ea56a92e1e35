import * as z from "zod";
import { PLATFORM_NAMES } from "../platforms/registry.js";
import { TASK_ORIGINS, type PublicTask } from "./model.js";
import { TASK_STATUSES } from "./status.js";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/eventTypes.js";

const count = z.int().min(0);
const timestamp = z.iso.datetime().meta({ description: "ISO 8601 UTC time", examples: ["2026-11-28T19:36:03.648Z"] });

export const taskProgressSchema = z.object({
  pages_done: count.meta({ description: "Pages (or feed pages) crawled so far" }),
  items: count.meta({ description: "Result items stored so far" }),
  errors: count.meta({ description: "Items that record a failure (`ok: false`)" }),
  warnings: count.optional().meta({
    description:
      "Media crawls: how often a site's answer lacked an optional field the crawler reads, plus the distinct new fields it sent (each once per task, at most 20): drift that did not stop the crawl",
  }),
  warning_examples: z
    .array(z.string())
    .optional()
    .meta({
      description:
        'The first distinct drift warnings, e.g. "xhs search: result page (/api/sns/web/v1/search/notes): missing optional field data.items[].note_card.cover"',
      examples: [
        ["xhs search: result page (/api/sns/web/v1/search/notes): missing optional field data.items[].note_card.cover"],
      ],
    }),
  hosts: z
    .record(z.string(), z.object({ done: count, errors: count }))
    .optional()
    .meta({
      description:
        'Web detail tasks: pages done and failed per host (how many each host has: params.url_list.hosts, or params.urls); past 100 hosts the rest are counted under "(other hosts)"',
      examples: [{ "example.com": { done: 120, errors: 3 }, "news.example.org": { done: 40, errors: 0 } }],
    }),
});

export const taskErrorSchema = z.object({
  code: z.string().meta({
    description: "Stable error code, e.g. ALL_PAGES_FAILED, DEAD_LETTERED, WORKER_HUNG",
    examples: ["ALL_PAGES_FAILED"],
  }),
  message: z.string().meta({ description: "What went wrong; never a stack trace" }),
});

export const webhookDeliverySchema = z.object({
  event_id: z.string(),
  event_type: z.string().meta({ examples: ["task.completed"] }),
  event_created_at: timestamp,
  status: z
    .enum(["delivered", "retrying", "failed"])
    .meta({ description: "retrying: the last attempt failed and another is scheduled" }),
  attempts: count,
  last_status: z.int().optional().meta({ description: "HTTP status of the last answer, when there was one" }),
  last_error: z.string().optional(),
  updated_at: timestamp,
});

/**
 * A task as the API returns it ({@link toPublicTask}): the stored task without its
 * index-only and lease-holder attributes. The OpenAPI document is generated from this
 * schema; the type check at the bottom keeps it and the {@link Task} interface in step.
 */
export const publicTaskSchema = z
  .object({
    task_id: z.string().meta({
      description: "ULID: 26 characters, sortable by creation time",
      examples: ["01M8HTGMT0PZCB39H6NHNGWHHM"],
    }),
    platform: z.enum(PLATFORM_NAMES),
    crawler_type: z.string().meta({
      description:
        "The platform's crawl mode: detail or crawl for web; search, detail or creator for the media platforms",
    }),
    params: z.record(z.string(), z.unknown()).meta({
      description:
        "The validated task fields with their defaults filled in (everything but platform and crawler_type); a proxy's password is shown as ***",
    }),
    status: z.enum(TASK_STATUSES),
    attempts: count.meta({ description: "Runs started so far (a hand-over to a new invocation is not a new attempt)" }),
    max_attempts: z.int().min(1).meta({ description: "The task is failed once attempts reach this" }),
    created_at: timestamp,
    updated_at: timestamp,
    started_at: timestamp.optional(),
    finished_at: timestamp.optional(),
    progress: taskProgressSchema,
    result_count: count.meta({ description: "Result items stored" }),
    error: taskErrorSchema
      .optional()
      .meta({ description: "The last error: why the task failed, or why its last run was retried" }),
    idempotency_key_hash: z
      .string()
      .optional()
      .meta({ description: "SHA-256 of the Idempotency-Key it was created with (never the key itself)" }),
    max_duration_secs: z.int().min(1).optional().meta({ description: "Longest one attempt may crawl" }),
    stop_reason: z
      .string()
      .optional()
      .meta({
        description: "Why a completed task stopped before its crawl was exhausted, e.g. time_limit",
        examples: ["time_limit"],
      }),
    lease_expires_at: timestamp
      .optional()
      .meta({ description: "While running: when the worker's lease runs out unless renewed" }),
    continuations: count
      .optional()
      .meta({ description: "How many times the crawl was continued in a new invocation before its deadline" }),
    hung_workers: count.optional().meta({
      description:
        "Workers that hung while running this task (stopped heart-beating, lost their lease, or their browser stopped answering); at 2 the task fails with WORKER_HUNG",
    }),
    webhook_url: z.string().optional().meta({ description: "Where the task's webhook events are POSTed" }),
    webhook_events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).optional().meta({
      description:
        "Which events go to webhook_url, as given at creation; absent: task.completed, task.failed and task.cancelled",
    }),
    webhook: webhookDeliverySchema
      .optional()
      .meta({ description: "How delivering the latest event to webhook_url went" }),
    metadata: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .meta({ description: "Your own labels, as given at creation; echoed in webhook events" }),
    origin: z.enum(TASK_ORIGINS).optional().meta({
      description:
        "The route that made the task, when not POST /api/v1/tasks: scrape (POST /api/v1/scrape), schedule (a run of a schedule)",
    }),
    schedule_id: z.string().optional().meta({ description: "The schedule whose run made this task" }),
    since_last_run: z.boolean().optional().meta({
      description:
        "Set by the schedule: the run stores only items new or changed since the schedule's earlier runs, and stops paging a newest-first listing once it reaches items they stored",
    }),
    expires_at: timestamp.nullable().optional().meta({
      description:
        "When the task and its results may be deleted: RESULT_RETENTION_DAYS after it ended (DynamoDB deletes expired items within a few days after this). null while it is pending or running, or when the deployment keeps tasks for good (RESULT_RETENTION_DAYS=0, the default). Always present in this version's answers",
    }),
  })
  .meta({ description: "A crawl task" });

// Fails to compile when the interface and the schema disagree on a field, in either direction.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
const _keysMatch: SameKeys<PublicTask, z.output<typeof publicTaskSchema>> = true;
const _outputFitsTask: PublicTask = {} as z.output<typeof publicTaskSchema>;
void _keysMatch;
void _outputFitsTask;
