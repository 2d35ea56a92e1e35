import { defineMediaPlatform } from "../media/platformDefinition.js";
import { ZHIHU_ITEM_FIELDS } from "./itemSchema.js";
import { zhihuTaskInput, ZHIHU_SORTS } from "./schema.js";

/** zhihu, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const zhihuDefinition = defineMediaPlatform({
  name: "zhihu",
  label: "知乎",
  inputSchema: zhihuTaskInput,
  sorts: ZHIHU_SORTS,
  itemFields: ZHIHU_ITEM_FIELDS,
});
