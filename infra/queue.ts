/** The crawler's timeout; the queue's visibility timeout is derived from it. */
export const CRAWLER_TIMEOUT_MINUTES = 5;

/** A crawl message received this many times without success moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** The dead-letter consumer's timeout (infra/deadLetters.ts); its queue's visibility timeout is six times it. */
export const DEAD_LETTER_CONSUMER_TIMEOUT_SECONDS = 30;

/**
 * A dead letter the consumer failed on this many times (about 30 minutes at a 3-minute
 * visibility timeout: the tasks table was unreachable all that time) is parked.
 */
export const DEAD_LETTER_MAX_RECEIVE_COUNT = 10;

/** SQS's longest retention: time enough to look at what failed. */
const FOURTEEN_DAYS_SECONDS = 14 * 24 * 60 * 60;

/** A queue for messages that failed elsewhere, kept 14 days. */
export function deadLetterQueue(
  name: string,
  args: { visibilityTimeout?: `${number} seconds`; dlq?: { queue: unknown; retry: number } } = {},
) {
  return new sst.aws.Queue(name, {
    ...(args.visibilityTimeout ? { visibilityTimeout: args.visibilityTimeout } : {}),
    ...(args.dlq ? { dlq: args.dlq as { queue: $util.Input<string>; retry: number } } : {}),
    transform: {
      queue: (queueArgs) => {
        queueArgs.messageRetentionSeconds = FOURTEEN_DAYS_SECONDS;
      },
    },
  });
}

/**
 * Dead letters the dead-letter consumer could not handle: nothing consumes this queue. Look
 * at them in the SQS console and, once the cause is fixed, move them back with "Start DLQ
 * redrive" to TaskDeadLetterQueue. Meanwhile the sweeper keeps re-queueing their tasks
 * (pending, or running with a lapsed lease), so none is lost.
 */
export const taskDeadLetterParking = deadLetterQueue("TaskDeadLetterParking");

/**
 * Crawl messages that failed every delivery. Its consumer (infra/deadLetters.ts) fails their
 * tasks; its visibility timeout is six times the consumer's timeout, as AWS recommends for
 * an SQS event source (the default 30 s would equal it), and a message the consumer keeps
 * failing on is parked instead of retried for 14 days.
 */
export const taskDeadLetterQueue = deadLetterQueue("TaskDeadLetterQueue", {
  visibilityTimeout: `${6 * DEAD_LETTER_CONSUMER_TIMEOUT_SECONDS} seconds`,
  dlq: { queue: taskDeadLetterParking.arn, retry: DEAD_LETTER_MAX_RECEIVE_COUNT },
});

/** Crawl messages: visibility timeout six times the crawler's timeout, as AWS recommends. */
export const taskQueue = new sst.aws.Queue("TaskQueue", {
  visibilityTimeout: `${6 * CRAWLER_TIMEOUT_MINUTES} minutes`,
  dlq: { queue: taskDeadLetterQueue.arn, retry: MAX_RECEIVE_COUNT },
});
