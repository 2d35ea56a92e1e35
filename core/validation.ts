import * as z from "zod";
import { ValidationError } from "./errors.js";

/** Names echoed in a message are cut to this many characters, and at most this many unknown keys listed. */
const MAX_ECHOED_NAME = 64;
const MAX_ECHOED_KEYS = 5;

/** A caller's key as it may appear in a message: cut, so a huge key is not sent back. */
const echoName = (name: string) => (name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name);

/**
 * Turns the first zod issue into a one-line message that names the field,
 * e.g. `urls.0: must be an absolute http or https URL` or `unknown field "foo"`.
 * Caller-chosen names are cut to 64 characters and at most 5 unknown keys are listed.
 */
export function describeIssue(issue: z.core.$ZodIssue, pathPrefix: readonly PropertyKey[] = []): {
  field: string;
  message: string;
} {
  const path = [...pathPrefix, ...issue.path].map((segment) => echoName(String(segment)));
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map(echoName);
    const where = path.length > 0 ? ` in ${path.join(".")}` : "";
    const field = [...path, keys[0] ?? ""].filter(Boolean).join(".");
    const listed = keys.slice(0, MAX_ECHOED_KEYS).map((k) => `"${k}"`).join(", ");
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

/** Parses `input` with `schema` or throws a {@link ValidationError} naming the field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, pathPrefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first === undefined) throw new ValidationError("invalid input");
  const { field, message } = describeIssue(first, pathPrefix);
  throw new ValidationError(message, field);
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
