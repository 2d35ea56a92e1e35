import { MEDIA_CSV_COLUMNS } from "../../media/links.js";
import { hashedCreatorFields, keptCreatorFields } from "./itemSchema.js";

/**
 * The CSV columns of a media task. Each platform declares the fields of its three record
 * kinds (its folder's itemSchema.ts; the keys are the columns); the framework's own fields (crawl.ts: kind,
 * platform, time, creator identity, error) are added here, once for every platform.
 */
export interface MediaExportFields {
  content: readonly string[];
  comment: readonly string[];
  /** Fields of the creator's own record (creator mode); [] when the platform stores none. */
  creator: readonly string[];
}

/** What the columns depend on: the mode, and two task fields that change which fields items carry. */
export interface MediaExportTask {
  crawler_type: string;
  params: Record<string, unknown>;
}

const LEADING = ["item_type", "platform", "crawled_at"] as const;
const HASHED_CREATOR = Object.keys(hashedCreatorFields);
const KEPT_CREATOR = Object.keys(keptCreatorFields);
/** A post that could not be crawled carries `error: {code, message}`; the item-size cap may add `truncated`. */
const TRAILING = ["error.code", "error.message", "truncated"] as const;

/**
 * Comment columns only when the task collects comments, creator-record columns only in
 * creator mode, and the creator identity as the task stores it (hashed unless
 * keep_user_info): a column no item of the task can fill is left out.
 */
export function mediaExportColumns(fields: MediaExportFields, task: MediaExportTask): string[] {
  const columns = new Set<string>([...LEADING, ...fields.content]);
  if (task.params.enable_comments === true) for (const field of fields.comment) columns.add(field);
  if (task.crawler_type === "creator") for (const field of fields.creator) columns.add(field);
  for (const field of task.params.keep_user_info === true ? KEPT_CREATOR : HASHED_CREATOR) columns.add(field);
  if (task.params.download_media === true) for (const field of MEDIA_CSV_COLUMNS) columns.add(field);
  for (const field of TRAILING) columns.add(field);
  return [...columns];
}
