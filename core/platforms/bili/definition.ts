import { defineMediaPlatform } from "../media/platformDefinition.js";
import { BILI_ITEM_FIELDS } from "./itemSchema.js";
import { biliTaskInput, BILI_SORTS } from "./schema.js";

/** bili, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const biliDefinition = defineMediaPlatform({
  name: "bili",
  label: "B站",
  inputSchema: biliTaskInput,
  sorts: BILI_SORTS,
  itemFields: BILI_ITEM_FIELDS,
});
