/**
 * Downloads every result of a task as one file. CSV and JSON Lines pages are pieces of one
 * file as the API sends them (header and byte-order mark on the first page only), so the
 * pages' bytes are joined as they are; JSON pages are envelopes whose items are collected.
 */
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
