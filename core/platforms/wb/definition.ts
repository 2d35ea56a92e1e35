import { defineMediaPlatform } from "../media/platformDefinition.js";
import { WB_ITEM_FIELDS } from "./itemSchema.js";
import { wbTaskInput, WB_SORTS } from "./schema.js";

/** wb, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const wbDefinition = defineMediaPlatform({
  name: "wb",
  label: "微博",
  inputSchema: wbTaskInput,
  sorts: WB_SORTS,
  itemFields: WB_ITEM_FIELDS,
});
