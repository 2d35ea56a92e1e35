/**
 * The create-task form, generated from the very zod schemas the API validates with
 * (core/platforms/<p>/schema.ts via the registry, common fields from core/tasks/schema.ts):
 * a new schema field shows up in the form without touching the dashboard.
 */
import type { z } from "zod";
import { availablePlatforms, getPlatform } from "../../core/platforms/registry.js";
import type { PlatformName } from "../../core/platforms/types.js";
import { commonTaskFields, taskBodyIssues } from "../../core/tasks/schema.js";

/** How a schema field is edited. */
export type FieldKind =
  | { kind: "select"; options: readonly string[] }
  | { kind: "number"; min?: number; max?: number }
  | { kind: "checkbox" }
  | { kind: "text" }
  /** An array of strings, one per line (urls, include patterns). */
  | { kind: "lines" }
  /** A list the API also takes as "a,b" (keywords, ids): sent as typed. */
  | { kind: "list" }
  /** An array of fixed choices (block_resources). */
  | { kind: "choices"; options: readonly string[] }
  /** Anything else (selectors): JSON. */
  | { kind: "json" };

export interface TaskField {
  name: string;
  type: FieldKind;
  /** The schema's default, when it has one. */
  defaultValue?: unknown;
  /** Leaving it empty is fine (optional or defaulted). */
  optional: boolean;
  hint?: string;
}

/** What a field is for, where its name alone does not say; "<platform>.<field>" wins over "<field>". */
const HINTS: Record<string, string> = {
  "web.crawler_type": "detail = exactly these URLs, crawl = follow links",
  crawler_type: "search → keywords, detail → specified_ids, creator → creator_ids",
  urls: "one URL per line (a detail batch takes up to 10,000)",
  render:
    "auto = a browser only where scripts change the page; always = every page in Chromium; never = plain HTTP, no browser",
  formats: "what each page's result carries: text, markdown, cleaned html, links with their text",
  only_main_content: "drop navigation, headers, footers, cookie banners and sidebars",
  respect_robots_txt: "honour each site's robots.txt (its Crawl-delay too)",
  sitemap: "crawl: start from the sites' sitemaps too (include) or only (only)",
  include: "regular expressions, one per line: only matching URLs are followed",
  exclude: "regular expressions, one per line: matching URLs are skipped",
  selectors: 'JSON {"field": "css selector"}: each becomes a column',
  wait_for: "CSS selector to wait for before reading the page",
  keywords: 'for search — comma separated, e.g. "咖啡, 旅行"',
  specified_ids: "for detail — ids or URLs, comma separated",
  creator_ids: "for creator — ids or profile URLs, comma separated",
  account: "account_id of a stored account (Accounts page); empty = pick one in turn",
  proxy: "http://user:pass@host:port",
  max_attempts: "attempts before the task fails for good",
  max_duration_secs: "longest one attempt may crawl",
  webhook_url: "POSTed to when the task ends (signed with X-Signature)",
  download_media: "also store each post's images and video; its results then carry download links (they expire)",
};

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are untyped where this walks them.
type AnySchema = z.ZodType & { def: Record<string, any> } & Record<string, any>;

/** Unwraps default/optional, collecting what they say. */
function unwrap(schema: AnySchema): { inner: AnySchema; optional: boolean; defaultValue?: unknown } {
  let inner = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const type = inner.def.type;
    if (type === "default") {
      optional = true;
      defaultValue = inner.def.defaultValue;
      inner = inner.def.innerType;
    } else if (type === "optional") {
      optional = true;
      inner = inner.def.innerType;
    } else return defaultValue === undefined ? { inner, optional } : { inner, optional, defaultValue };
  }
}

function kindOf(schema: AnySchema): FieldKind | undefined {
  switch (schema.def.type) {
    case "literal":
      return undefined;
    case "enum":
      return { kind: "select", options: schema.options as string[] };
    case "number":
      return { kind: "number", min: schema.minValue ?? undefined, max: schema.maxValue ?? undefined };
    case "boolean":
      return { kind: "checkbox" };
    case "string":
      return { kind: "text" };
    case "array": {
      const element = schema.def.element as AnySchema;
      if (element.def.type === "enum") return { kind: "choices", options: element.options as string[] };
      return element.def.type === "string" ? { kind: "lines" } : { kind: "json" };
    }
    case "pipe":
      // "a,b" or [..] (see listOf in core/platforms/media/schema.ts): the input side is a union.
      return { kind: "list" };
    default:
      return { kind: "json" };
  }
}

function fieldsOf(shape: Record<string, AnySchema>, platform?: PlatformName): TaskField[] {
  const fields: TaskField[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const { inner, optional, defaultValue } = unwrap(schema);
    const type = kindOf(inner);
    if (type === undefined) continue;
    const field: TaskField = { name, type, optional };
    if (defaultValue !== undefined) field.defaultValue = defaultValue;
    const hint = HINTS[`${platform}.${name}`] ?? HINTS[name];
    if (hint !== undefined) field.hint = hint;
    fields.push(field);
  }
  return fields;
}

export function formPlatforms(): PlatformName[] {
  return availablePlatforms();
}

/** The platform's own fields, in schema order (`platform` itself is the page's select). */
export function platformFields(platform: PlatformName): TaskField[] {
  const schema = getPlatform(platform).inputSchema as unknown as AnySchema;
  return fieldsOf((schema.shape ?? {}) as Record<string, AnySchema>, platform);
}

/** Fields every task may carry (max_attempts, max_duration_secs, …). */
export function commonFields(): TaskField[] {
  return fieldsOf(commonTaskFields.shape as unknown as Record<string, AnySchema>);
}

/** A field's value could not be read (bad JSON): reported like a schema issue. */
export class FieldInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * The request body from the form's raw values: empty optional fields are left out so the
 * API's defaults apply, exactly as for a hand-written request.
 */
export function bodyFromInputs(
  platform: PlatformName,
  fields: readonly TaskField[],
  read: (field: TaskField) => string | boolean | string[],
): Record<string, unknown> {
  const body: Record<string, unknown> = { platform };
  for (const field of fields) {
    const raw = read(field);
    switch (field.type.kind) {
      case "checkbox":
        if (raw !== (field.defaultValue ?? false)) body[field.name] = raw;
        break;
      case "choices":
        // None ticked on an optional field without a default (webhook_events) leaves it to the API;
        // with a default (block_resources), none ticked is a choice and is sent.
        if ((raw as string[]).length > 0 || !field.optional || field.defaultValue !== undefined) body[field.name] = raw;
        break;
      case "number": {
        const text = String(raw).trim();
        // Not a number stays text, so the schema's own message ("must be an integer") is shown.
        if (text !== "") body[field.name] = Number.isFinite(Number(text)) ? Number(text) : text;
        break;
      }
      case "lines": {
        const lines = String(raw)
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean);
        if (lines.length > 0 || !field.optional) body[field.name] = lines;
        break;
      }
      case "json": {
        const text = String(raw).trim();
        if (text === "") break;
        try {
          body[field.name] = JSON.parse(text) as unknown;
        } catch {
          throw new FieldInputError(field.name, "must be valid JSON");
        }
        break;
      }
      default: {
        const text = String(raw).trim();
        if (text !== "") body[field.name] = field.type.kind === "list" ? text.replace(/\r?\n/g, ",") : text;
      }
    }
  }
  return body;
}

/** Every problem the API would refuse the body for, each with its field and the API's message. */
export function validateTaskBody(body: Record<string, unknown>): Array<{ field: string; message: string }> {
  return taskBodyIssues(body);
}
