import { accountsTable, politenessTable, resultsTable, tasksTable } from "./storage";
import { taskQueue } from "./queue";

/**
 * What every function gets: the resource names in the environment variables core/config.ts
 * reads (ENV). What each may do with them is its own `permissions` (infra/access.ts).
 */
export const functionEnvironment = {
  TASKS_TABLE: tasksTable.name,
  RESULTS_TABLE: resultsTable.name,
  POLITENESS_TABLE: politenessTable.name,
  ACCOUNTS_TABLE: accountsTable.name,
  TASK_QUEUE_URL: taskQueue.url,
};
