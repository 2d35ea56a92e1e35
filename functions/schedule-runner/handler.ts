import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { ScheduleRunOutcome } from "../../core/schedules/runner.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { scheduleRunnerParts } from "../../core/wiring/schedules.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";

const logger = createLogger("crawl-schedule-runner");
const dependencies = buildDependencies({ ...taskParts, ...taskServiceParts, ...scheduleRunnerParts });

/**
 * Invoked by EventBridge Scheduler with the target Input of core/schedules/eventBridge.ts
 * (`{"schedule_id", "scheduled_time"}`); the one-machine stack's timer calls it the same way.
 * An error makes Scheduler retry the run (its retry policy); the task's idempotency key makes
 * a retry of a run that did create its task return that task.
 */
export const handler = middy<unknown, ScheduleRunOutcome>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const outcome = await dependencies.scheduleRunner.run(event);
    logger.info("schedule run", { ...outcome, event: event as Record<string, unknown> });
    return outcome;
  });
