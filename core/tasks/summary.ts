/**
 * What a task crawls and how far it can go, in the few characters a list row or a progress
 * line has: shared by the CLI and the dashboard (browser-safe), computed from the stored
 * task as the API returns it.
 */
import type { Task } from "./model.js";
import { isUrlListRef } from "./urlListRef.js";

type Summarised = Pick<Task, "platform" | "crawler_type" | "params">;

/** Where each kind of task keeps its inputs, in the order they name it. */
const TARGET_FIELDS = ["urls", "keywords", "specified_ids", "creator_ids"] as const;

/** The longest a target cell gets before it is cut with "…". */
export const TARGET_MAX_CHARS = 60;

/**
 * The first URL, keyword, post id or creator, and "+N" for the others: `https://a.example/
 * +2`, `咖啡 +1`. A web task whose list is stored apart (`url_list`) is named by its first URL
 * and its count. "" when the task names nothing (a stored task of an older shape).
 */
export function taskTarget(task: Summarised, maxChars = TARGET_MAX_CHARS): string {
  const { first, count } = targets(task);
  if (first === undefined) return "";
  const more = count > 1 ? ` +${count - 1}` : "";
  const room = Math.max(1, maxChars - more.length);
  const shown = first.length > room ? `${first.slice(0, room - 1)}…` : first;
  return `${shown}${more}`;
}

/** The first URL, keyword, id or creator in full ("" when there is none): the target's tooltip. */
export function firstInput(task: Summarised): string {
  return targets(task).first ?? "";
}

/** The mode's inputs: media tasks name them by crawler_type; web tasks by urls or url_list. */
function targets(task: Summarised): { first: string | undefined; count: number } {
  const params = task.params ?? {};
  const list = params.url_list;
  if (isUrlListRef(list)) return { first: list.preview[0], count: list.count };
  const field = modeField(task.crawler_type);
  const ordered = field === undefined ? TARGET_FIELDS : [field, ...TARGET_FIELDS];
  for (const name of ordered) {
    const values = params[name];
    if (Array.isArray(values) && values.length > 0) return { first: String(values[0]), count: values.length };
  }
  return { first: undefined, count: 0 };
}

function modeField(crawlerType: string): (typeof TARGET_FIELDS)[number] | undefined {
  return ({ search: "keywords", detail: "specified_ids", creator: "creator_ids" } as const)[
    crawlerType as "search" | "detail" | "creator"
  ];
}

/**
 * How many pages the task fetches at most: a web detail task its URLs, a web crawl its
 * `max_pages`; undefined for media tasks, which count posts, not pages.
 */
export function pageBudget(task: Summarised): number | undefined {
  if (task.platform !== "web") return undefined;
  const params = task.params ?? {};
  if (task.crawler_type === "detail") {
    if (isUrlListRef(params.url_list)) return params.url_list.count;
    return Array.isArray(params.urls) ? params.urls.length : undefined;
  }
  return typeof params.max_pages === "number" ? params.max_pages : undefined;
}
