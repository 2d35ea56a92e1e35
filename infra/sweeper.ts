import { queueGrant, tableGrant } from "./access";
import { functionEnvironment } from "./environment";
import { taskQueue } from "./queue";
import { tasksTable } from "./storage";

/**
 * Every five minutes, re-queue tasks that have sat in pending too long.
 * CronV2 (EventBridge Scheduler); SST 4 deprecates Cron. A failed sweep is not retried:
 * the next one is five minutes away.
 */
export const sweeper = new sst.aws.CronV2("Sweeper", {
  schedule: "rate(5 minutes)",
  function: {
    handler: "functions/sweeper/handler.handler",
    memory: "512 MB",
    timeout: "1 minute",
    retries: 0,
    environment: functionEnvironment,
    // Lists pending and running tasks (by_status), touches and re-queues them.
    permissions: [tableGrant(tasksTable, ["GetItem", "BatchGetItem", "Query", "UpdateItem"]), queueGrant(taskQueue)],
  },
});
