/**
 * Result exports as files: CSV (fixed columns per task, nested fields as dot-path
 * columns) and JSON Lines, written page by page so that the pages, concatenated in
 * order, are one valid file — whether an API client fetches them one request at a time
 * (formatPage) or a caller holding the whole stream writes them out (exportResults).
 */
import type { ExportTask } from "../platforms/definition.js";
import { platformExportColumns } from "../platforms/registry.js";
import { csvHeader, csvRecord, jsonLine, UTF8_BOM, type Row } from "./format.js";
import type { ResultStore } from "./store.js";

export const EXPORT_FORMATS = ["json", "jsonl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The formats whose pages are pieces of one file (json pages are separate envelopes). */
export type FileFormat = Exclude<ExportFormat, "json">;
/** Whose names and formats an export uses: ours, or MediaCrawler's files (./mediacrawler/). */
export const EXPORT_LAYOUTS = ["ours", "mediacrawler"] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** What identifies a stored result; first in every CSV. */
const KEY_COLUMNS = ["task_id", "item_key", "ok"] as const;

/**
 * A task's CSV columns: the result keys, then what its platform declares for this task
 * (core/platforms/exportColumns.ts). They depend on the task only, never on the items
 * of a page, so every page of one export has the same columns.
 */
export function resultColumns(task: ExportTask): string[] {
  const keys: readonly string[] = KEY_COLUMNS;
  return [...KEY_COLUMNS, ...platformExportColumns(task).filter((column) => !keys.includes(column))];
}

export interface PageFormatOptions {
  format: FileFormat;
  /** CSV columns, from {@link resultColumns}; not used by jsonl, which writes items whole. */
  columns: readonly string[];
  /** The page that starts the file: only it carries the BOM and the CSV header. */
  first: boolean;
  /** Start the file with a UTF-8 BOM (Excel needs it to read UTF-8). */
  bom: boolean;
  /** How jsonl writes one row. @default jsonLine (format.ts) */
  jsonLine?: (row: Row) => string;
}

/** One page of an export; an empty page is "" unless it starts the file. */
export function formatPage(items: readonly Row[], options: PageFormatOptions): string {
  const parts: string[] = options.first && options.bom ? [UTF8_BOM] : [];
  if (options.format === "csv") {
    if (options.first) parts.push(csvHeader(options.columns));
    for (const item of items) parts.push(csvRecord(item, options.columns));
  } else {
    const line = options.jsonLine ?? jsonLine;
    for (const item of items) parts.push(line(item));
  }
  return parts.join("");
}

export type ExportOptions =
  | { format: FileFormat; columns: readonly string[]; bom?: boolean }
  /** One JSON array of every item. */
  | { format: "json" };

/**
 * A whole export as string chunks, one per page, read from `pages` only as the consumer
 * asks for chunks: at most one page and its chunk are held at a time, so a task of any
 * size exports in bounded memory (write each chunk out before asking for the next).
 */
export async function* exportResults(
  pages: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
  options: ExportOptions,
): AsyncGenerator<string, void, undefined> {
  if (options.format === "json") {
    yield* jsonArray(pages);
    return;
  }
  let first = true;
  for await (const page of pages) {
    const chunk = formatPage(page, {
      format: options.format,
      columns: options.columns,
      first,
      bom: options.bom ?? false,
    });
    first = false;
    if (chunk !== "") yield chunk;
  }
  // No page at all is still a file: a CSV with its header (and the BOM if asked).
  if (first) {
    const empty = formatPage([], {
      format: options.format,
      columns: options.columns,
      first: true,
      bom: options.bom ?? false,
    });
    if (empty !== "") yield empty;
  }
}

async function* jsonArray(
  pages: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
): AsyncGenerator<string, void, undefined> {
  let count = 0;
  yield "[";
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield page.map((item) => `${count++ === 0 ? "\n" : ",\n"}${JSON.stringify(item)}`).join("");
  }
  yield count === 0 ? "]\n" : "\n]\n";
}

/** A task's stored results, page after page (`pageSize` items at most), for {@link exportResults}. */
export async function* storedPages(
  store: ResultStore,
  taskId: string,
  pageSize = 500,
): AsyncGenerator<Row[], void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await store.list(taskId, { limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
    yield page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}
