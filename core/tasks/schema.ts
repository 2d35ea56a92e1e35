/**
 * The create-task body's schema, in a module of its own so the dashboard's browser bundle
 * validates forms with exactly what the API validates with. Keep this module's imports
 * browser-safe: zod, core/validation.ts, core/platforms/registry.ts (schemas only) —
 * no node:* modules, AWS SDK or puppeteer. A check that needs Node (DNS, sockets) belongs
 * in TaskService, after parseTaskBody.
 */
import * as z from "zod";
import { type FieldProblem, ValidationError } from "../errors.js";
import { getPlatform } from "../platforms/registry.js";
import type { PlatformName } from "../platforms/types.js";
import { describeIssue, integerIn, reservedKeyProblem } from "../validation.js";
import { webhookEventsField } from "../webhooks/eventTypes.js";
import { webhookUrlField } from "../webhooks/urlField.js";

/** At most this many metadata keys, and this many bytes of metadata as JSON. */
export const METADATA_LIMITS = { keys: 20, bytes: 4096 } as const;

/**
 * The caller's own labels for a task (a job id, a customer, a batch name): stored as given,
 * shown on the task and echoed in its webhook events, never read by the crawl. Flat: string,
 * number, boolean or null values, so receivers can rely on the shape.
 */
const taskMetadataField = z
  .record(
    z.string().min(1).max(64),
    z.union([z.string().max(1000, { error: "must be at most 1000 characters" }), z.number(), z.boolean(), z.null()], {
      error: "must be a string, a number, true, false or null",
    }),
    {
      error: (issue) =>
        issue.code === "invalid_type"
          ? "must be an object of names to strings, numbers, booleans or null"
          : issue.code === "invalid_key"
            ? "names must be 1 to 64 characters"
            : undefined,
    },
  )
  .refine((value) => Object.keys(value).length <= METADATA_LIMITS.keys, {
    error: `must have at most ${METADATA_LIMITS.keys} keys`,
  })
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).byteLength <= METADATA_LIMITS.bytes, {
    error: `must be at most ${METADATA_LIMITS.bytes} bytes as JSON`,
  })
  .meta({
    description:
      "Your own labels for the task (a job id, a customer): stored as given, shown on the task and echoed in its webhook events. Flat: string, number, boolean or null values; at most 20 keys and 4096 bytes as JSON",
    examples: [{ job: "nightly-2026-12-05", customer: "acme" }],
  });

/** Fields every task may carry, whatever its platform. */
export const commonTaskFields = z.object({
  max_attempts: integerIn(1, 10).optional(),
  max_duration_secs: integerIn(1, 86_400).default(3600),
  /** Where the task's end events are POSTed; an IP-address host is checked against the egress policy in TaskService. */
  webhook_url: webhookUrlField.optional(),
  /** Which events go to `webhook_url` (TaskService refuses it without one). */
  webhook_events: webhookEventsField.optional(),
  metadata: taskMetadataField.optional(),
});
export const COMMON_TASK_KEYS: readonly string[] = Object.keys(commonTaskFields.shape);

export type CommonTaskFields = z.output<typeof commonTaskFields>;

/** A create-task body, validated: the common fields and the platform's own (platform and crawler_type included). */
export interface ParsedTaskBody {
  common: CommonTaskFields;
  input: Record<string, unknown> & { platform: PlatformName; crawler_type: string };
}

/** Checks the body's shape and platform, then splits it: common fields and the platform's own. */
function split(body: unknown) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError("body: must be a JSON object", "body");
  }
  const platform = getPlatform((body as Record<string, unknown>).platform);
  const commonPart = Object.fromEntries(Object.entries(body).filter(([key]) => COMMON_TASK_KEYS.includes(key)));
  const platformPart = Object.fromEntries(Object.entries(body).filter(([key]) => !COMMON_TASK_KEYS.includes(key)));
  return { platform, commonPart, platformPart };
}

/**
 * Validates a create-task body or throws the {@link ValidationError} (400, field-named
 * message) the API answers with: common fields first, then the platform's schema.
 */
export function parseTaskBody(body: unknown): ParsedTaskBody {
  const { platform, commonPart, platformPart } = split(body);
  // The whole body first, as taskBodyIssues does, so both name the same problems.
  const reserved = reservedKeyProblem(body);
  if (reserved !== undefined) throw new ValidationError(reserved.message, reserved.field);
  const common = commonTaskFields.safeParse(commonPart);
  const input = platform.inputSchema.safeParse(platformPart);
  if (common.success && input.success) return { common: common.data, input: input.data as ParsedTaskBody["input"] };
  // Every problem of both parts, so a client can mark all its wrong fields at once.
  const [first, ...rest] = issuesOf(common, input);
  if (first === undefined) throw new ValidationError("invalid input");
  throw ValidationError.of([first, ...rest]);
}

function issuesOf(...results: Array<{ success: boolean; error?: z.ZodError }>): FieldProblem[] {
  return results.flatMap((result) => result.error?.issues ?? []).map((issue) => describeIssue(issue));
}

/**
 * Every problem with a create-task body, in the order {@link parseTaskBody} meets them
 * (its error is the first of these): a form can mark all its wrong fields at once.
 */
export function taskBodyIssues(body: unknown): Array<{ field: string; message: string }> {
  let parts: ReturnType<typeof split>;
  try {
    parts = split(body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return [{ field: error.field ?? "body", message: error.message }];
  }
  const reserved = reservedKeyProblem(body);
  if (reserved !== undefined) return [reserved];
  return issuesOf(
    commonTaskFields.safeParse(parts.commonPart),
    parts.platform.inputSchema.safeParse(parts.platformPart),
  );
}
