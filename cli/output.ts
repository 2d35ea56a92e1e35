/**
 * Where results go and how they look: tables and key/value lines for people, JSON with
 * --json. Data goes to stdout, notes and errors to stderr, so `> file` and pipes get only data.
 */
export interface TerminalStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface OutputStreams {
  stdout: TerminalStream;
  stderr: TerminalStream;
}

export class Output {
  constructor(
    readonly streams: OutputStreams,
    readonly json: boolean,
  ) {}

  /** Whether stdout is a terminal a person reads (live progress, fitted widths). */
  get interactive(): boolean {
    return this.streams.stdout.isTTY === true;
  }

  get columns(): number {
    // 0 when the terminal does not say (a pty without a size).
    return this.streams.stdout.columns || 80;
  }

  line(text = ""): void {
    this.streams.stdout.write(`${text}\n`);
  }

  /** A message about the data, never the data itself: stderr. */
  note(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  printJson(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    this.streams.stdout.write(renderTable(headers, rows));
  }

  fields(pairs: ReadonlyArray<readonly [string, string | undefined]>): void {
    this.streams.stdout.write(renderFields(pairs));
  }
}

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => displayWidth(row[column] ?? ""))));
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + " ".repeat((widths[column] ?? 0) - displayWidth(cell)),
        )
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** `name:  value` lines, names aligned; absent values are left out. */
export function renderFields(pairs: ReadonlyArray<readonly [string, string | undefined]>): string {
  const present = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== "");
  const width = Math.max(0, ...present.map(([name]) => name.length)) + 1;
  return present.map(([name, value]) => `${`${name}:`.padEnd(width)}  ${value}\n`).join("");
}

/** CJK characters take two terminal cells; enough for notes and titles in tables. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char)
      ? 2
      : 1;
  return width;
}
