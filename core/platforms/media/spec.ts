import type { z } from "zod";
import type { PlatformSpec } from "../types.js";
import type { MediaPlatformName } from "./types.js";

/**
 * The validation side of a media platform, for core/platforms/registry.ts. Kept apart
 * from index.ts so the API bundle imports no crawling code: import it from
 * "../media/spec.js" in a platform's schema.ts.
 *
 * @example export const xhsSpec = mediaSpec("xhs", xhsTaskInput);
 */
export function mediaSpec<Input extends { platform: MediaPlatformName; crawler_type: string }>(
  name: MediaPlatformName,
  schema: z.ZodType<Input>,
): PlatformSpec<Input> {
  return { name, inputSchema: schema };
}
