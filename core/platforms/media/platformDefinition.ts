import type { z } from "zod";
import { definePlatform, type PlatformDefinition, type TaskInputBase } from "../definition.js";
import { mediaExportColumns } from "./exportColumns.js";
import { exportFieldsOf, type MediaItemFields, mediaItemSchemas } from "./itemSchema.js";

/** What a media platform's definition.ts says; the rest is the same for every media platform. */
export interface MediaPlatformOptions<Name extends string, Input extends TaskInputBase<Name>> {
  name: Name;
  /** What people call it: "小红书". */
  label: string;
  inputSchema: z.ZodType<Input>;
  /** The values its schema's `sort` takes. */
  sorts: readonly string[];
  /** The fields its records carry (its itemSchema.ts): item schemas and CSV columns are made from them. */
  itemFields: MediaItemFields;
}

/**
 * The definition of a media platform: it takes accounts and proxies, and its item schemas
 * and CSV columns are the framework's fields around its own. Browser-free: import it from
 * "../media/platformDefinition.js", never through "../media/index.js" (the crawler side).
 *
 * @example export const xhsDefinition = defineMediaPlatform({ name: "xhs", label: "小红书", … });
 */
export function defineMediaPlatform<const Name extends string, Input extends TaskInputBase<Name>>(
  options: MediaPlatformOptions<Name, Input>,
): PlatformDefinition<Name, Input, true> {
  return definePlatform({
    name: options.name,
    label: options.label,
    accounts: true,
    inputSchema: options.inputSchema,
    sorts: options.sorts,
    ...mediaItemSchemas(options.name, options.itemFields),
    exportColumns: (task) => mediaExportColumns(exportFieldsOf(options.itemFields), task),
  });
}
