import { defineMediaPlatform } from "../media/platformDefinition.js";
import { XHS_ITEM_FIELDS } from "./itemSchema.js";
import { xhsTaskInput, XHS_SORTS } from "./schema.js";

/** xhs, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const xhsDefinition = defineMediaPlatform({
  name: "xhs",
  label: "小红书",
  inputSchema: xhsTaskInput,
  sorts: XHS_SORTS,
  itemFields: XHS_ITEM_FIELDS,
});
