/**
 * `tasks scrape --url U…`: POST /api/v1/scrape, one call that fetches a few pages and prints
 * their items. A task that has not ended within the API's wait is left running (exit 5), with
 * the commands that follow it.
 */
import { WEB_RESULT_FIELDS } from "../../core/platforms/web/schema.js";
import type { Task } from "../../core/tasks/model.js";
import { integerOption } from "../args.js";
import type { Command } from "../command.js";
import { EXIT } from "../errors.js";
import { buildTaskBody, CREATE_OPTIONS } from "../taskBody.js";

/** The create-task flags a scrape body takes: its URLs, the page options and the common fields. */
const PAGE_FLAGS = [
  "url",
  "format",
  "selector",
  "main-content",
  "render",
  "wait-until",
  "wait-for",
  "settle-max",
  "page-timeout",
  "block",
  "ignore-robots",
  "max-attempts",
  "webhook-url",
] as const;

type Item = Record<string, unknown>;

/** Fields every web item has; any other string or number field is a selector's, printed as `name: value`. */
const SHOWN_FIELDS = new Set<string>([...WEB_RESULT_FIELDS, "ok"]);

/** What a page's item shows, in the order of the formats asked for (text when none was). */
const CONTENT_FIELD: Record<string, string> = { text: "text", markdown: "markdown", html: "html", links: "link_list" };

export const scrapeCommand: Command = {
  name: "scrape",
  summary: "fetch up to 10 pages now and print their items (POST /api/v1/scrape)",
  usage: "--url URL [--url URL…] [--format F] [--selector NAME=CSS] [--timeout-ms MS]",
  options: {
    ...Object.fromEntries(PAGE_FLAGS.map((name) => [name, CREATE_OPTIONS[name]])),
    "timeout-ms": {
      type: "string",
      value: "MS",
      description: "timeout_ms: how long the API waits for the pages (1000-25000, default 20000)",
    },
  },
  details: [
    "Examples:",
    "  crawl-tasks tasks scrape --url https://example.com/ --format markdown --main-content",
    "  crawl-tasks tasks scrape --url https://example.com/a --url https://example.com/b --selector price=.price --json",
    "Prints each page as `== URL (STATUS) TITLE` and its content (or its selector fields); --json prints {task, items}.",
    "Exit 0 when the task completed, 1 when it failed (its error on stderr), 5 when it had not ended within",
    "the wait: it keeps running, and the note says how to follow it.",
  ].join("\n"),
  async run({ values, client, out }) {
    // The create-task flags build the page fields; platform and crawler_type are the route's own.
    const { platform: _web, crawler_type: _detail, ...body } = buildTaskBody(values, { platform: "web" });
    const timeout = integerOption(values, "timeout-ms");
    if (timeout !== undefined) body.timeout_ms = timeout;
    const answer = await client().request<{ task: Task; items?: Item[] }>("POST", "/api/v1/scrape", { body });
    const { task, items = [] } = answer.data;
    if (answer.status === 202) {
      if (out.json) out.printJson(answer.data);
      out.note(
        `task ${task.task_id} is still ${task.status}: follow it with \`crawl-tasks tasks watch ${task.task_id}\`, then \`crawl-tasks tasks results ${task.task_id}\``,
      );
      return EXIT.timeout;
    }
    if (out.json) out.printJson({ task, items });
    else printItems(out.line.bind(out), items, (task.params.formats as string[] | undefined) ?? ["text"]);
    if (task.status === "completed") return EXIT.ok;
    out.note(`task ${task.task_id} ${task.status}${task.error ? `: ${task.error.code} — ${task.error.message}` : ""}`);
    return task.status === "cancelled" ? EXIT.cancelled : EXIT.failed;
  },
};

function printItems(line: (text?: string) => void, items: readonly Item[], formats: readonly string[]): void {
  items.forEach((item, index) => {
    if (index > 0) line();
    const title = typeof item.title === "string" && item.title !== "" ? ` ${item.title}` : "";
    line(`== ${String(item.url)} (${String(item.status ?? "-")})${title}`);
    const error = item.error as { code?: string; message?: string } | null | undefined;
    if (error) line(`error: ${error.code ?? ""} ${error.message ?? ""}`.trim());
    for (const [name, value] of Object.entries(item)) {
      if (!SHOWN_FIELDS.has(name) && (typeof value === "string" || typeof value === "number" || value === null))
        line(`${name}: ${value ?? ""}`);
    }
    for (const format of formats) {
      const content = item[CONTENT_FIELD[format] ?? format];
      if (content === undefined || content === null) continue;
      line(typeof content === "string" ? content : JSON.stringify(content));
    }
  });
}
