import { type webFormatFields, webPageFields } from "./itemSchema.js";

/**
 * The CSV columns of a web task: the fields every page item has (itemSchema.ts, in its
 * order), the page error split into code and message, a column per other format the task
 * asked for, then one column per selector of the task. `platform` and `item_type` are the
 * same on every row and are left out.
 */
const PAGE_COLUMNS = Object.keys(webPageFields).flatMap((field) =>
  field === "error" ? ["error.code", "error.message"] : [field],
);

/** Format → the item field that carries it (`text` is a page column). */
const FORMAT_COLUMNS: Record<string, keyof typeof webFormatFields> = {
  markdown: "markdown",
  html: "html",
  links: "link_list",
};

/**
 * Selector columns are sorted by name: the task's `selectors` object comes back from
 * the table in no promised key order, and the columns must be the same on every page.
 * Tasks stored before `formats` existed have text only.
 */
export function webExportColumns(params: Record<string, unknown>): string[] {
  const selectors = params.selectors;
  const names = selectors !== null && typeof selectors === "object" ? Object.keys(selectors).sort() : [];
  const formats = Array.isArray(params.formats) ? params.formats : [];
  const formatColumns = Object.keys(FORMAT_COLUMNS)
    .filter((format) => formats.includes(format))
    .map((format) => FORMAT_COLUMNS[format] as string);
  return [...PAGE_COLUMNS, ...formatColumns, ...names];
}
