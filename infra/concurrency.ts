/**
 * How many invocations each queue's event source may run at once: its MaximumConcurrency
 * (2–1000, Lambda API ScalingConfig). Without it a burst of tasks scales the crawler up to
 * the account's whole concurrency (1,000 by default, 10 on some new accounts): the API is
 * then throttled (429 to clients), and a crawl message whose invocation is throttled comes
 * back only after the queue's 30-minute visibility timeout, one receive used up. With it,
 * Lambda's poller stops taking messages at the cap and the rest wait in the queue, no
 * receive counted ("Introducing maximum concurrency of AWS Lambda functions when using
 * Amazon SQS as an event source", AWS Compute Blog, 2023).
 *
 * The API gets no reserved concurrency: reserving would also cap it and take the amount
 * out of what every other function may use, and an account must keep 100 unreserved (a new
 * account with a limit of 10 could not deploy at all). The capped consumers leave it the
 * rest: account limit − crawler − webhooks − dead letters − 1 sweeper.
 *
 * Set at deploy time, e.g. `CRAWLER_MAX_CONCURRENCY=50 npx sst deploy` (or in .env, which
 * SST loads).
 */
function fromEnvironment(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 2 || value > 1000) {
    throw new Error(
      `${name} must be a whole number from 2 to 1000 (SQS event source MaximumConcurrency), got "${raw}"`,
    );
  }
  return value;
}

export const eventSourceConcurrency = {
  /** Crawls at once across the account: each holds a 2 GB sandbox and one Chromium. env CRAWLER_MAX_CONCURRENCY @default 20 */
  crawler: fromEnvironment("CRAWLER_MAX_CONCURRENCY", 20),
  /** Webhook batches at once. env WEBHOOK_MAX_CONCURRENCY @default 5 */
  webhooks: fromEnvironment("WEBHOOK_MAX_CONCURRENCY", 5),
  /** Dead-letter batches at once (the lowest SQS allows). */
  deadLetters: 2,
} as const;

/** A subscription's `transform` setting its event source's MaximumConcurrency. */
export function maximumConcurrency(value: number) {
  return {
    eventSourceMapping: (args: {
      scalingConfig?: $util.Input<{ maximumConcurrency?: $util.Input<number> }>;
    }): undefined => {
      args.scalingConfig = { maximumConcurrency: value };
    },
  };
}
