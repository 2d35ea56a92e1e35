import { definePlatform } from "../definition.js";
import { webExportColumns } from "./exportColumns.js";
import { webPageItemSchema } from "./itemSchema.js";
import { webTaskInput } from "./schema.js";

/** Ordinary websites, as the API, the dashboard and the CLI know them (browser-free; the crawler side is index.ts). */
export const webDefinition = definePlatform({
  name: "web",
  label: "Web",
  accounts: false,
  inputSchema: webTaskInput,
  sorts: [],
  items: { page: webPageItemSchema },
  exportColumns: (task) => webExportColumns(task.params),
});
