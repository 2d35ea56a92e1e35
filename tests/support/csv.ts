/**
 * A strict RFC 4180 reader for tests, written apart from the exporter so that a
 * quoting mistake there is not mirrored here: records end with CRLF, a field is quoted
 * from its first character or not at all, quotes inside are doubled, and a bare quote,
 * CR or LF outside quotes is an error rather than something to guess about.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed CSV at offset ${i} (record ${records.length + 1}): ${why}`);
  };
  while (i < text.length) {
    if (text[i] === '"' && field === "") {
      // A quoted field: read to its closing quote.
      i++;
      for (;;) {
        if (i >= text.length) fail("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== "," && !text.startsWith("\r\n", i)) fail("text after a closing quote");
      continue;
    }
    const char = text[i] as string;
    if (char === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (text.startsWith("\r\n", i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (char === '"' || char === "\r" || char === "\n") {
      fail(`bare ${JSON.stringify(char)} in an unquoted field`);
    } else {
      field += char;
      i++;
    }
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Records as objects keyed by the header record; every record must have the header's width. */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...records] = parseCsv(text);
  if (header === undefined) throw new Error("CSV without a header record");
  const rows = records.map((record, index) => {
    if (record.length !== header.length)
      throw new Error(`record ${index + 2} has ${record.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, record[column] as string]));
  });
  return { header, rows };
}
