import { expect } from "vitest";
import { ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/validation.js";

/** The message `schema` rejects `body` with, as the API would answer it; fails the test if `body` passes. */
export function validationMessage(schema: Parameters<typeof parseOrThrow>[0], body: unknown): string {
  try {
    parseOrThrow(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error("expected a validation error");
}
