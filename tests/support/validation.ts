import type { z } from "zod";
import { ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/validation.js";

/** The 400 that `parseOrThrow` (what the API validates with) answers for `body`; throws when it takes the body. */
export function refusal(schema: z.ZodType, body: unknown): ValidationError {
  try {
    parseOrThrow(schema, body);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

/** The message of that 400: `field: what is wrong`. */
export function refusalMessage(schema: z.ZodType, body: unknown): string {
  return refusal(schema, body).message;
}
