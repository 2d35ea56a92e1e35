import * as z from "zod";
import type { PlatformDefinition } from "../platforms/definition.js";
import { PLATFORMS } from "../platforms/registry.js";
import type { StoredResult } from "./store.js";

/**
 * Results as the API returns them: a platform's item (its definition's `items`, one strict
 * schema per item_type: core/platforms/web/itemSchema.ts, core/platforms/<p>/itemSchema.ts
 * with the media fields of core/platforms/media/itemSchema.ts) plus the result's keys.
 * functions/api/openapi.ts publishes each as a named schema under a discriminated oneOf
 * (platform, then item_type); tests hold real items and real responses to them.
 */

/** What the results table adds to every item (store.ts toStoredResult). */
export const resultKeyFields = {
  task_id: z.string(),
  item_key: z.string().meta({
    description: "Stable key: crawling the same thing again overwrites the item",
    examples: ["page:http://127.0.0.1:8000/"],
  }),
  ok: z.boolean().meta({ description: "false when the item records a failure (see its `error`)" }),
};

/** One platform item schema as a result; `ok` fixed where the schema is only for one outcome. */
export function publicItemSchema(item: z.ZodObject, ok?: boolean): z.ZodObject {
  return item.extend({ ...resultKeyFields, ...(ok === undefined ? {} : { ok: z.literal(ok) }) });
}

/** A kind's result schema, or its two when its failed items have their own shape. */
export type PublicItemKind = z.ZodObject | { ok: z.ZodObject; failed: z.ZodObject };

/** Every platform's result schemas, keyed by platform then item_type. */
export function publicItemSchemas(): Record<string, Record<string, PublicItemKind>> {
  return Object.fromEntries(
    PLATFORMS.map((platform) => {
      const failedItems = (platform as PlatformDefinition).failedItems ?? {};
      const kinds = Object.entries(platform.items).map(([kind, item]): [string, PublicItemKind] => {
        const failed = failedItems[kind];
        return [
          kind,
          failed === undefined
            ? publicItemSchema(item)
            : { ok: publicItemSchema(item, true), failed: publicItemSchema(failed, false) },
        ];
      });
      return [platform.name, Object.fromEntries(kinds)];
    }),
  );
}

/**
 * Web page items stored before items carried `platform` and `item_type` (media items always
 * did) get them when read, so every result the API returns has its discriminators.
 */
export function withDiscriminators(result: StoredResult): StoredResult {
  if (result.platform !== undefined) return result;
  return { platform: "web", item_type: "page", ...result };
}
