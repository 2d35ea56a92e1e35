/**
 * Result pages as JSON Lines or CSV. Nested values (objects, arrays) are flattened
 * one level into dotted columns, deeper ones written as JSON, so a spreadsheet opens them.
 */
export type Row = Record<string, unknown>;

export function toJsonLines(rows: readonly Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
}

export function flattenRow(row: Row): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) flat[`${key}.${inner}`] = cell(innerValue);
    } else {
      flat[key] = cell(value);
    }
  }
  return flat;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function quote(value: string): string {
  // Leading =,+,-,@ would be run as formulas by spreadsheets: prefix them.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV with a header of every column seen (first-seen order, keys first). */
export function toCsv(rows: readonly Row[], leadingColumns: readonly string[] = []): string {
  const flat = rows.map(flattenRow);
  const columns = [...leadingColumns];
  for (const row of flat) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const lines = [columns.map(quote).join(",")];
  for (const row of flat) lines.push(columns.map((column) => quote(row[column] ?? "")).join(","));
  return lines.join("\r\n") + "\r\n";
}
