import { eventSourceConcurrencyOf } from "../core/config";

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
export const eventSourceConcurrency = {
  /** Crawls at once across the account: each holds a 2 GB sandbox and one Chromium. env CRAWLER_MAX_CONCURRENCY @default 20 */
  crawler: eventSourceConcurrencyOf("crawlerMaxConcurrency"),
  /** Webhook batches at once. env WEBHOOK_MAX_CONCURRENCY @default 5 */
  webhooks: eventSourceConcurrencyOf("webhookMaxConcurrency"),
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
