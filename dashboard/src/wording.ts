/**
 * How the dashboard words counts and errors. Free of the page code (no DOM, no API client),
 * so unit tests import it directly.
 */
import type { Task } from "../../core/tasks/model.js";

/** "1 page", "2 pages". */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function progressSummary(task: Pick<Task, "progress" | "result_count">): string {
  const { pages_done, items, errors } = task.progress;
  return [counted(pages_done, "page"), counted(items, "item"), counted(errors, "error")].join(" · ");
}

/**
 * A stored error as people read it: `CODE — message`. The message loses a leading copy of
 * `url` (NAVIGATION_FAILED messages start with the URL the row already shows).
 */
export function errorText(error: unknown, url?: unknown): string {
  if (typeof error !== "object" || error === null) return String(error ?? "failed");
  const { code, message } = error as { code?: unknown; message?: unknown };
  let text = typeof message === "string" ? message : "";
  if (typeof url === "string" && url !== "" && text.startsWith(url))
    text = text.slice(url.length).replace(/^[\s:,-]+/, "");
  return [typeof code === "string" ? code : "", text].filter(Boolean).join(" — ") || "failed";
}
