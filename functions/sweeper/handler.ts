import { defaultTaskService } from "../../core/tasks/index.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-sweeper");

/** How long a task may stay pending before it is queued again. env STALE_PENDING_SECS @default 300 */
const stalePendingMs = Number(process.env.STALE_PENDING_SECS ?? 300) * 1000;

/** Scheduled: queues tasks that were stored but whose message never arrived. */
export const handler = async (): Promise<{ requeued: number }> => {
  const requeued = await defaultTaskService().requeueStalePending(stalePendingMs);
  if (requeued > 0) logger.info("re-queued stale pending tasks", { requeued });
  return { requeued };
};
