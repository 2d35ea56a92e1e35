/**
 * When a site changes, the crawl must say so instead of storing nothing. Every JSON body a
 * platform reads is checked against the zod schema of its shape (each platform's
 * `shapes.ts`, with the public source of each field):
 *
 * - a body that does not match (a required field gone, a type changed) fails that step with
 *   SITE_CHANGED, naming the platform, the step, the endpoint and what was seen;
 * - a body that matches but lacks an optional field the crawl reads is drift that does not
 *   stop the crawl: it is counted in the task's progress as a warning, with a few examples,
 *   so a user sees it before it turns into a failure. A field absent by design (a video on
 *   an image post) is declared with {@link absentOk} and never warns;
 * - fields the schema does not know are not drift (live sites add fields all the time, and
 *   nothing reads them): they are listed as "new fields" in the probe's report only, where
 *   they help to see what a renamed field became.
 *
 * The same error serves a request the page never made (within its timeout) and an element
 * the page no longer has. A SITE_CHANGED step is not retried: the next delivery would meet
 * the same site. It is never an empty success.
 */
import type * as z from "zod";
import { NonRetryableCrawlError } from "../../errors.js";
import type { MediaPlatformName } from "./types.js";

/** What a crawl step reads: an endpoint's body, a selector, the page state. */
export interface DriftSubject {
  platform: MediaPlatformName;
  /** The crawl step, e.g. "search: result page", "comments: replies". */
  step: string;
  /** The endpoint path, when the step reads one. */
  endpoint?: string;
  /** The selector, when the step needs an element. */
  selector?: string;
}

/** The site no longer answers as the crawler expects; see the top of this file. */
export class SiteChangedError extends NonRetryableCrawlError {
  readonly subject: DriftSubject;
  /** What the crawler saw instead, in short. */
  readonly seen: string;

  constructor(subject: DriftSubject, expected: string, seen: string) {
    const where = subject.endpoint
      ? ` (${subject.endpoint})`
      : subject.selector
        ? ` (selector ${subject.selector})`
        : "";
    super("SITE_CHANGED", `${subject.platform} ${subject.step}${where}: ${expected}; seen: ${seen}`.slice(0, 1000));
    this.name = "SiteChangedError";
    this.subject = subject;
    this.seen = seen;
  }
}

/**
 * The page did not make the request the crawl waits for, within the timeout. SITE_CHANGED
 * like any drift; scroll loops that try a few times first catch it with {@link isNoAnswer}.
 */
export class NoAnswerError extends SiteChangedError {
  readonly timeoutMs: number;
  constructor(subject: DriftSubject, timeoutMs: number) {
    super(subject, "the page should have made this request", `no answer within ${timeoutMs} ms`);
    this.name = "NoAnswerError";
    this.timeoutMs = timeoutMs;
  }
}

export function isNoAnswer(error: unknown): error is NoAnswerError {
  return error instanceof NoAnswerError;
}

/** One piece of drift that does not stop the crawl. */
export interface DriftWarning {
  /** e.g. "data.items[].note_card.cover" */
  path: string;
  kind: "missing optional field";
}

export type ShapeCheck<T> =
  | {
      ok: true;
      value: T;
      warnings: DriftWarning[];
      /** Fields the body has and the schema does not declare, e.g. "data.items[].note_card.new_flag" (not drift). */
      newFields: string[];
    }
  | { ok: false; problem: string };

/** Optional fields whose absence is normal (see {@link absentOk}). */
const ABSENT_OK = new WeakSet<object>();

/**
 * An optional field that is absent by design in some bodies (a video on an image post, the
 * other kind of error envelope): it is not a warning when missing.
 * @example z.looseObject({ video: absentOk(videoShape) })
 */
export function absentOk<S extends z.ZodType>(schema: S): z.ZodOptional<S> {
  const optional = schema.optional();
  ABSENT_OK.add(optional);
  return optional;
}

/** Most warnings listed per body: a renamed object can add dozens. */
const MAX_WARNINGS = 20;

/**
 * `value` checked against `schema`: parsed, or the first problems zod found. Warnings list
 * missing optional fields (not {@link absentOk} ones); `newFields` the undeclared ones
 * (arrays are checked on their first elements).
 */
export function checkShape<T>(schema: z.ZodType<T>, value: unknown): ShapeCheck<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`)
      .join("; ");
    return { ok: false, problem };
  }
  const found: Found = { warnings: [], newFields: new Set() };
  walk(schema, value, "", found);
  return { ok: true, value: parsed.data, warnings: found.warnings, newFields: [...found.newFields] };
}

interface ZodDef {
  type: string;
  shape?: Record<string, ZodLike>;
  innerType?: ZodLike;
  element?: ZodLike;
  options?: ZodLike[];
  valueType?: ZodLike;
  in?: ZodLike;
  getter?: () => ZodLike;
  catchall?: ZodLike;
}
interface ZodLike {
  _zod: { def: ZodDef };
  safeParse(value: unknown): { success: boolean };
}

/** Looks through wrappers that do not change the shape (optional, nullable, default, …). */
function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = current._zod.def;
    if (
      ["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type) &&
      def.innerType
    )
      current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else if (def.type === "lazy" && def.getter) current = def.getter();
    else return current;
  }
  return current;
}

function isOptional(schema: ZodLike): boolean {
  const type = schema._zod.def.type;
  return type === "optional" || type === "default" || type === "prefault" || type === "catch";
}

/** What a walk found; each list stops at MAX_WARNINGS on its own, so many new fields never hide a missing one. */
interface Found {
  warnings: DriftWarning[];
  newFields: Set<string>;
}

function walk(schema: ZodLike, value: unknown, path: string, found: Found): void {
  if (
    (found.warnings.length >= MAX_WARNINGS && found.newFields.size >= MAX_WARNINGS) ||
    value === null ||
    value === undefined
  )
    return;
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (def.type === "object" && def.shape && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(def.shape)) {
      const child = path === "" ? key : `${path}.${key}`;
      if (!(key in record)) {
        const noted = found.warnings.some((warning) => warning.path === child);
        if (isOptional(field) && !ABSENT_OK.has(field) && !noted && found.warnings.length < MAX_WARNINGS)
          found.warnings.push({ path: child, kind: "missing optional field" });
        continue;
      }
      walk(field, record[key], child, found);
    }
    // A loose object (catchall unknown) lets undeclared keys through: listed, for the probe.
    for (const key of Object.keys(record)) {
      if (!(key in def.shape) && found.newFields.size < MAX_WARNINGS)
        found.newFields.add(path === "" ? key : `${path}.${key}`);
    }
    return;
  }
  if (def.type === "array" && def.element && Array.isArray(value)) {
    for (const element of value.slice(0, 3)) walk(def.element, element, `${path}[]`, found);
    return;
  }
  if (def.type === "record" && def.valueType && typeof value === "object" && !Array.isArray(value)) {
    for (const element of Object.values(value as Record<string, unknown>).slice(0, 3))
      walk(def.valueType, element, `${path}{}`, found);
    return;
  }
  if (def.type === "union" && def.options) {
    const matching = def.options.find((option) => option.safeParse(value).success);
    if (matching) walk(matching, value, path, found);
  }
}

/** A field the site added, as the task's progress shows it: "<platform> <step> (<endpoint>): new field data.x". */
export function describeNewField(subject: DriftSubject, path: string): string {
  return `${subject.platform} ${subject.step}${subject.endpoint ? ` (${subject.endpoint})` : ""}: new field ${path}`;
}

/** Warnings as the task's progress shows them: "<platform> <step> (<endpoint>): missing optional field data.x". */
export function describeWarnings(subject: DriftSubject, warnings: readonly DriftWarning[]): string[] {
  return warnings.map(
    (warning) =>
      `${subject.platform} ${subject.step}${subject.endpoint ? ` (${subject.endpoint})` : ""}: ${warning.kind} ${warning.path}`,
  );
}
