/**
 * The CSV columns of a web task: the fields every page item has (items.ts), the page
 * error split into code and message, then one column per selector of the task.
 */
const PAGE_COLUMNS = [
  "url", "final_url", "status", "title", "description", "text", "truncated", "links", "depth", "fetched_at",
  "content_type", "error.code", "error.message", "blocked_requests",
] as const;

/**
 * Selector columns are sorted by name: the task's `selectors` object comes back from
 * the table in no promised key order, and the columns must be the same on every page.
 */
export function webExportColumns(params: Record<string, unknown>): string[] {
  const selectors = params.selectors;
  const names = selectors !== null && typeof selectors === "object" ? Object.keys(selectors).sort() : [];
  return [...PAGE_COLUMNS, ...names];
}
