import type { Schedule } from "./model.js";

/**
 * What fires a schedule's runs. On AWS an EventBridge Scheduler schedule per schedule
 * (./eventBridge.ts); in the one-machine stack nothing needs telling, since its timer reads
 * the schedules table at each tick (local/scheduleTimer.ts), so pausing and deleting take
 * effect without a restart.
 */
export interface ScheduleTrigger {
  /** Creates the trigger of a new schedule, enabled or not as `schedule.state` says. */
  create(schedule: Schedule): Promise<void>;
  /** Enables or disables it as `schedule.state` says. */
  update(schedule: Schedule): Promise<void>;
  /** Removes it; removing one that is already gone is not an error. */
  delete(scheduleId: string): Promise<void>;
}

/** The one-machine stack's: the table is all its timer reads. */
export const tableOnlyTrigger: ScheduleTrigger = {
  create: async () => {},
  update: async () => {},
  delete: async () => {},
};
