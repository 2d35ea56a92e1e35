/** The crawler's timeout; the queue's visibility timeout is derived from it. */
export const CRAWLER_TIMEOUT_MINUTES = 5;

/** A crawl message received this many times without success moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** A dead-letter queue that keeps its messages 14 days (SQS's longest), time enough to look at them. */
export function deadLetterQueue(name: string) {
  return new sst.aws.Queue(name, {
    transform: {
      queue: (args) => {
        args.messageRetentionSeconds = 14 * 24 * 60 * 60;
      },
    },
  });
}

export const taskDeadLetterQueue = deadLetterQueue("TaskDeadLetterQueue");

/** Crawl messages: visibility timeout six times the crawler's timeout, as AWS recommends. */
export const taskQueue = new sst.aws.Queue("TaskQueue", {
  visibilityTimeout: `${6 * CRAWLER_TIMEOUT_MINUTES} minutes`,
  dlq: { queue: taskDeadLetterQueue.arn, retry: MAX_RECEIVE_COUNT },
});
