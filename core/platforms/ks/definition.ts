import { defineMediaPlatform } from "../media/platformDefinition.js";
import { KS_ITEM_FIELDS } from "./itemSchema.js";
import { ksTaskInput, KS_SORTS } from "./schema.js";

/** ks, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const ksDefinition = defineMediaPlatform({
  name: "ks",
  label: "快手",
  inputSchema: ksTaskInput,
  sorts: KS_SORTS,
  itemFields: KS_ITEM_FIELDS,
});
