/**
 * What `tasks watch` shows, as pure functions of a task and the time: the one-line bar a
 * terminal rewrites in place, and the plain line printed for each change elsewhere.
 */
import type { Task } from "../core/tasks/model.js";
import { pageBudget } from "../core/tasks/summary.js";

/** The parts of a task the progress shows. */
export type WatchedTask = Pick<
  Task,
  | "task_id"
  | "platform"
  | "crawler_type"
  | "status"
  | "progress"
  | "params"
  | "created_at"
  | "started_at"
  | "finished_at"
  | "error"
  | "stop_reason"
>;

export interface ProgressView {
  status: Task["status"];
  pagesDone: number;
  /** The pages the task fetches at most (a detail task's URLs, a crawl's `max_pages`); absent for media tasks. */
  maxPages?: number;
  items: number;
  errors: number;
  elapsedMs: number;
}

export function progressView(task: WatchedTask, nowMs: number): ProgressView {
  const maxPages = pageBudget(task);
  return {
    status: task.status,
    pagesDone: task.progress?.pages_done ?? 0,
    ...(maxPages === undefined ? {} : { maxPages }),
    items: task.progress?.items ?? 0,
    errors: task.progress?.errors ?? 0,
    elapsedMs: elapsedMs(task, nowMs),
  };
}

/**
 * From the start of the run (or the creation while pending) to its end, or to now while it
 * runs. Never negative: the server's clock and this machine's may disagree a little.
 */
export function elapsedMs(task: Pick<Task, "created_at" | "started_at" | "finished_at">, nowMs: number): number {
  const from = Date.parse(task.started_at ?? task.created_at);
  const to = task.finished_at === undefined ? nowMs : Date.parse(task.finished_at);
  return Number.isFinite(from) && Number.isFinite(to) ? Math.max(0, to - from) : 0;
}

/** 4s, 1m05s, 2h03m. */
export function formatElapsed(ms: number): string {
  const secs = Math.floor(ms / 1000);
  if (secs < 60) return `${secs}s`;
  const mins = Math.floor(secs / 60);
  if (mins < 60) return `${mins}m${String(secs % 60).padStart(2, "0")}s`;
  return `${Math.floor(mins / 60)}h${String(mins % 60).padStart(2, "0")}m`;
}

function counters(view: ProgressView): string {
  const pages = view.maxPages === undefined ? `${view.pagesDone}` : `${view.pagesDone}/${view.maxPages}`;
  return `pages ${pages}  items ${view.items}  errors ${view.errors}  elapsed ${formatElapsed(view.elapsedMs)}`;
}

/** The plain line: one per change when stdout is not a terminal, and the last line on both. */
export function progressLine(view: ProgressView): string {
  return `${view.status.padEnd(9)}  ${counters(view)}`;
}

/** The last line, with why a task failed or stopped early. */
export function finalLine(task: WatchedTask, nowMs: number): string {
  const line = progressLine(progressView(task, nowMs));
  if (task.error) return `${line}  ${task.error.code}: ${task.error.message}`.replace(/\s*[\r\n]+\s*/g, " ");
  if (task.stop_reason) return `${line}  (stopped early: ${task.stop_reason})`;
  return line;
}

const BAR_MAX = 30;
const BAR_MIN = 8;

/**
 * The live line, fitted to `columns - 1` cells so the terminal never wraps it (a wrapped
 * line could not be rewritten with \r). The bar appears when the task has a page budget
 * and there is room; `note` (e.g. "retrying: …") goes last and is cut first.
 */
export function progressBar(view: ProgressView, columns: number, note?: string): string {
  const room = Math.max(20, columns - 1);
  const status = view.status.padEnd(9);
  const text = counters(view);
  let line = `${status}  ${text}`;
  const barWidth = Math.min(BAR_MAX, room - line.length - 3);
  if (view.maxPages !== undefined && view.maxPages > 0 && barWidth >= BAR_MIN) {
    const done = Math.min(1, view.pagesDone / view.maxPages);
    const filled = Math.round(done * barWidth);
    line = `${status} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${text}`;
  }
  if (note) line = `${line}  ${note}`;
  return line.length > room ? `${line.slice(0, room - 1)}…` : line;
}

/** Whether two polls differ in anything the plain output shows (elapsed time aside). */
export function changed(before: ProgressView | undefined, after: ProgressView): boolean {
  return (
    before === undefined ||
    before.status !== after.status ||
    before.pagesDone !== after.pagesDone ||
    before.items !== after.items ||
    before.errors !== after.errors
  );
}
