import * as z from "zod";
import { ValidationError } from "./errors.js";

/** Names echoed in a message are cut to this many characters, and at most this many unknown keys listed. */
const MAX_ECHOED_NAME = 64;
const MAX_ECHOED_KEYS = 5;

/** `"web", "xhs", …`: how error messages list allowed values. */
export function quotedList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(", ");
}

/** A caller's key as it may appear in a message: cut, so a huge key is not sent back. */
const echoName = (name: string) => (name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name);

/**
 * Turns the first zod issue into a one-line message that names the field,
 * e.g. `urls.0: must be an absolute http or https URL` or `unknown field "foo"`.
 * Caller-chosen names are cut to 64 characters and at most 5 unknown keys are listed.
 */
export function describeIssue(
  issue: z.core.$ZodIssue,
  pathPrefix: readonly PropertyKey[] = [],
): {
  field: string;
  message: string;
} {
  const path = [...pathPrefix, ...issue.path].map((segment) => echoName(String(segment)));
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map(echoName);
    const where = path.length > 0 ? ` in ${path.join(".")}` : "";
    const field = [...path, keys[0] ?? ""].filter(Boolean).join(".");
    const listed = keys
      .slice(0, MAX_ECHOED_KEYS)
      .map((k) => `"${k}"`)
      .join(", ");
    const more = keys.length > MAX_ECHOED_KEYS ? ` and ${keys.length - MAX_ECHOED_KEYS} more` : "";
    return {
      field,
      message: `unknown field${keys.length > 1 ? "s" : ""} ${listed}${more}${where}`,
    };
  }
  const field = path.join(".");
  const name = field === "" ? "body" : field;
  return { field: name, message: `${name}: ${issue.message}` };
}

/**
 * Object keys no caller may choose. In a parsed JSON body they are ordinary own keys, but
 * code downstream treats them as JavaScript's: zod's records drop `__proto__` without a word
 * (assigning it would replace the object's prototype), and an own `constructor` key makes the
 * DynamoDB marshaller refuse the object ("Unsupported type passed"), which used to surface as
 * a 503 "tasks table is unavailable" with a retry hint.
 */
export const RESERVED_OBJECT_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The first reserved key ({@link RESERVED_OBJECT_KEYS}) in a nested object of `input`, as a
 * field-named problem (`selectors.constructor: …`). Top-level keys are left to the schemas,
 * which are strict (`unknown field "constructor"`). Iterative, with parent links instead of
 * path copies: a 256 KiB body can nest 100,000 levels deep.
 */
export function reservedKeyProblem(
  input: unknown,
  pathPrefix: readonly PropertyKey[] = [],
): { field: string; message: string } | undefined {
  interface Node {
    key: string;
    parent: Node | undefined;
  }
  /** The key's path, its middle elided past 8 segments so a deep one cannot make the message huge. */
  const pathOf = (node: Node): string[] => {
    const path: string[] = [];
    for (let at: Node | undefined = node; at !== undefined; at = at.parent) path.push(echoName(at.key));
    const full = [...pathPrefix.map((segment) => echoName(String(segment))), ...path.reverse()];
    return full.length > 8 ? [...full.slice(0, 4), "…", ...full.slice(-3)] : full;
  };
  const stack: Array<{ value: unknown; node: Node | undefined }> = [{ value: input, node: undefined }];
  while (stack.length > 0) {
    const { value, node } = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    for (const key of Object.keys(value)) {
      const child: Node = { key, parent: node };
      if (node !== undefined && RESERVED_OBJECT_KEYS.has(key)) {
        const field = pathOf(child).join(".");
        return {
          field,
          message: `${field}: "${key}" cannot be used as a name (__proto__, constructor and prototype are reserved)`,
        };
      }
      stack.push({ value: (value as Record<string, unknown>)[key], node: child });
    }
  }
  return undefined;
}

/**
 * Parses `input` with `schema` or throws a {@link ValidationError} naming the field of the
 * first problem and listing every problem zod found (`problems`). Reserved
 * keys in nested objects ({@link reservedKeyProblem}) are refused before the schema runs.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  pathPrefix: readonly PropertyKey[] = [],
): z.output<S> {
  const reserved = reservedKeyProblem(input, pathPrefix);
  if (reserved !== undefined) throw new ValidationError(reserved.message, reserved.field);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues.map((issue) => describeIssue(issue, pathPrefix));
  if (first === undefined) throw new ValidationError("invalid input");
  throw ValidationError.of([first, ...rest]);
}

/** An absolute http(s) URL of at most 2048 characters. */
export const httpUrl = z
  .string({ error: "must be a string" })
  .max(2048, { error: "must be at most 2048 characters" })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
      } catch {
        return false;
      }
    },
    { error: "must be an absolute http or https URL" },
  );

/**
 * An integer in [min, max] whose messages say what is wrong ("must be an integer",
 * "must be at most 100"). A message given to z.int() itself would also replace the
 * range messages, so the type message is set for type issues only.
 */
export function integerIn(min: number, max: number) {
  return z
    .int({ error: (issue) => (issue.code === "invalid_type" ? "must be an integer" : undefined) })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

/** The same for query-string values, which arrive as text. */
export function queryIntegerIn(min: number, max: number) {
  return z.coerce
    .number({ error: (issue) => (issue.code === "invalid_type" ? "must be a number" : undefined) })
    .pipe(integerIn(min, max));
}
