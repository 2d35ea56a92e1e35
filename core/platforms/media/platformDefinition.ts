import type { z } from "zod";
import { definePlatform, type PlatformDefinition, type TaskInputBase } from "../definition.js";
import { mediaExportColumns, type MediaExportFields } from "./exportColumns.js";

/** What a media platform's definition.ts says; the rest is the same for every media platform. */
export interface MediaPlatformOptions<Name extends string, Input extends TaskInputBase<Name>> {
  name: Name;
  /** What people call it: "小红书". */
  label: string;
  inputSchema: z.ZodType<Input>;
  /** The values its schema's `sort` takes. */
  sorts: readonly string[];
  /** The fields its records carry (exportColumns.ts); the framework's own columns are added. */
  exportFields: MediaExportFields;
}

/**
 * The definition of a media platform: it takes accounts and proxies, and its CSV columns
 * are the framework's around its own fields. Browser-free: import it from
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
    exportColumns: (task) => mediaExportColumns(options.exportFields, task),
  });
}
