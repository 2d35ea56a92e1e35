/** #/tasks — newest first, live status, status filter, "load more". */
import { TASK_STATUSES } from "../../../core/tasks/status.js";
import { tasksApi, type Task, type TaskStatus } from "../api.js";
import { formatTime, h, replaceChildren } from "../dom.js";
import { platformLabel } from "../../../core/platforms/registry.js";
import { firstInput, taskTarget } from "../../../core/tasks/summary.js";
import { pollWhileVisible } from "../poll.js";
import { errorMessage, isFinished, notice, statusBadge, type PageView } from "../ui.js";
import { progressSummary } from "../wording.js";

const PAGE_SIZE = 20;

export const tasksPage: PageView = (root) => {
  let status: TaskStatus | "" =
    (new URLSearchParams(location.hash.split("?")[1] ?? "").get("status") as TaskStatus | null) ?? "";
  /** The first page is refreshed by polling; pages loaded with "load more" follow it. */
  let head: Task[] = [];
  let older: Task[] = [];
  let nextCursor: string | null = null;

  const problem = notice();
  const rows = h("tbody");
  const more = h(
    "button",
    { type: "button", class: "secondary", hidden: true, onclick: () => void loadMore() },
    "Load more",
  );
  const filter = h(
    "select",
    { "aria-label": "Status", onchange: () => void changeFilter() },
    h("option", { value: "" }, "all statuses"),
    ...TASK_STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)),
  );

  replaceChildren(
    root,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Tasks"),
      h("div", { class: "actions" }, filter, h("a", { class: "button", href: "#/new" }, "New task")),
    ),
    problem.element,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "tasks" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Created", "Task", "Platform", "Type", "Target", "Status", "Progress", "Results"].map((title) =>
              h("th", {}, title),
            ),
          ),
        ),
        rows,
      ),
    ),
    h("div", { class: "more" }, more),
  );

  function render(): void {
    const seen = new Set(head.map((t) => t.task_id));
    const all = [...head, ...older.filter((t) => !seen.has(t.task_id))];
    if (all.length === 0) {
      replaceChildren(
        rows,
        h(
          "tr",
          {},
          h("td", { colspan: 8, class: "empty" }, status ? `No ${status} tasks.` : "No tasks yet — create one."),
        ),
      );
    } else {
      replaceChildren(rows, ...all.map(taskRow));
    }
    more.hidden = nextCursor === null;
  }

  async function refresh(): Promise<void> {
    try {
      const page = await tasksApi.list({ status, limit: PAGE_SIZE });
      head = page.items;
      if (older.length === 0) nextCursor = page.next_cursor;
      // Tasks past the first page still running are asked for one by one (there are few).
      older = await Promise.all(
        older.map((task) => (isFinished(task) ? task : tasksApi.get(task.task_id).catch(() => task))),
      );
      problem.clear();
      render();
    } catch (error) {
      problem.show(errorMessage(error));
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor === null) return;
    more.disabled = true;
    try {
      const page = await tasksApi.list({ status, limit: PAGE_SIZE, cursor: nextCursor });
      older.push(...page.items);
      nextCursor = page.next_cursor;
      render();
    } catch (error) {
      problem.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  async function changeFilter(): Promise<void> {
    status = filter.value as TaskStatus | "";
    history.replaceState(null, "", status ? `#/tasks?status=${status}` : "#/tasks");
    head = [];
    older = [];
    nextCursor = null;
    await refresh();
  }

  return pollWhileVisible(refresh);
};

function taskRow(task: Task): HTMLTableRowElement {
  const link = `#/tasks/${task.task_id}`;
  return h(
    "tr",
    { "data-task-id": task.task_id },
    h("td", { class: "nowrap" }, formatTime(task.created_at)),
    h("td", {}, h("a", { href: link, class: "mono" }, task.task_id)),
    h("td", {}, platformLabel(task.platform)),
    h("td", {}, task.crawler_type),
    // What the task crawls; the whole first input on hover when the cell cuts it.
    h("td", { class: "target", title: firstInput(task) }, taskTarget(task)),
    h("td", {}, statusBadge(task.status)),
    h("td", { class: "nowrap" }, progressSummary(task)),
    h("td", { class: "num" }, task.result_count),
  );
}
