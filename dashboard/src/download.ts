/**
 * Downloads every result of a task as one file. CSV and JSON Lines pages are pieces of one
 * file as the API sends them (header and byte-order mark on the first page only), so the
 * pages' bytes are joined as they are; JSON pages are envelopes whose items are collected.
 */
import { mcFileName, type McItemType } from "../../core/results/mediacrawler/layout.js";
import { mcJsonArrayEnd, mcJsonArrayEntry } from "../../core/results/mediacrawler/pythonJson.js";
import { tasksApi, type ResultRow } from "./api.js";

export type DownloadFormat = "csv" | "jsonl" | "json";

const PAGE_SIZE = 1000;
const MIME: Record<DownloadFormat, string> = {
  csv: "text/csv;charset=utf-8",
  jsonl: "application/x-ndjson;charset=utf-8",
  json: "application/json;charset=utf-8",
};

/** Fetches all pages; `onPage` is told how many pages are in so far. */
export async function resultsFile(
  taskId: string,
  format: DownloadFormat,
  onPage: (pages: number) => void = () => {},
): Promise<Blob> {
  const parts: BlobPart[] = [];
  let cursor: string | undefined;
  let pages = 0;
  if (format === "json") {
    const items: ResultRow[] = [];
    do {
      const page = await tasksApi.results(taskId, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.next_cursor ?? undefined;
      onPage(++pages);
    } while (cursor);
    parts.push(JSON.stringify(items, null, 2), "\n");
  } else {
    do {
      // Bytes, not text: Response.text() would drop the byte-order mark Excel needs for UTF-8.
      const response = await tasksApi.resultsFile(taskId, {
        format,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
        ...(format === "csv" ? { bom: 1 as const } : {}),
      });
      parts.push(await response.arrayBuffer());
      cursor = response.headers.get("x-next-cursor") ?? undefined;
      onPage(++pages);
    } while (cursor);
  }
  return new Blob(parts, { type: MIME[format] });
}

/** Hands `blob` to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * One of MediaCrawler's files of a media task (layout=mediacrawler, docs/exports.md), and its
 * name as MediaCrawler names it: `{crawler_type}_{item_type}_{date}.{format}`. CSV comes with
 * the BOM MediaCrawler writes (the API's default in this layout); JSON is MediaCrawler's
 * array indented by 4 spaces.
 */
export async function mediaCrawlerFile(
  task: { task_id: string; crawler_type: string; created_at: string },
  itemType: McItemType,
  format: DownloadFormat,
  onPage: (pages: number) => void = () => {},
): Promise<{ blob: Blob; filename: string }> {
  const mc = { layout: "mediacrawler", item_type: itemType } as const;
  const parts: BlobPart[] = [];
  let cursor: string | undefined;
  let pages = 0;
  if (format === "json") {
    let count = 0;
    do {
      const page = await tasksApi.results(task.task_id, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}), ...mc });
      for (const item of page.items) parts.push(mcJsonArrayEntry(item, count++));
      cursor = page.next_cursor ?? undefined;
      onPage(++pages);
    } while (cursor);
    parts.push(mcJsonArrayEnd(count));
  } else {
    do {
      const response = await tasksApi.resultsFile(task.task_id, {
        format,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
        ...mc,
      });
      parts.push(await response.arrayBuffer());
      cursor = response.headers.get("x-next-cursor") ?? undefined;
      onPage(++pages);
    } while (cursor);
  }
  return { blob: new Blob(parts, { type: MIME[format] }), filename: mcFileName(task, itemType, format) };
}
