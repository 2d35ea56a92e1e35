import { sharedAwsClients } from "../aws/clients.js";
import { loadConfig } from "../config.js";
import { SqsTaskQueue } from "../queue/taskQueue.js";
import { DynamoResultStore } from "../results/store.js";
import { defaultWebhookNotifier } from "../webhooks/defaults.js";
import { TaskMaintenance } from "./maintenance.js";
import { TaskService, type TaskServiceDeps } from "./service.js";
import { DynamoTaskStore } from "./store.js";
import { DynamoUrlListStore } from "./urlLists.js";

/** The stores, queue and webhook notifier as configured by the environment (AWS or the one-machine stack). */
export function defaultDeps(): TaskServiceDeps {
  const config = loadConfig();
  const { doc, sqs } = sharedAwsClients();
  return {
    tasks: new DynamoTaskStore(doc, config.tasksTable),
    results: new DynamoResultStore(doc, config.resultsTable),
    queue: new SqsTaskQueue(sqs, config.taskQueueUrl),
    webhooks: defaultWebhookNotifier(),
    urlLists: new DynamoUrlListStore(doc, config.tasksTable),
  };
}

export function defaultTaskService(): TaskService {
  return new TaskService(defaultDeps(), { maxAttempts: loadConfig().maxAttempts });
}

/** The sweeper's, the dead-letter consumer's and the one-machine stack's moves, on the same stores. */
export function defaultTaskMaintenance(): TaskMaintenance {
  return new TaskMaintenance(defaultDeps());
}
