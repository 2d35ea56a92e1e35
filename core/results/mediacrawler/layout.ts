import type { MediaPlatformName } from "../../platforms/media/types.js";
import type { McColumn } from "./columns.js";

/** MC's three files per crawl, as its file writer names them (tools/async_file_writer.py:43, store/<p>/_store_impl.py). */
export const MC_ITEM_TYPES = ["contents", "comments", "creators"] as const;
export type McItemType = (typeof MC_ITEM_TYPES)[number];

/** Our stored `item_type` that each MC file holds. */
export const OUR_ITEM_TYPE = {
  contents: "content",
  comments: "comment",
  creators: "creator",
} as const satisfies Record<McItemType, string>;

/** One MC file: its columns in the order MC writes them, and the MC code they follow (file:line). */
export interface McFile {
  readonly source: string;
  readonly columns: readonly McColumn[];
}

/** One platform's MC layout: its three files, and the stored fields MC's creator hash is made from. */
export interface McPlatformLayout {
  readonly platform: MediaPlatformName;
  /** The kept fields (keep_user_info) holding what MC hashes into creator_hash, first found wins. */
  readonly hashSource: readonly string[];
  readonly contents: McFile;
  readonly comments: McFile;
  /**
   * MC at HEAD writes no creators file on any platform (`store_creator` does nothing since its
   * commit 9f4f8bf); these are the columns of the last MC version that wrote one (9f4f8bf's parent).
   */
  readonly creators: McFile;
}

/** What a task contributes to MC's file name. */
export interface McFileTask {
  crawler_type: string;
  created_at: string;
}

/**
 * MC's file name: `{crawler_type}_{item_type}_{date}.{ext}` (tools/async_file_writer.py:37-44),
 * where the date is the day MC wrote the file. ASSUMPTION: we use the day the task was
 * created (UTC), so every page and every re-export of a task names the same file.
 */
export function mcFileName(task: McFileTask, itemType: McItemType, extension: string): string {
  return `${task.crawler_type}_${itemType}_${task.created_at.slice(0, 10)}.${extension}`;
}
