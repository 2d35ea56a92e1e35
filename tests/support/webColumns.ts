/**
 * The CSV columns every web task has, in order: the item keys, then the page fields.
 * Written out here, not imported from core/platforms/web/exportColumns.ts, so a change
 * there shows as a failing test; the export tests add the format and selector columns.
 */
export const WEB_BASE_COLUMNS = [
  "task_id",
  "item_key",
  "ok",
  "url",
  "final_url",
  "status",
  "title",
  "description",
  "text",
  "truncated",
  "truncated_fields",
  "links",
  "depth",
  "fetched_at",
  "content_type",
  "rendered",
  "settle_ms",
  "settle_capped",
  "error.code",
  "error.message",
  "blocked_requests",
] as const;
