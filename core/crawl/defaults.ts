import { sharedAwsClients } from "../aws/clients.js";
import { loadConfig } from "../config.js";
import { defaultDeps } from "../tasks/defaults.js";
import { DynamoCheckpointStore } from "./checkpoints.js";
import type { RunTaskDeps, TaskBrowser } from "./runTask.js";

/** Everything runTask needs, as configured by the environment, around the given browser. */
export function defaultRunDeps(browser: TaskBrowser, log?: RunTaskDeps["log"]): RunTaskDeps {
  const { tasks, results, queue, webhooks, urlLists } = defaultDeps();
  const checkpoints = new DynamoCheckpointStore(sharedAwsClients().doc, loadConfig().tasksTable);
  return {
    tasks,
    results,
    queue,
    checkpoints,
    browser,
    ...(urlLists ? { urlLists } : {}),
    ...(webhooks ? { webhooks } : {}),
    ...(log ? { log } : {}),
  };
}
