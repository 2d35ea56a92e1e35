/**
 * What a task was asked to do, as the task page's Settings panel shows it: its targets in
 * full (URLs, keywords, ids), every other field it was created with, and where its webhook
 * stands. Generic over the stored params, so a new schema field shows up without a change here.
 */
import { isUrlListRef } from "../../core/tasks/urlListRef.js";
import type { Task } from "./api.js";
import { h } from "./dom.js";
import { counted } from "./wording.js";

/** Params that name what the task crawls, shown first and as lists. */
const TARGET_PARAMS = ["urls", "keywords", "specified_ids", "creator_ids"] as const;
/** Params that say nothing a person set (the crawl's own bookkeeping). */
const HIDDEN_PARAMS = new Set(["crawler_type", "url_list"]);
/** A long list shows this many entries, then how many more. */
const LIST_SHOWN = 20;

export function taskSettings(task: Task): HTMLElement {
  const rows: Array<[string, Node | string]> = [];
  const params = task.params ?? {};
  if (isUrlListRef(params.url_list)) rows.push(["URLs", valueList(params.url_list.preview, params.url_list.count)]);
  for (const name of TARGET_PARAMS) {
    const value = params[name];
    if (Array.isArray(value) && value.length > 0) rows.push([label(name), valueList(value.map(String), value.length)]);
  }
  for (const [name, value] of Object.entries(params)) {
    if (HIDDEN_PARAMS.has(name) || (TARGET_PARAMS as readonly string[]).includes(name)) continue;
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    rows.push([label(name), formatValue(value)]);
  }
  rows.push(["Max attempts", String(task.max_attempts)]);
  if (task.max_duration_secs !== undefined) rows.push(["Max duration secs", String(task.max_duration_secs)]);
  if (task.metadata && Object.keys(task.metadata).length > 0) rows.push(["Metadata", formatValue(task.metadata)]);
  if (task.webhook_url) rows.push(["Webhook", webhookState(task)]);
  if (task.webhook_events) rows.push(["Webhook events", task.webhook_events.join(", ")]);
  // Set as the task ends when the deployment has RESULT_RETENTION_DAYS (docs/reliability.md#retention).
  if (task.expires_at) rows.push(["Expires", task.expires_at]);
  return h(
    "dl",
    { class: "settings-list" },
    ...rows.map(([name, value]) =>
      h("div", {}, h("dt", {}, name), h("dd", { "data-setting": name.toLowerCase().replaceAll(" ", "_") }, value)),
    ),
  );
}

/** `max_notes_count` → "Max notes count": the API's name, readable ("URLs" for urls). */
function label(name: string): string {
  const words = name.replaceAll("_", " ").replace(/\burl(s?)\b/g, "URL$1");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueList(values: string[], total: number): HTMLElement {
  const shown = values.slice(0, LIST_SHOWN);
  const more = total - shown.length;
  return h(
    "ul",
    { class: "value-list" },
    ...shown.map((value) => h("li", {}, value)),
    more > 0 ? h("li", { class: "muted" }, `and ${more} more`) : null,
  );
}

function formatValue(value: unknown): string | HTMLElement {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "object" && value !== null) {
    // selectors and other maps: one "name: value" line each.
    return valueList(
      Object.entries(value).map(
        ([key, entry]) => `${key}: ${typeof entry === "string" ? entry : JSON.stringify(entry)}`,
      ),
      Object.keys(value).length,
    );
  }
  return String(value);
}

/** The URL, and how delivering its latest event went. */
function webhookState(task: Task): HTMLElement {
  const delivery = task.webhook;
  const state = delivery
    ? `${delivery.event_type}: ${delivery.status} after ${counted(delivery.attempts, "attempt")}${
        delivery.last_status === undefined ? "" : ` (HTTP ${delivery.last_status})`
      }${delivery.last_error ? ` — ${delivery.last_error}` : ""}`
    : "no event sent yet";
  return h("div", {}, h("div", { class: "mono" }, task.webhook_url ?? ""), h("div", { class: "muted" }, state));
}
