import type { Page } from "../../tasks/store.js";
import type { ExportFormat } from "../export.js";
import type { Row } from "../format.js";
import type { StoredResult } from "../store.js";
import { mcColumns, mcFileName, mcLayoutOf, toMcRow } from "./index.js";
import type { McItemType } from "./layout.js";

/** The task fields a MediaCrawler page depends on. */
export interface McPageTask {
  platform: string;
  crawler_type: string;
  created_at: string;
}

export interface McPageOptions {
  format: ExportFormat;
  itemType: McItemType;
  /** Asked for; undefined takes MC's own: a BOM on CSV (utf-8-sig, tools/async_file_writer.py:50), none on JSON Lines. */
  bom: boolean | undefined;
}

/**
 * One page of stored results as MediaCrawler's file `itemType` holds it: only the items that
 * file takes, as MC's records. Pages are filtered, so one may hold fewer records than the
 * limit, or none, and still have a next cursor.
 */
export function mcPage(task: McPageTask, page: Page<StoredResult>, options: McPageOptions) {
  const layout = mcLayoutOf(task.platform);
  const items: Row[] = [];
  for (const stored of page.items) {
    const row = toMcRow(layout, options.itemType, stored);
    if (row !== undefined) items.push(row);
  }
  return {
    items,
    next_cursor: page.next_cursor,
    format: options.format,
    bom: options.bom ?? options.format === "csv",
    columns: options.format === "csv" ? mcColumns(layout, options.itemType) : [],
    layout: "mediacrawler" as const,
    fileName: mcFileName(task, options.itemType, options.format),
    itemType: options.itemType,
  };
}
