/**
 * RESULT_RETENTION_DAYS as DynamoDB TTL values. DynamoDB deletes an item some time after the
 * epoch seconds in its TTL attribute pass, "typically within a few days"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html); the
 * one-machine stack sweeps them itself (local/expirySweep.ts), since dynalite does not.
 *
 * - A task gets `expires_at` = when it ended + the retention, in the write that ends it, and
 *   loses it when it runs again (a retry). Its URL list and checkpoint get the same.
 * - A result gets `expires_at` = when it was stored + the longest its attempt may still run
 *   (the task's max_duration_secs) + the retention, so it does not go before its task when
 *   the task ends in the attempt that stored it. Results of an earlier attempt (kept across a
 *   retry) may go before the task, by as long as the later attempts took.
 */

const DAY_SECS = 86_400;

/** The TTL (epoch seconds) of an item kept `days` after `fromMs`, plus `extraSecs`. */
export function expiryEpochSecs(days: number, fromMs: number = Date.now(), extraSecs = 0): number {
  return Math.floor(fromMs / 1000) + extraSecs + days * DAY_SECS;
}

/** The longest an attempt runs when a task does not say (core/tasks/schema.ts caps max_duration_secs at this). */
export const LONGEST_ATTEMPT_SECS = 86_400;
