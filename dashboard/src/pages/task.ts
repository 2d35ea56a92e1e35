/**
 * #/tasks/<id> — status, progress, errors and results of one task, live while it runs;
 * cancel / retry; downloads of every result as CSV, JSON Lines or JSON, and (media tasks) as
 * MediaCrawler's files.
 */
import { statusesAllowing } from "../../../core/tasks/status.js";
import { tasksApi, type ResultRow, type Task } from "../api.js";
import { cellText, formatDuration, formatTime, h, replaceChildren } from "../dom.js";
import { mediaCrawlerFile, resultsFile, saveBlob, type DownloadFormat } from "../download.js";
import { MC_ITEM_TYPES, type McItemType } from "../../../core/results/mediacrawler/layout.js";
import { platformLabel } from "../../../core/platforms/registry.js";
import { pollWhileVisible } from "../poll.js";
import { errorMessage, isFinished, notice, statusBadge, type PageView } from "../ui.js";
import { errorText } from "../wording.js";
import { taskSettings } from "../taskSettings.js";

const RESULTS_PAGE = 50;
/** Columns every row has but that say nothing on this page. */
const HIDDEN_COLUMNS = new Set(["task_id", "item_key"]);
const WEB_HIDDEN_COLUMNS = new Set([...HIDDEN_COLUMNS, "platform", "item_type"]);

export const taskPage: PageView = (root, [taskId = ""]) => {
  let task: Task | undefined;
  let results: ResultRow[] = [];
  let resultsCursor: string | null = null;
  /** After "load more" the table is the user's: polling stops replacing its first page. */
  let pagedByUser = false;
  let shownResultCount = -1;

  const problem = notice();
  const title = h("h1", {}, "Task ", h("span", { class: "mono" }, taskId));
  const actions = h("div", { class: "actions" });
  const summary = h("dl", { class: "summary" });
  const taskError = h("div", { class: "task-error", hidden: true });
  const settings = h("section", { class: "task-settings", hidden: true });
  const failedItems = h("div", { class: "failed-items" });
  const resultsHead = h("thead");
  const resultsBody = h("tbody");
  const resultsInfo = h("p", { class: "muted" });
  const more = h(
    "button",
    { type: "button", class: "secondary", "data-more": "results", hidden: true, onclick: () => void loadMoreResults() },
    "Load more results",
  );
  const downloads = h(
    "div",
    { class: "downloads" },
    ...(["csv", "jsonl", "json"] as const).map((format) =>
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-download": format,
          onclick: (event: Event) => void download(format, event.currentTarget as HTMLButtonElement),
        },
        `Download ${format.toUpperCase()}`,
      ),
    ),
  );

  // MediaCrawler's files (layout=mediacrawler): media tasks only, shown once the task is known.
  const mcFormat = h(
    "select",
    { "data-mc-format": "", "aria-label": "MediaCrawler file format" },
    ...(["csv", "jsonl", "json"] as const).map((format) => h("option", { value: format }, format.toUpperCase())),
  ) as HTMLSelectElement;
  const mcDownloads = h(
    "div",
    { class: "downloads", "data-mc-downloads": "", hidden: true },
    h("span", { class: "muted" }, "MediaCrawler files:"),
    mcFormat,
    ...MC_ITEM_TYPES.map((itemType) =>
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-mc-download": itemType,
          onclick: (event: Event) => void downloadMediaCrawler(itemType, event.currentTarget as HTMLButtonElement),
        },
        itemType,
      ),
    ),
  );

  const resultsSection = h(
    "section",
    { class: "results-section", hidden: true },
    h("div", { class: "section-head" }, h("h2", {}, "Results"), downloads),
    mcDownloads,
    resultsInfo,
    h("div", { class: "table-scroll" }, h("table", { class: "results" }, resultsHead, resultsBody)),
    h("div", { class: "more" }, more),
  );

  replaceChildren(
    root,
    h("p", {}, h("a", { href: "#/tasks" }, "← All tasks")),
    h("div", { class: "page-head" }, title, actions),
    problem.element,
    summary,
    taskError,
    settings,
    resultsSection,
    failedItems,
  );

  function renderTask(current: Task): void {
    const end = current.finished_at ? Date.parse(current.finished_at) : Date.now();
    const elapsed = current.started_at ? formatDuration(end - Date.parse(current.started_at)) : "—";
    const entries: Array<[string, Node | string]> = [
      ["Status", statusBadge(current.status)],
      ["Platform", platformLabel(current.platform)],
      ["Type", current.crawler_type],
      ["Pages", String(current.progress.pages_done)],
      ["Items", String(current.progress.items)],
      ["Errors", String(current.progress.errors)],
      ["Results", String(current.result_count)],
      ["Attempts", `${current.attempts} of ${current.max_attempts}`],
      ["Created", formatTime(current.created_at)],
      ["Started", formatTime(current.started_at)],
      ["Finished", formatTime(current.finished_at)],
      ["Elapsed", elapsed],
    ];
    if (current.stop_reason) entries.push(["Stopped by", current.stop_reason]);
    replaceChildren(
      summary,
      ...entries.map(([name, value]) =>
        h("div", {}, h("dt", {}, name), h("dd", { "data-summary": name.toLowerCase() }, value)),
      ),
    );

    replaceChildren(actions);
    if (statusesAllowing("cancelled").includes(current.status))
      actions.append(h("button", { type: "button", class: "danger", onclick: () => void act("cancel") }, "Cancel"));
    if (statusesAllowing("pending").includes(current.status) && isFinished(current))
      actions.append(h("button", { type: "button", onclick: () => void act("retry") }, "Retry"));

    taskError.hidden = current.error === undefined;
    if (current.error) replaceChildren(taskError, h("strong", {}, current.error.code), " — ", current.error.message);
    replaceChildren(settings, h("h2", {}, "Settings"), taskSettings(current));
    settings.hidden = false;
    resultsSection.hidden = false;
  }

  function renderResults(): void {
    // url first, then the task's selector columns (what the user asked for), then the rest as they come.
    const selectors = Object.keys((task?.params.selectors as Record<string, unknown> | undefined) ?? {});
    const columns: string[] = [];
    // A web task's pages all say platform "web", item_type "page": columns with nothing to tell.
    const hidden = task?.platform === "web" ? WEB_HIDDEN_COLUMNS : HIDDEN_COLUMNS;
    for (const row of results)
      for (const key of Object.keys(row)) if (!hidden.has(key) && !columns.includes(key)) columns.push(key);
    const first = ["url", ...selectors].filter((column) => columns.includes(column));
    columns.splice(0, columns.length, ...first, ...columns.filter((column) => !first.includes(column)));
    replaceChildren(resultsHead, h("tr", {}, ...columns.map((column) => h("th", {}, column))));
    replaceChildren(
      resultsBody,
      ...results.map((row) =>
        h(
          "tr",
          { class: row.ok ? "" : "failed" },
          ...columns.map((column) => {
            if (column === "error" && row.error !== undefined) return h("td", {}, errorText(row.error, row.url));
            if (column === "media_files" && Array.isArray(row.media_files))
              return h("td", {}, ...mediaLinks(row.media_files));
            const { text, full } = cellText(row[column], 80);
            return h("td", { title: full.length > text.length ? full : null }, text);
          }),
        ),
      ),
    );
    resultsInfo.textContent =
      results.length === 0
        ? "No results yet."
        : `Showing ${results.length} of ${task?.result_count ?? results.length}.`;
    more.hidden = resultsCursor === null;

    const failed = results.filter((row) => !row.ok);
    replaceChildren(
      failedItems,
      failed.length === 0
        ? null
        : h(
            "section",
            {},
            h("h2", {}, `Errors (${failed.length} in the results shown)`),
            h(
              "ul",
              { class: "errors" },
              ...failed.map((row) =>
                h(
                  "li",
                  {},
                  h("span", { class: "mono" }, String(row.url ?? row.item_key)),
                  " — ",
                  cellText(errorText(row.error, row.url), 300).text,
                ),
              ),
            ),
          ),
    );
  }

  async function loadFirstResults(): Promise<void> {
    const page = await tasksApi.results(taskId, { limit: RESULTS_PAGE });
    results = page.items;
    resultsCursor = page.next_cursor;
    renderResults();
  }

  async function loadMoreResults(): Promise<void> {
    if (resultsCursor === null) return;
    more.disabled = true;
    try {
      const page = await tasksApi.results(taskId, { limit: RESULTS_PAGE, cursor: resultsCursor });
      pagedByUser = true;
      results.push(...page.items);
      resultsCursor = page.next_cursor;
      renderResults();
    } catch (error) {
      problem.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  async function refresh(): Promise<boolean> {
    try {
      task = await tasksApi.get(taskId);
      renderTask(task);
      mcDownloads.hidden = task.platform === "web";
      if (!pagedByUser && task.result_count !== shownResultCount) {
        await loadFirstResults();
        shownResultCount = task.result_count;
      }
      problem.clear();
    } catch (error) {
      problem.show(errorMessage(error));
      // A task that does not exist will not appear later.
      if ((error as { status?: number }).status === 404) return false;
    }
    // Keep polling while it can still change; a finished task's elapsed time is fixed.
    return task === undefined || !isFinished(task);
  }

  let stopPolling = pollWhileVisible(refresh);

  async function act(action: "cancel" | "retry"): Promise<void> {
    try {
      task = action === "cancel" ? await tasksApi.cancel(taskId) : await tasksApi.retry(taskId);
      renderTask(task);
      stopPolling();
      stopPolling = pollWhileVisible(refresh);
    } catch (error) {
      problem.show(errorMessage(error));
    }
  }

  async function download(format: DownloadFormat, button: HTMLButtonElement): Promise<void> {
    const label = button.textContent;
    button.disabled = true;
    try {
      const blob = await resultsFile(
        taskId,
        format,
        (pages) => (button.textContent = `Downloading… ${pages} page${pages === 1 ? "" : "s"}`),
      );
      saveBlob(blob, `${taskId}.${format}`);
    } catch (error) {
      problem.show(`Download failed: ${errorMessage(error)}`);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  async function downloadMediaCrawler(itemType: McItemType, button: HTMLButtonElement): Promise<void> {
    if (task === undefined) return;
    const label = button.textContent;
    button.disabled = true;
    try {
      const { blob, filename } = await mediaCrawlerFile(
        task,
        itemType,
        mcFormat.value as DownloadFormat,
        (pages) => (button.textContent = `Downloading… ${pages} page${pages === 1 ? "" : "s"}`),
      );
      saveBlob(blob, filename);
    } catch (error) {
      problem.show(`Download failed: ${errorMessage(error)}`);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  return () => stopPolling();
};

/** download_media files as links (each `url` expires: reloading the page gets fresh ones). */
function mediaLinks(files: unknown[]): HTMLElement[] {
  return files.flatMap((file, n) => {
    const { url, content_type } = (file ?? {}) as { url?: unknown; content_type?: unknown };
    if (typeof url !== "string") return [];
    const label = `${String(content_type ?? "file").split("/")[0]} ${n + 1}`;
    return [
      h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "media-link" }, label),
      h("span", {}, " "),
    ];
  });
}
