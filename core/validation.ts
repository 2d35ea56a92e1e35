import { z } from "zod";
import { ValidationError } from "./errors.js";

/**
 * Turns the first zod issue into a one-line message that names the field,
 * e.g. `urls.0: must be an absolute http or https URL` or `unknown field "foo"`.
 */
export function describeIssue(issue: z.core.$ZodIssue, pathPrefix: readonly PropertyKey[] = []): {
  field: string;
  message: string;
} {
  const path = [...pathPrefix, ...issue.path].map(String);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys;
    const where = path.length > 0 ? ` in ${path.join(".")}` : "";
    const field = [...path, keys[0] ?? ""].filter(Boolean).join(".");
    return {
      field,
      message: `unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${where}`,
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
