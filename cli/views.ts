/** How tasks and accounts read in a terminal. */
import type { Account } from "../core/accounts/model.js";
import type { Task } from "../core/tasks/model.js";
import { pageBudget, taskTarget } from "../core/tasks/summary.js";
import { elapsedMs, formatElapsed } from "./progress.js";

export const TASK_COLUMNS = [
  "TASK_ID",
  "PLATFORM",
  "TYPE",
  "TARGET",
  "STATUS",
  "PAGES",
  "ITEMS",
  "ERRORS",
  "CREATED",
] as const;

/** A terminal row has less room than the dashboard: the target is cut shorter. */
const TARGET_CHARS = 40;

export function taskRow(task: Task): string[] {
  return [
    task.task_id,
    task.platform,
    task.crawler_type,
    taskTarget(task, TARGET_CHARS),
    task.status,
    String(task.progress?.pages_done ?? 0),
    String(task.progress?.items ?? 0),
    String(task.progress?.errors ?? 0),
    shortTime(task.created_at),
  ];
}

export function taskFields(task: Task, nowMs: number): Array<[string, string | undefined]> {
  const budget = pageBudget(task);
  return [
    ["task_id", task.task_id],
    ["platform", task.platform],
    ["crawler_type", task.crawler_type],
    ["target", taskTarget(task)],
    ["status", task.status],
    [
      "progress",
      `pages ${task.progress?.pages_done ?? 0}${budget === undefined ? "" : `/${budget}`}, items ${task.progress?.items ?? 0}, errors ${task.progress?.errors ?? 0}`,
    ],
    ["results", String(task.result_count)],
    ["attempts", `${task.attempts}/${task.max_attempts}`],
    ["created_at", task.created_at],
    ["started_at", task.started_at],
    ["finished_at", task.finished_at],
    ["elapsed", task.started_at ? formatElapsed(elapsedMs(task, nowMs)) : undefined],
    ["stop_reason", task.stop_reason],
    ["error", task.error ? `${task.error.code}: ${task.error.message}` : undefined],
    ["params", JSON.stringify(task.params)],
  ];
}

export const ACCOUNT_COLUMNS = ["ACCOUNT_ID", "PLATFORM", "STATUS", "COOKIES", "USES", "LAST_USED", "NOTE"] as const;

export function accountRow(account: Account): string[] {
  return [
    account.account_id,
    account.platform,
    account.status_reason ? `${account.status} (${account.status_reason})` : account.status,
    String(account.cookie_count),
    String(account.use_count),
    account.last_used_at ? shortTime(account.last_used_at) : "-",
    account.note ?? "",
  ];
}

/** 2026-11-28T21:05:16.123Z → 2026-11-28 21:05:16 (UTC, as the API stores it). */
export function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}
