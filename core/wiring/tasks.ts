/** The task parts of the builder (./dependencies.ts): the stores, the queue and the task services on them. */
import { SqsTaskQueue } from "../queue/taskQueue.js";
import { DynamoResultStore } from "../results/store.js";
import { TaskMaintenance } from "../tasks/maintenance.js";
import { DynamoFixedWindowLimiter, type RateLimiter } from "../ratelimit/fixedWindow.js";
import { ScrapeService } from "../tasks/scrape.js";
import { TaskService, type TaskServiceDeps } from "../tasks/service.js";
import { DynamoTaskStore } from "../tasks/store.js";
import { DynamoUrlListStore } from "../tasks/urlLists.js";
import { QueueWebhookNotifier, type WebhookNotifier } from "../webhooks/notifier.js";
import { SqsWebhookQueue } from "../webhooks/queue.js";
import type { MediaConfig } from "../config.js";
import type { MediaStore } from "../media/store.js";
import type { BaseDependencies } from "./dependencies.js";

export const taskParts = {
  /** The notifier the API, the crawler and the dead-letter consumer use: the queue from WEBHOOK_QUEUE_URL, if set. */
  webhookNotifier: ({ config, clients }: BaseDependencies): WebhookNotifier =>
    new QueueWebhookNotifier(
      config.webhookQueueUrl ? new SqsWebhookQueue(clients.sqs, config.webhookQueueUrl) : undefined,
    ),
  /** The task and result stores, the crawl queue, the URL lists and the webhook notifier. */
  taskDeps: ({
    config,
    clients: { doc, sqs },
    webhookNotifier,
  }: BaseDependencies & { webhookNotifier: WebhookNotifier }): TaskServiceDeps => ({
    tasks: new DynamoTaskStore(doc, config.tasksTable, { retentionDays: config.resultRetentionDays }),
    results: new DynamoResultStore(doc, config.resultsTable, { retentionDays: config.resultRetentionDays }),
    queue: new SqsTaskQueue(sqs, config.taskQueueUrl),
    webhooks: webhookNotifier,
    urlLists: new DynamoUrlListStore(doc, config.tasksTable),
  }),
  /** The sweeper's, the dead-letter consumer's and the one-machine stack's moves, on the same stores. */
  taskMaintenance: ({ taskDeps }: { taskDeps: TaskServiceDeps }) => new TaskMaintenance(taskDeps),
};

/**
 * The API's task operations, with {@link taskParts}. Apart, and not spread from it, so that the
 * sweeper's and the dead-letter consumer's bundles do not carry them.
 */
export const taskServiceParts = {
  /** With ./media.ts's parts (the API's): media files deleted with their task and linked in results. */
  taskService: ({
    config,
    taskDeps,
    mediaStore,
    mediaConfig,
  }: BaseDependencies & {
    taskDeps: TaskServiceDeps;
    mediaStore?: MediaStore | undefined;
    mediaConfig?: MediaConfig;
  }) =>
    new TaskService(
      mediaConfig === undefined
        ? taskDeps
        : { ...taskDeps, media: { store: mediaStore, linkTtlSecs: mediaConfig.linkTtlSecs } },
      { maxAttempts: config.maxAttempts },
    ),
  /** POST /api/v1/scrape: a task made by the task service, waited for on the same stores. */
  scrapeService: ({ taskService, taskDeps }: { taskService: TaskService; taskDeps: TaskServiceDeps }) =>
    new ScrapeService({ tasks: taskService, results: taskDeps.results }),
  /** The task-creation budget per caller (CREATE_RATE_LIMIT a minute), counted in the politeness table; undefined when 0. */
  createRateLimiter: ({ config, clients }: BaseDependencies): RateLimiter | undefined =>
    config.createRateLimit > 0
      ? new DynamoFixedWindowLimiter(clients.doc, config.politenessTable, {
          policy: "create",
          limit: config.createRateLimit,
        })
      : undefined,
};
