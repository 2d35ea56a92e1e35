import { z } from "zod";
import { httpUrl } from "../../validation.js";
import type { PlatformSpec } from "../types.js";

/** Fields every web result item has; selector names may not reuse them. */
export const WEB_RESULT_FIELDS = [
  "url",
  "final_url",
  "status",
  "title",
  "description",
  "text",
  "links",
  "depth",
  "fetched_at",
  "error",
  "truncated",
  "content_type",
  "item_type",
  "platform",
  "task_id",
  "item_key",
] as const;

const pathPattern = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" })
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { error: "must be a valid regular expression" },
  );

const selectorNamePattern = /^[a-z_][a-z0-9_]{0,63}$/i;

/** `{field: css selector}`; each field becomes a column of the page's result. */
const selectors = z
  .record(z.string(), z.string({ error: "must be a CSS selector string" }).min(1, { error: "must not be empty" }).max(500))
  .superRefine((record, ctx) => {
    const names = Object.keys(record);
    if (names.length > 50) ctx.addIssue({ code: "custom", message: "at most 50 selectors" });
    for (const name of names) {
      if (!selectorNamePattern.test(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: "selector names are letters, digits and _ (at most 64)" });
      } else if ((WEB_RESULT_FIELDS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `selector name is reserved (reserved: ${WEB_RESULT_FIELDS.join(", ")})` });
      }
    }
  });

/** Resource types a web task may block; images, media and fonts are blocked unless asked for. */
export const BLOCKABLE_RESOURCES = ["image", "media", "font", "stylesheet"] as const;

export const webTaskInput = z.strictObject({
  platform: z.literal("web"),
  crawler_type: z.enum(["detail", "crawl"], { error: 'must be "detail" (exactly the given URLs) or "crawl" (follow links)' }),
  urls: z
    .array(httpUrl, { error: "must be an array of URLs" })
    .min(1, { error: "must contain at least 1 URL" })
    .max(100, { error: "must contain at most 100 URLs" }),
  max_pages: z.int({ error: "must be an integer" }).min(1).max(10_000).default(50),
  max_depth: z.int({ error: "must be an integer" }).min(0).max(20).default(2),
  include: z.array(pathPattern).max(50).default([]),
  exclude: z.array(pathPattern).max(50).default([]),
  same_origin: z.boolean({ error: "must be true or false" }).default(true),
  selectors: selectors.optional(),
  wait_for: z.string().min(1).max(500).optional(),
  wait_until: z.enum(["load", "domcontentloaded", "networkidle"]).default("load"),
  page_timeout_secs: z.int({ error: "must be an integer" }).min(1).max(120).default(30),
  block_resources: z.array(z.enum(BLOCKABLE_RESOURCES)).max(4).default(["image", "media", "font"]),
});

export type WebTaskInput = z.output<typeof webTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type WebTaskParams = Omit<WebTaskInput, "platform">;

export const webSpec: PlatformSpec<WebTaskInput> = { name: "web", inputSchema: webTaskInput };
