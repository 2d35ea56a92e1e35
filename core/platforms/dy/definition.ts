import { defineMediaPlatform } from "../media/platformDefinition.js";
import { DY_ITEM_FIELDS } from "./itemSchema.js";
import { dyTaskInput, DY_SORTS } from "./schema.js";

/** dy, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const dyDefinition = defineMediaPlatform({
  name: "dy",
  label: "抖音",
  inputSchema: dyTaskInput,
  sorts: DY_SORTS,
  itemFields: DY_ITEM_FIELDS,
});
