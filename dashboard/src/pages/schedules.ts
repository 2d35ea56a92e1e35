/**
 * #/schedules — recurring crawls (docs/schedules.md): list with next run and recent runs,
 * pause, resume, delete. New schedules come from the new-task form's "Repeat on a schedule".
 */
import { type Schedule, schedulesApi } from "../api.js";
import { formatTime, h, replaceChildren } from "../dom.js";
import { platformLabel } from "../../../core/platforms/registry.js";
import { errorMessage, notice, statusBadge, type PageView } from "../ui.js";

export const schedulesPage: PageView = (root) => {
  const problem = notice();
  const rows = h("tbody");
  replaceChildren(
    root,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Schedules"),
      h("a", { href: "#/new", class: "button" }, "New schedule"),
    ),
    problem.element,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "schedules" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Name", "Expression", "Task", "State", "Next run", "Runs", "Latest run", ""].map((t) => h("th", {}, t)),
          ),
        ),
        rows,
      ),
    ),
  );

  async function refresh(): Promise<void> {
    try {
      const { items } = await schedulesApi.list({ limit: 100 });
      replaceChildren(
        rows,
        ...(items.length === 0
          ? [h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No schedules. Create one from New task."))]
          : items.map(scheduleRow)),
      );
      problem.clear();
    } catch (error) {
      problem.show(errorMessage(error));
    }
  }

  function act(action: Promise<unknown>): void {
    action.then(refresh, (error: unknown) => problem.show(errorMessage(error)));
  }

  function scheduleRow(schedule: Schedule): HTMLTableRowElement {
    const id = schedule.schedule_id;
    const toggle =
      schedule.state === "enabled"
        ? h("button", { type: "button", class: "small", onclick: () => act(schedulesApi.pause(id)) }, "Pause")
        : h("button", { type: "button", class: "small", onclick: () => act(schedulesApi.resume(id)) }, "Resume");
    const remove = h("button", { type: "button", class: "danger small", "data-action": "delete" }, "Delete");
    // Two clicks, no modal dialog, as on the accounts page.
    remove.addEventListener("click", () => {
      if (remove.dataset.armed !== "1") {
        remove.dataset.armed = "1";
        remove.textContent = "Confirm delete";
        return;
      }
      remove.disabled = true;
      act(schedulesApi.remove(id));
    });
    const latest = schedule.recent_runs[0];
    const platform = String(schedule.task.platform);
    return h(
      "tr",
      { "data-schedule-id": id },
      h("td", {}, schedule.name ?? ""),
      h("td", { class: "mono", title: schedule.timezone ?? "UTC" }, schedule.schedule_expression),
      h("td", {}, `${platformLabel(platform as never)} · ${String(schedule.task.crawler_type)}`),
      h("td", {}, statusBadge(schedule.state)),
      h("td", { class: "nowrap" }, formatTime(schedule.next_runs[0])),
      h("td", { class: "num" }, schedule.run_count),
      h("td", {}, latest ? h("a", { href: `#/tasks/${latest.task_id}` }, formatTime(latest.scheduled_time)) : "—"),
      h("td", { class: "row-actions" }, toggle, remove),
    );
  }

  void refresh();
};
