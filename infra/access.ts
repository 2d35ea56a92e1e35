/**
 * Least privilege: each function's role lists the calls its code makes on the tables and
 * queues it uses. SST's `link` would grant `dynamodb:*` on a table and its indexes and
 * `sqs:*` on a queue (dynamo.ts / queue.ts getSSTLink); the functions read resource names
 * from their environment (core/config.ts), so they need no link at all.
 *
 * The Lambda harness (build/lambda) runs every artifact under exactly these grants and fails
 * a call they do not allow, as AWS would, with an AccessDeniedException.
 */

/** The DynamoDB calls the stores make (core/tasks, core/results, core/accounts, core/politeness, core/crawl/checkpoints). */
type TableAction =
  | "GetItem"
  | "BatchGetItem"
  | "Query"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "BatchWriteItem"
  | "DescribeTable";

/** `actions` on `table`; a Query also on its indexes (`table/<t>/index/<i>`). */
export function tableGrant(table: sst.aws.Dynamo, actions: TableAction[]) {
  return {
    actions: actions.map((action) => `dynamodb:${action}`),
    resources: actions.includes("Query") ? [table.arn, $interpolate`${table.arn}/index/*`] : [table.arn],
  };
}

/** Sending to `queue`; GetQueueAttributes for the API's health check. */
export function queueGrant(
  queue: sst.aws.Queue,
  actions: Array<"SendMessage" | "GetQueueAttributes"> = ["SendMessage"],
) {
  return { actions: actions.map((action) => `sqs:${action}`), resources: [queue.arn] };
}

/** The S3 calls the media store makes (core/media/s3Store.ts); ListObjectsV2 is `s3:ListBucket` on the bucket itself. */
type BucketAction = "PutObject" | "GetObject" | "DeleteObject" | "ListBucket";

/** `actions` on `bucket`: ListBucket on the bucket, the others on its objects. */
export function bucketGrant(bucket: sst.aws.Bucket, actions: BucketAction[]) {
  return actions.map((action) => ({
    actions: [`s3:${action}`],
    resources: action === "ListBucket" ? [bucket.arn] : [$interpolate`${bucket.arn}/*`],
  }));
}
