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

/** The defaults every media task schema applies (core/platforms/media/schema.ts), as a parsed task shows them. */
export const MEDIA_TASK_DEFAULTS = {
  specified_ids: [],
  creator_ids: [],
  start_page: 1,
  enable_comments: false,
  enable_sub_comments: false,
  max_notes_count: 20,
  max_comments_count: 20,
  keep_user_info: false,
} as const;
