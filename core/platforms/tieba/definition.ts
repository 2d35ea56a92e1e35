import { defineMediaPlatform } from "../media/platformDefinition.js";
import { TIEBA_ITEM_FIELDS } from "./itemSchema.js";
import { tiebaTaskInput, TIEBA_SORTS } from "./schema.js";

/** tieba, as the API, the dashboard and the CLI know it (browser-free; the crawler side is index.ts). */
export const tiebaDefinition = defineMediaPlatform({
  name: "tieba",
  label: "贴吧",
  inputSchema: tiebaTaskInput,
  sorts: TIEBA_SORTS,
  itemFields: TIEBA_ITEM_FIELDS,
});
