import * as z from "zod";
import { itemErrorSchema } from "../media/itemSchema.js";

/**
 * The web page item (items.ts buildPageItem) as a zod schema: the one definition the mapper
 * is typed against, the CSV columns (exportColumns.ts) and selector-name reservations
 * (schema.ts) are read from, and the OpenAPI document publishes as `WebPageItem`.
 * Browser-free (definition.ts imports it).
 */

/** What tells a web page item from the media platforms' items (items of before these were added lack them; see docs/api.md). */
export const webItemDiscriminators = {
  platform: z.literal("web"),
  item_type: z.literal("page"),
};

/** Every page item's fields, whatever the outcome (unknown values are null), in CSV order. */
export const webPageFields = {
  url: z.string().meta({ description: "The URL as queued (normalised)" }),
  final_url: z.string().nullable().meta({ description: "Where the page ended up after redirects" }),
  status: z.int().nullable().meta({ description: "HTTP status of the main document" }),
  title: z.string().nullable(),
  description: z.string().nullable().meta({ description: 'The page\'s <meta name="description">' }),
  text: z.string().nullable().meta({ description: "Visible text; null when the task's formats leave it out" }),
  truncated: z.boolean().meta({ description: "Whether any field was cut to the size limit (see truncated_fields)" }),
  truncated_fields: z.array(z.string()).meta({ description: "Which fields were cut: text, markdown, html, link_list" }),
  links: z.int().nullable().meta({ description: "How many distinct http(s) links the page has; null when it failed" }),
  depth: z.int().meta({ description: "Links followed from a start URL (0 for a start URL)" }),
  fetched_at: z.iso.datetime(),
  content_type: z.string().nullable(),
  rendered: z.boolean().meta({ description: "Whether Chromium loaded the page (false: read over plain HTTP)" }),
  settle_ms: z.number().nullable().meta({ description: "wait_until settle: how long the page took to settle" }),
  settle_capped: z.boolean().nullable().meta({ description: "wait_until settle: whether it was read at the cap" }),
  error: itemErrorSchema.nullable().meta({ description: "Why the page failed (`ok: false`); null when it did not" }),
  blocked_requests: z
    .array(z.strictObject({ url: z.string(), reason: z.string() }))
    .meta({ description: "The page's requests the egress policy refused" }),
};

/** Fields present only when the task's `formats` ask for them (format → field). */
export const webFormatFields = {
  markdown: z.string().nullable().optional().meta({ description: 'Only with formats "markdown"' }),
  html: z.string().nullable().optional().meta({ description: 'Only with formats "html" (cleaned HTML)' }),
  link_list: z
    .array(z.strictObject({ url: z.string(), text: z.string() }))
    .nullable()
    .optional()
    .meta({ description: 'Only with formats "links": the page\'s links with their anchor text' }),
};

/** A selector's value: the element's text or attribute, null when nothing matched. */
export const selectorValueSchema = z.string().nullable();

/**
 * A page item. Each of the task's `selectors` adds a field of its name (string or null): the
 * catch-all is published open (`unknown`) rather than as string-or-null, because generated
 * TypeScript clients intersect a typed index signature with the declared fields and would
 * make every non-string field `never`. {@link webPageItemSchemaFor} is the strict form.
 */
export const webPageItemSchema = z
  .object({ ...webItemDiscriminators, ...webPageFields, ...webFormatFields })
  .catchall(z.unknown().meta({ description: "A selector's value: string, or null when nothing matched" }))
  .meta({
    description:
      "A web page (platform web). Besides these fields, one field per selector of the task, named as the selector: its text or attribute, null when nothing matched.",
  });

/** The page item of a task with these selectors, strict: no field beyond the declared ones and the selectors'. */
export function webPageItemSchemaFor(selectorNames: readonly string[]): z.ZodObject {
  return z.strictObject({
    ...webItemDiscriminators,
    ...webPageFields,
    ...webFormatFields,
    ...Object.fromEntries(selectorNames.map((name) => [name, selectorValueSchema])),
  });
}

/** The fields buildPageItem always sets (formats and selectors are added to them). */
export type WebPageFieldsData = z.input<z.ZodObject<typeof webItemDiscriminators & typeof webPageFields>>;
