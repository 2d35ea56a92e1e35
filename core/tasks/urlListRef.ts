/**
 * What a task stores instead of a long `urls` (./urlLists.ts stores the list itself), in a
 * module of its own with no imports: the CLI and the dashboard read it off tasks too.
 */
export interface UrlListRef {
  id: string;
  /** URLs in the list. */
  count: number;
  /** Items the gzipped list takes. */
  pieces: number;
  /** URLs per host, most first; past 100 hosts (NAMED_HOSTS) the rest are under "(other hosts)". */
  hosts: Record<string, number>;
  /** The first URLs, to recognise the list by. */
  preview: string[];
}

/** Whether a task's `params.url_list` is a stored list's reference (tasks are read back untyped). */
export function isUrlListRef(value: unknown): value is UrlListRef {
  return (
    typeof value === "object" &&
    value !== null &&
    "id" in value &&
    typeof value.id === "string" &&
    "count" in value &&
    typeof value.count === "number" &&
    "pieces" in value &&
    typeof value.pieces === "number" &&
    "preview" in value &&
    Array.isArray(value.preview)
  );
}
