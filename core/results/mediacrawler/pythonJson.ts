/**
 * MC's JSON and JSON Lines as Python's json module writes them. No imports: the CLI writes
 * MC's JSON file with these too.
 */
type Row = Record<string, unknown>;

/**
 * One record as MC's JSON Lines writes it: Python's `json.dumps(item, ensure_ascii=False)`
 * (tools/async_file_writer.py:56-60), whose separators are ", " and ": ".
 */
export function mcJsonLine(row: Row): string {
  const fields = Object.entries(row).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value ?? null)}`);
  return `{${fields.join(", ")}}\n`;
}

/**
 * MC's JSON file: one array, `json.dumps(items, ensure_ascii=False, indent=4)`
 * (tools/async_file_writer.py:62-80), written record by record so any number of records
 * stays in bounded memory.
 */
export async function* mcJsonArray(rows: AsyncIterable<readonly Row[]>): AsyncGenerator<string, void, undefined> {
  let count = 0;
  for await (const page of rows) for (const row of page) yield mcJsonArrayEntry(row, count++);
  yield mcJsonArrayEnd(count);
}

/** The `index`-th record of MC's JSON array, with what comes before it ("[" or ","). */
export function mcJsonArrayEntry(row: Row, index: number): string {
  const body = JSON.stringify(row, (_key, value) => value ?? null, 4).replace(/\n/g, "\n    ");
  return `${index === 0 ? "[\n    " : ",\n    "}${body}`;
}

/** What closes MC's JSON array of `count` records. */
export function mcJsonArrayEnd(count: number): string {
  return count === 0 ? "[]" : "\n]";
}
