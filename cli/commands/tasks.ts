/** `tasks create|list|get|cancel|retry`: one API call each (list may follow cursors). */
import type { Page } from "../../core/tasks/store.js";
import type { Task } from "../../core/tasks/model.js";
import { choiceOption, flag, integerOption, stringValue } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { readSource } from "../input.js";
import { buildTaskBody, CREATE_OPTIONS, parseBodyText, parseUrlLines } from "../taskBody.js";
import { TASK_COLUMNS, taskFields, taskRow } from "../views.js";

const STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;

export const createCommand: Command = {
  name: "create",
  summary: "create a task; prints its id (the whole task with --json)",
  usage: "--platform P --type T [fields…]",
  options: CREATE_OPTIONS,
  details: [
    "Examples:",
    "  crawl-tasks tasks create --platform web --type crawl --url https://example.com/ --max-pages 20",
    "  crawl-tasks tasks create --platform xhs --type search --keyword coffee --max-notes 10 --comments",
    "  crawl-tasks tasks create --body task.json --param max_pages=5",
    "  crawl-tasks tasks create --platform web --type detail --urls-file urls.txt --render never --format markdown",
    "The API checks the fields; a refused one is reported as `error: <field>: <why> (HTTP 400)`, exit 3.",
  ].join("\n"),
  async run({ values, client, out, stdin }) {
    const bodySource = stringValue(values, "body");
    const base =
      bodySource === undefined
        ? {}
        : parseBodyText(await readSource("body", bodySource, stdin), bodySource === "-" ? "stdin" : bodySource);
    const urlsSource = stringValue(values, "urls-file");
    if (urlsSource !== undefined) {
      if (urlsSource === "-" && bodySource === "-") throw new UsageError("--urls-file: stdin is already --body");
      base.urls = [
        ...(Array.isArray(base.urls) ? base.urls : []),
        ...parseUrlLines(await readSource("urls-file", urlsSource, stdin)),
      ];
    }
    const body = buildTaskBody(values, base);
    const key = stringValue(values, "idempotency-key");
    const answer = await client().request<Task>("POST", "/api/v1/tasks", {
      body,
      ...(key === undefined ? {} : { headers: { "idempotency-key": key } }),
      // Without a key a retried 503 could create a second task (the SDK's createTask rule).
      retry503: key !== undefined,
    });
    if (out.json) out.printJson(answer.data);
    else out.line(answer.data.task_id);
    // 200 instead of 201: nothing new was created; say so where it does not disturb `$(…)`.
    if (answer.status === 200) out.note(`note: ${answer.message}`);
    return EXIT.ok;
  },
};

export const listCommand: Command = {
  name: "list",
  summary: "list tasks, newest first",
  usage: "[--status S] [--platform P] [--limit N] [--cursor C | --all]",
  options: {
    status: { type: "string", value: "S", description: `only tasks in this status: ${STATUSES.join(", ")}` },
    platform: { type: "string", value: "P", description: "only tasks of this platform" },
    limit: { type: "string", value: "N", description: "tasks per page (1-100, default 20)" },
    cursor: { type: "string", value: "C", description: "the page after the one that gave this cursor" },
    all: { type: "boolean", description: "follow the cursors: every matching task" },
  },
  async run({ values, client, out }) {
    const query = {
      status: choiceOption(values, "status", STATUSES),
      platform: stringValue(values, "platform"),
      limit: integerOption(values, "limit"),
      cursor: stringValue(values, "cursor"),
    };
    const items: Task[] = [];
    let next: string | null = null;
    do {
      const page: Page<Task> = (
        await client().request<Page<Task>>("GET", "/api/v1/tasks", {
          query: { ...query, ...(next ? { cursor: next } : {}) },
        })
      ).data;
      items.push(...page.items);
      next = page.next_cursor;
    } while (next && flag(values, "all"));
    if (out.json) {
      out.printJson({ items, next_cursor: next });
      return EXIT.ok;
    }
    if (items.length === 0) out.note("no tasks");
    else out.table(TASK_COLUMNS, items.map(taskRow));
    if (next) out.note(`more: --cursor ${next} (or --all)`);
    return EXIT.ok;
  },
};

function idCommand(
  name: string,
  summary: string,
  method: "GET" | "POST",
  suffix: string,
  human: (task: Task, message: string) => string | undefined,
): Command {
  return {
    name,
    summary,
    usage: "<TASK_ID>",
    options: {},
    args: { names: ["TASK_ID"] },
    async run({ args, client, out }) {
      const id = encodeURIComponent(args[0]!);
      const { data: task, message } = await client().request<Task>(method, `/api/v1/tasks/${id}${suffix}`);
      if (out.json) out.printJson(task);
      else {
        const line = human(task, message);
        if (line === undefined) out.fields(taskFields(task, Date.now()));
        else out.line(line);
      }
      return EXIT.ok;
    },
  };
}

export const getCommand = idCommand(
  "get",
  "show a task: status, progress, attempts, error, fields",
  "GET",
  "",
  () => undefined,
);

export const cancelCommand = idCommand(
  "cancel",
  "cancel a pending or running task (a running crawl stops before its next page)",
  "POST",
  "/cancel",
  (task) => `${task.task_id} ${task.status}`,
);

export const retryCommand = idCommand(
  "retry",
  "queue a failed or cancelled task again",
  "POST",
  "/retry",
  (task) => `${task.task_id} ${task.status} (queued again)`,
);

export const deleteCommand: Command = {
  name: "delete",
  summary: "delete a finished task and its results (a pending or running one: cancel it first)",
  usage: "<TASK_ID>",
  options: {},
  args: { names: ["TASK_ID"] },
  async run({ args, client, out }) {
    const id = encodeURIComponent(args[0]!);
    const { data } = await client().request<{ task_id: string; results_deleted: number }>(
      "DELETE",
      `/api/v1/tasks/${id}`,
    );
    if (out.json) out.printJson(data);
    else
      out.line(`${data.task_id} deleted with ${data.results_deleted} result${data.results_deleted === 1 ? "" : "s"}`);
    return EXIT.ok;
  },
};
