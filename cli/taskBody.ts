/**
 * `tasks create` flags → the create-task body the API takes. Pure: the API validates the
 * result (and names the field when it refuses it), so a newer API's rules apply unchanged.
 */
import {
  durationOption,
  flag,
  integerOption,
  jsonOrText,
  splitKeyValue,
  stringList,
  stringValue,
  type OptionSpecs,
  type OptionValues,
} from "./args.js";
import { PLATFORM_NAMES } from "../core/platforms/registry.js";
import { UsageError } from "./errors.js";
import { orList } from "./help.js";

/** Flags of `tasks create`, grouped as --help shows them. */
export const CREATE_OPTIONS = {
  platform: { type: "string", value: "P", description: `${orList(PLATFORM_NAMES)} (field platform)` },
  type: { type: "string", value: "T", description: "crawler_type: web → detail|crawl; media → search|detail|creator" },
  "max-attempts": { type: "string", value: "N", description: "max_attempts (1-10)" },
  "max-duration": { type: "string", value: "D", description: "max_duration_secs: 90, 90s, 5m, 2h" },
  "webhook-url": { type: "string", value: "URL", description: "webhook_url: called when the task finishes" },
  "webhook-event": {
    type: "string",
    multiple: true,
    value: "TYPE",
    description:
      "webhook_events: task.started, task.page, task.completed, … (repeatable or a,b; default: the ended events)",
  },
  "idempotency-key": {
    type: "string",
    value: "KEY",
    description: "Idempotency-Key header: the same key returns the first task",
  },
  param: {
    type: "string",
    multiple: true,
    value: "K=V",
    description: "any body field; V is JSON when it parses (5, true, [..]) else text",
  },
  body: {
    type: "string",
    value: "FILE",
    description: "the whole body from a JSON file, or - for stdin; flags override it",
  },

  url: { type: "string", multiple: true, value: "URL", description: "web: a start URL (urls), repeatable" },
  "urls-file": {
    type: "string",
    value: "FILE",
    description: "web: urls from a file, one per line (# comments), or - for stdin; a detail batch takes 10000",
  },
  "max-pages": { type: "string", value: "N", description: "web: max_pages (1-10000)" },
  "max-depth": { type: "string", value: "N", description: "web: max_depth (0-20)" },
  include: {
    type: "string",
    multiple: true,
    value: "RE",
    description: "web: only follow URLs matching this regex (include), repeatable",
  },
  exclude: {
    type: "string",
    multiple: true,
    value: "RE",
    description: "web: never follow URLs matching this regex (exclude), repeatable",
  },
  "any-origin": { type: "boolean", description: "web: follow links to other origins (same_origin: false)" },
  selector: {
    type: "string",
    multiple: true,
    value: "NAME=CSS",
    description: "web: extract a field (selectors), repeatable",
  },
  "wait-for": { type: "string", value: "CSS", description: "web: wait_for this selector before extracting" },
  "wait-until": { type: "string", value: "E", description: "web: wait_until settle|load|domcontentloaded|networkidle" },
  "settle-max": {
    type: "string",
    value: "SECS",
    description: "web: settle_max_secs (1-60), the longest wait for a page to settle",
  },
  render: {
    type: "string",
    value: "MODE",
    description: "web: render auto|always|never (never: plain HTTP, no browser)",
  },
  format: {
    type: "string",
    multiple: true,
    value: "F",
    description: "web: formats text|markdown|html|links, repeatable (or a,b)",
  },
  "main-content": {
    type: "boolean",
    description: "web: only_main_content (drop navigation, headers, footers, banners, sidebars)",
  },
  "ignore-robots": {
    type: "boolean",
    description: "web: respect_robots_txt false (robots.txt is honoured unless given)",
  },
  sitemap: { type: "string", value: "S", description: "web crawl: sitemap include|only|skip" },
  "page-timeout": { type: "string", value: "SECS", description: "web: page_timeout_secs (1-120)" },
  block: {
    type: "string",
    multiple: true,
    value: "TYPE",
    description:
      "web: a resource type to block (block_resources: image, media, font, …), repeatable; none blocks nothing",
  },
  "host-concurrency": { type: "string", value: "N", description: "web: host_concurrency" },
  "host-delay-ms": { type: "string", value: "MS", description: "web: host_delay_ms" },

  keyword: { type: "string", multiple: true, value: "K", description: "media search: keywords (repeatable, or a,b)" },
  id: {
    type: "string",
    multiple: true,
    value: "ID",
    description: "media detail: specified_ids, ids or URLs (repeatable, or a,b)",
  },
  creator: {
    type: "string",
    multiple: true,
    value: "ID",
    description: "media creator: creator_ids, ids or URLs (repeatable, or a,b)",
  },
  "start-page": { type: "string", value: "N", description: "media: start_page" },
  sort: { type: "string", value: "S", description: "media: sort (values depend on the platform)" },
  comments: { type: "boolean", description: "media: enable_comments" },
  "sub-comments": { type: "boolean", description: "media: enable_sub_comments (needs --comments)" },
  "max-notes": { type: "string", value: "N", description: "media: max_notes_count" },
  "max-comments": { type: "string", value: "N", description: "media: max_comments_count" },
  account: { type: "string", value: "ID", description: "media: account, a stored account's id" },
  proxy: { type: "string", value: "URL", description: "media: proxy, http://[user:pass@]host:port" },
  "keep-user-info": { type: "boolean", description: "media: keep_user_info" },
  "download-media": { type: "boolean", description: "media: download_media (store each post's images and video)" },
  "publish-time": { type: "string", value: "DAYS", description: "dy search: publish_time 0|1|7|180" },
  "time-interval": {
    type: "string",
    value: "T",
    description: "zhihu search: time_interval a_day|a_week|a_month|three_months|half_a_year|a_year",
  },
  vertical: { type: "string", value: "V", description: "zhihu search: vertical answer|article|zvideo" },
  "note-type": { type: "string", value: "T", description: "xhs search: note_type all|video|image" },
  international: { type: "boolean", description: "xhs: international, crawl www.rednote.com" },
  "tieba-name": {
    type: "string",
    multiple: true,
    value: "NAME",
    description: "tieba search: tieba_names, a forum (吧) to read (repeatable, or a,b)",
  },
  "start-day": { type: "string", value: "DAY", description: "bili search: start_day, YYYY-MM-DD (China time)" },
  "end-day": { type: "string", value: "DAY", description: "bili search: end_day, YYYY-MM-DD, included" },
  "max-per-day": { type: "string", value: "N", description: "bili search: max_notes_per_day" },
} as const satisfies OptionSpecs;

type Body = Record<string, unknown>;

/** "a,b" entries split as the API splits a string list (ASCII and full-width commas). */
function listEntries(values: OptionValues, name: string): string[] {
  return stringList(values, name)
    .flatMap((entry) => entry.split(/[,，]/))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function set(body: Body, field: string, value: unknown): void {
  if (value !== undefined) body[field] = value;
}

/** A list flag sets its field only when given at least once. */
function setList(body: Body, field: string, values: string[]): void {
  if (values.length > 0) body[field] = values;
}

/**
 * The create-task body: `base` (from --body) first, then the named flags, then --param,
 * each overriding the one before.
 */
export function buildTaskBody(values: OptionValues, base: Body = {}): Body {
  const body: Body = { ...base };
  set(body, "platform", stringValue(values, "platform"));
  set(body, "crawler_type", stringValue(values, "type"));
  set(body, "max_attempts", integerOption(values, "max-attempts"));
  set(body, "max_duration_secs", durationOption(values, "max-duration"));
  set(body, "webhook_url", stringValue(values, "webhook-url"));
  setList(body, "webhook_events", listEntries(values, "webhook-event"));

  setList(body, "urls", stringList(values, "url"));
  set(body, "max_pages", integerOption(values, "max-pages"));
  set(body, "max_depth", integerOption(values, "max-depth"));
  setList(body, "include", stringList(values, "include"));
  setList(body, "exclude", stringList(values, "exclude"));
  if (flag(values, "any-origin")) body.same_origin = false;
  const selectors = stringList(values, "selector");
  if (selectors.length > 0)
    body.selectors = Object.fromEntries(selectors.map((entry) => splitKeyValue("selector", entry)));
  set(body, "wait_for", stringValue(values, "wait-for"));
  set(body, "wait_until", stringValue(values, "wait-until"));
  set(body, "settle_max_secs", integerOption(values, "settle-max"));
  set(body, "render", stringValue(values, "render"));
  setList(body, "formats", listEntries(values, "format"));
  if (flag(values, "main-content")) body.only_main_content = true;
  if (flag(values, "ignore-robots")) body.respect_robots_txt = false;
  set(body, "sitemap", stringValue(values, "sitemap"));
  set(body, "page_timeout_secs", integerOption(values, "page-timeout"));
  const block = listEntries(values, "block");
  if (block.length > 0) body.block_resources = block.includes("none") ? [] : block;
  set(body, "host_concurrency", integerOption(values, "host-concurrency"));
  set(body, "host_delay_ms", integerOption(values, "host-delay-ms"));

  setList(body, "keywords", listEntries(values, "keyword"));
  setList(body, "specified_ids", listEntries(values, "id"));
  setList(body, "creator_ids", listEntries(values, "creator"));
  set(body, "start_page", integerOption(values, "start-page"));
  set(body, "sort", stringValue(values, "sort"));
  if (flag(values, "comments")) body.enable_comments = true;
  if (flag(values, "sub-comments")) body.enable_sub_comments = true;
  set(body, "max_notes_count", integerOption(values, "max-notes"));
  set(body, "max_comments_count", integerOption(values, "max-comments"));
  set(body, "account", stringValue(values, "account"));
  set(body, "proxy", stringValue(values, "proxy"));
  if (flag(values, "keep-user-info")) body.keep_user_info = true;
  if (flag(values, "download-media")) body.download_media = true;
  set(body, "publish_time", integerOption(values, "publish-time"));
  set(body, "time_interval", stringValue(values, "time-interval"));
  set(body, "vertical", stringValue(values, "vertical"));
  set(body, "note_type", stringValue(values, "note-type"));
  if (flag(values, "international")) body.international = true;
  setList(body, "tieba_names", listEntries(values, "tieba-name"));
  set(body, "start_day", stringValue(values, "start-day"));
  set(body, "end_day", stringValue(values, "end-day"));
  set(body, "max_notes_per_day", integerOption(values, "max-per-day"));

  for (const entry of stringList(values, "param")) {
    const [key, value] = splitKeyValue("param", entry);
    body[key] = jsonOrText(value);
  }
  if (body.platform === undefined)
    throw new UsageError("--platform: is required (or give platform in --body / --param)");
  return body;
}

/** The --body file's text as a JSON object. */
export function parseBodyText(text: string, source: string): Body {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--body: ${source} is not valid JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`--body: ${source} must hold a JSON object`);
  return value as Body;
}

/** A --urls-file's URLs: one per line; blank lines and lines starting with # are skipped. */
export function parseUrlLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
