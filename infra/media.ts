import { ENV, resultRetentionDaysOf } from "../core/config";
import { bucketGrant } from "./access";

/**
 * The files of `download_media` tasks (core/media/): a private bucket (SST blocks public
 * access unless `access` is set; no CORS, links are opened, not fetched by pages), keys
 * `<task_id>/<item key>/<n>.<ext>`. The crawler puts them; the API presigns GETs (the
 * results' `url`) and deletes a task's prefix with the task.
 *
 * Lifecycle: with RESULT_RETENTION_DAYS, every file expires that many days after it was
 * written, plus one (the longest attempt, core/tasks/retention.ts LONGEST_ATTEMPT_SECS), so
 * files do not go before the task and results they belong to; and multipart uploads left
 * incomplete are aborted after a day (the store writes single PUTs; this is hygiene).
 */
const retentionDays = resultRetentionDaysOf(process.env);
const ABORT_RULE = "abort-incomplete-multipart-uploads";

export const mediaBucket = new sst.aws.Bucket("MediaFiles", {
  cors: false,
  lifecycle: [
    { id: ABORT_RULE },
    ...(retentionDays > 0 ? [{ id: "result-retention", expiresIn: `${retentionDays + 1} days` as const }] : []),
  ],
  transform: {
    // SST's lifecycle arguments have no abortIncompleteMultipartUpload: added to its rule here.
    lifecycle: (args) => {
      args.rules = $output(args.rules).apply((rules) =>
        (rules ?? []).map((rule) =>
          rule.id === ABORT_RULE ? { ...rule, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } } : rule,
        ),
      );
    },
  },
});

export const mediaEnvironment = { [ENV.mediaBucket]: mediaBucket.name };
/** The crawler: PutObject, and ListBucket for what a resumed task already stored (its byte cap). */
export const mediaCrawlerGrants = bucketGrant(mediaBucket, ["PutObject", "ListBucket"]);
/** The API: GetObject to presign links, ListBucket and DeleteObject to delete a task's files. */
export const mediaApiGrants = bucketGrant(mediaBucket, ["GetObject", "ListBucket", "DeleteObject"]);
