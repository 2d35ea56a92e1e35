import { ENV, resultRetentionDaysOf } from "../core/config";
import { accountsTable, politenessTable, resultsTable, schedulesTable, tasksTable } from "./storage";
import { taskQueue } from "./queue";

/**
 * What every function gets: the resource names, under the variable names core/config.ts
 * declares. What each may do with them is its own `permissions` (infra/access.ts).
 */
export const functionEnvironment = {
  [ENV.tasksTable]: tasksTable.name,
  [ENV.resultsTable]: resultsTable.name,
  [ENV.politenessTable]: politenessTable.name,
  [ENV.accountsTable]: accountsTable.name,
  [ENV.schedulesTable]: schedulesTable.name,
  [ENV.taskQueueUrl]: taskQueue.url,
  // Read from the deployer's environment; a bad value stops the deploy (core/config.ts).
  [ENV.resultRetentionDays]: String(resultRetentionDaysOf(process.env)),
};
