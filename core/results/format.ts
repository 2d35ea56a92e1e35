/**
 * Encoding of single result rows: one JSON Lines line, or one RFC 4180 CSV record over
 * a fixed list of dot-path columns. Pages and whole exports are built from these in
 * export.ts.
 */
export type Row = Record<string, unknown>;

/** The UTF-8 byte order mark: Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = "\uFEFF";

/** CSV records end with CRLF (RFC 4180), the last one included, so pages concatenate. */
const CSV_EOL = "\r\n";

/** One item as one JSON Lines line, newline included; the item is written whole. */
export function jsonLine(row: Row): string {
  return `${JSON.stringify(row)}\n`;
}

/**
 * The value at a dot path: `author.nickname` reads `row.author.nickname`. A key that
 * itself contains the dots (`{"author.nickname": …}`) is found too, so rows that were
 * stored already flat export the same way.
 */
export function valueAt(row: Row, path: string): unknown {
  if (Object.hasOwn(row, path)) return row[path];
  const dot = path.indexOf(".");
  if (dot < 0) return undefined;
  const head = row[path.slice(0, dot)];
  if (head === null || typeof head !== "object" || Array.isArray(head)) return undefined;
  return valueAt(head as Row, path.slice(dot + 1));
}

/**
 * A value as cell text: nothing for null/undefined, JSON for what is still an object or
 * array at the column's depth (a list of tags, a nested record), plain text otherwise.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Spreadsheets run a cell that starts with = + - @ (and tab / CR, which some strip first)
 * as a formula: such text is prefixed with ' so it shows as typed (CSV injection).
 * Only text is guarded: a number such as -3 is not a formula and stays a number.
 */
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
function quoted(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvCell(value: unknown): string {
  const text = cellText(value);
  return quoted(typeof value === "string" ? defused(text) : text);
}

/** The header record. */
export function csvHeader(columns: readonly string[]): string {
  return columns.map((column) => quoted(defused(column))).join(",") + CSV_EOL;
}

/** One record with exactly `columns`, whatever keys the row has (absent ones are empty). */
export function csvRecord(row: Row, columns: readonly string[]): string {
  return columns.map((column) => csvCell(valueAt(row, column))).join(",") + CSV_EOL;
}
