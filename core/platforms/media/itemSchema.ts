import * as z from "zod";
import { canDownloadMedia } from "../../media/sources.js";

/**
 * The stored items of a media platform as zod schemas: the one definition its mappers are
 * typed against (items.ts), its CSV columns are read from (exportColumns.ts) and the OpenAPI
 * document publishes (functions/api/openapi.ts). Each platform declares the fields of its
 * record kinds ({@link MediaItemFields}); the framework's own fields (crawl.ts, privacy.ts)
 * are declared here, once. Browser-free: the API imports it through the platform's
 * definition.ts.
 */

/** One record kind's fields, in the order its CSV shows them. */
export type FieldShape = Record<string, z.ZodType>;

/** What a platform's mapper returns as `fields` for a record kind (the schema's input side). */
export type FieldsOf<Shape extends FieldShape> = z.input<z.ZodObject<Shape>>;

/** The fields of a platform's record kinds; no `creator` when it stores no creator record. */
export interface MediaItemFields {
  content: FieldShape;
  comment: FieldShape;
  creator?: FieldShape;
}

/** The field types the platforms' mappers use. */
export const itemField = {
  /** The site's id of the thing, as text. */
  id: () => z.string(),
  /** Text the site may leave out (null then). */
  text: () => z.string().nullable(),
  /** A count as the site sends it: a number, or text such as "1.2万"; null when it sent none. */
  count: () =>
    z
      .union([z.number(), z.string()])
      .nullable()
      .meta({ description: 'As the site sends it: a number, or text such as "1.2万"; null when it sent none' }),
  /** A time as the site sends it: unix seconds or milliseconds, or the site's text; null when it sent none. */
  time: () =>
    z.union([z.number(), z.string()]).nullable().meta({
      description:
        "As the site sends it (unix seconds or milliseconds, or its text; the platform's page says which); null when it sent none",
    }),
  /** A value the site codes its own way (xhs gender: a number). */
  code: () =>
    z.union([z.number(), z.string()]).nullable().meta({ description: "As the site codes it; null when it sent none" }),
  /** A list of URLs or names; [] when there are none. */
  list: () => z.array(z.string()),
} as const;

/** `error` of an item that records a failure (ok: false). */
export const itemErrorSchema = z
  .strictObject({
    code: z.string().meta({ description: "Stable, machine-readable code", examples: ["NOTE_NOT_FOUND"] }),
    message: z.string(),
  })
  .meta({ description: "Why the item records a failure (`ok: false`)" });

/** Creator identity by default (privacy.ts): a keyed hash of the site's user id and the nickname's first character. */
export const hashedCreatorFields = {
  creator_hash: z
    .string()
    .nullable()
    .optional()
    .meta({ description: "Keyed hash of the author's user id (stable per deployment); absent with keep_user_info" }),
  creator_nickname: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'The nickname\'s first character then "***"; absent with keep_user_info' }),
} satisfies FieldShape;

/** Creator identity with `keep_user_info: true` (privacy.ts): what the site shows. */
export const keptCreatorFields = {
  user_id: z.string().nullable().optional().meta({ description: "The author's user id; only with keep_user_info" }),
  nickname: z.string().nullable().optional().meta({ description: "Only with keep_user_info" }),
  avatar: z.string().nullable().optional().meta({ description: "Only with keep_user_info" }),
  ip_location: z.string().nullable().optional().meta({ description: "Only with keep_user_info" }),
} satisfies FieldShape;

/** One downloaded file of a post (core/media/download.ts); `url` and `url_expires_at` are added on read, never stored. */
export const mediaFileSchema = z
  .strictObject({
    key: z.string().meta({ description: "Where the file is kept: <task_id>/<item key>/<n>.<ext>" }),
    content_type: z
      .string()
      .meta({ description: "What the bytes are (checked by their magic number)", examples: ["image/jpeg"] }),
    bytes: z.number(),
    sha256: z.string().meta({ description: "Hex SHA-256 of the stored bytes" }),
    source_url: z.string().meta({ description: "The URL of the post it was downloaded from" }),
    url: z
      .string()
      .optional()
      .meta({ description: "A time-limited download link (results and exports only; never stored)" }),
    url_expires_at: z.iso.datetime().optional().meta({ description: "When `url` stops working" }),
  })
  .meta({ description: "A post's image or video, stored with download_media: true" });

/** A file of a post that was not stored; the post is stored anyway. */
export const mediaFileErrorSchema = z
  .strictObject({
    source_url: z.string(),
    code: z.string().meta({
      description:
        "MEDIA_BLOCKED (egress policy), MEDIA_BAD_TYPE, MEDIA_FILE_TOO_LARGE, MEDIA_TASK_CAP, MEDIA_HTTP_STATUS, MEDIA_FETCH_FAILED, MEDIA_STORE_FAILED, MEDIA_STORE_UNAVAILABLE",
      examples: ["MEDIA_BAD_TYPE"],
    }),
    message: z.string(),
  })
  .meta({ description: "Why one of a post's files was not stored" });

/** The fields `download_media: true` adds to a post, on the platforms that can download (core/media/sources.ts). */
export const mediaDownloadFields = {
  media_files: z
    .array(mediaFileSchema)
    .optional()
    .meta({ description: "The post's stored images and video (only with download_media: true)" }),
  media_errors: z
    .array(mediaFileErrorSchema)
    .optional()
    .meta({ description: "The post's files that were not stored, and why (only with download_media: true)" }),
} satisfies FieldShape;

/** The framework's field after the platform's (results/itemSize.ts); `error` is only on failed items. */
const trailingFields = {
  truncated: z
    .literal(true)
    .optional()
    .meta({ description: "Present when the item was cut to the results table's item size" }),
} satisfies FieldShape;

/** One step of a probe's report (probe.ts ProbeStep). */
const probeStepSchema = z.strictObject({
  at: z.number().meta({ description: "Milliseconds since the probe started" }),
  step: z.string(),
  kind: z.enum(["open", "response", "call", "shape", "state", "selector", "items", "error"]),
  url: z.string().optional(),
  status: z.number().optional(),
  shape: z.enum(["ok", "warnings", "mismatch"]).optional(),
  detail: z.string().optional(),
  count: z.number().optional(),
  sample: z.record(z.string(), z.unknown()).optional(),
});

function leadingFields<const Platform extends string, const Kind extends string>(platform: Platform, kind: Kind) {
  return {
    item_type: z.literal(kind),
    platform: z.literal(platform),
    crawled_at: z.iso.datetime().meta({ description: "When the item was crawled" }),
  };
}

/**
 * The item kinds of a media platform, keyed by `item_type` (`creator` only where the
 * platform stores creator records), and the failed form of `content`: a post the site no
 * longer shows is stored with `error` and only the fields the crawl still knew (its ids, its
 * URL), so every platform field is optional there.
 */
export interface MediaItemSchemas {
  items: Record<string, z.ZodObject>;
  failedItems: Record<string, z.ZodObject>;
}

const KIND_DESCRIPTIONS = {
  content: "A post (note, video, thread, answer) as the platform's crawler stores it",
  comment: "A comment or, with enable_sub_comments, a reply (parent_comment_id set)",
  creator: "A creator's profile (creator mode, once per creator)",
} as const;

/**
 * A media platform's item schemas: the framework's leading fields, the platform's fields,
 * the creator identity (hashed, or kept with keep_user_info: each item carries one of the
 * two sets), then `truncated` (failed content: `error` too, see {@link MediaItemSchemas}).
 * Strict: an item with a field the schema does not declare fails, so a mapper cannot add
 * one without the schema (tests/support/itemSchemas.ts).
 */
export function mediaItemSchemas(platform: string, fields: MediaItemFields): MediaItemSchemas {
  const media = canDownloadMedia(platform) ? mediaDownloadFields : {};
  const kind = (name: keyof MediaItemFields, own: FieldShape) =>
    z
      .strictObject({
        ...leadingFields(platform, name),
        ...own,
        ...hashedCreatorFields,
        ...keptCreatorFields,
        ...(name === "content" ? media : {}),
        ...trailingFields,
      })
      .meta({ description: `${platform}: ${KIND_DESCRIPTIONS[name]}` });
  const items: Record<string, z.ZodObject> = {
    content: kind("content", fields.content),
    comment: kind("comment", fields.comment),
    ...(fields.creator === undefined ? {} : { creator: kind("creator", fields.creator) }),
    probe: z
      .strictObject({
        ...leadingFields(platform, "probe"),
        crawler_type: z.enum(["search", "detail", "creator"]),
        inputs: z.array(z.string()),
        counts: z.record(z.string(), z.number()).meta({ description: "Items stored per item_type" }),
        steps: z.array(probeStepSchema),
        steps_dropped: z.number().optional(),
        error: itemErrorSchema.optional().meta({ description: "Why the crawl failed, when it did" }),
        truncated: trailingFields.truncated,
      })
      .meta({ description: `${platform}: the report of a task with probe: true (what the crawl saw, step by step)` }),
  };
  const failedContent = z
    .strictObject({
      ...leadingFields(platform, "content"),
      ...z.object(fields.content).partial().shape,
      ...hashedCreatorFields,
      ...keptCreatorFields,
      ...media,
      error: itemErrorSchema,
      ...trailingFields,
    })
    .meta({
      description: `${platform}: a post the site no longer shows (deleted, hidden, under review): \`error\` says why; of its fields only those the crawl still knew (its ids, its URL)`,
    });
  return { items, failedItems: { content: failedContent } };
}

/** The CSV fields of each record kind: the schema's keys, in order. */
export function exportFieldsOf(fields: MediaItemFields): Record<keyof MediaItemFields, string[]> {
  return {
    content: Object.keys(fields.content),
    comment: Object.keys(fields.comment),
    creator: Object.keys(fields.creator ?? {}),
  };
}
