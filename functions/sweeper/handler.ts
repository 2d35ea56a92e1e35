import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-sweeper");
const dependencies = buildDependencies(taskParts);

/**
 * Scheduled: queues tasks that were stored but whose message never arrived, and running
 * tasks whose worker died (their lease ran out), so no task stays pending or running forever.
 */
export const handler = async (): Promise<{ requeued: number; expired: number }> => {
  const service = dependencies.taskMaintenance;
  const requeued = await service.requeueStalePending(dependencies.config.stalePendingSecs * 1000);
  const expired = await service.requeueExpiredLeases();
  if (requeued > 0 || expired > 0) logger.info("re-queued tasks", { stale_pending: requeued, expired_leases: expired });
  return { requeued, expired };
};
