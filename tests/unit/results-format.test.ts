import { describe, expect, it } from "vitest";
import { cellText, csvCell, csvHeader, csvRecord, jsonLine, valueAt } from "../../core/results/format.js";
import { fitItemSize, itemBytes } from "../../core/results/itemSize.js";
import { decodeCursor, encodeCursor } from "../../core/pagination.js";

describe("result formats", () => {
  it("writes one JSON object per line, the item whole", () => {
    expect(jsonLine({ a: 1, nested: { b: [1, "x"] } })).toBe('{"a":1,"nested":{"b":[1,"x"]}}\n');
  });

  it("reads dot paths through nested objects, and keys that already contain the dots", () => {
    const row = { author: { nickname: "小红", stats: { fans: 3 } }, "error.code": "X", tags: ["a"] };
    expect(valueAt(row, "author.nickname")).toBe("小红");
    expect(valueAt(row, "author.stats.fans")).toBe(3);
    expect(valueAt(row, "author.stats")).toEqual({ fans: 3 });
    expect(valueAt(row, "error.code")).toBe("X");
    expect(valueAt(row, "tags.0")).toBeUndefined();
    expect(valueAt(row, "missing.deeper")).toBeUndefined();
  });

  it("writes what is still an object or array at the column's depth as JSON, null as nothing", () => {
    expect(cellText({ code: "HTTP_404" })).toBe('{"code":"HTTP_404"}');
    expect(cellText(["a", "b"])).toBe('["a","b"]');
    expect(cellText(null)).toBe("");
    expect(cellText(undefined)).toBe("");
    expect(cellText(false)).toBe("false");
  });

  it("quotes cells per RFC 4180", () => {
    expect(csvCell('He said "hi", then left')).toBe('"He said ""hi"", then left"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell("plain text 中文")).toBe("plain text 中文");
    expect(csvCell(["x,y"])).toBe('"[""x,y""]"');
  });

  it("defuses text a spreadsheet would run as a formula, but not numbers", () => {
    for (const formula of ["=SUM(A1)", "+1", "-2+3", "@cmd", "\t=1", "\r=1"]) {
      expect(csvCell(formula).replace(/^"/, "").startsWith("'")).toBe(true);
    }
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes a record with exactly the given columns, CRLF-terminated", () => {
    const columns = ["url", "error.code", "tags", "absent"];
    expect(csvHeader(columns)).toBe("url,error.code,tags,absent\r\n");
    expect(
      csvRecord({ url: "https://a/", error: { code: "E", message: "m" }, tags: ["t"], other: "dropped" }, columns),
    ).toBe('https://a/,E,"[""t""]",\r\n');
  });
});

describe("item size cap", () => {
  it("leaves small items alone", () => {
    const item = { text: "short" };
    expect(fitItemSize(item)).toBe(item);
  });

  it("cuts the longest string until the item fits and marks it truncated", () => {
    const item = { url: "https://x/", text: "字".repeat(200_000) };
    const fitted = fitItemSize(item, 100_000);
    expect(itemBytes(fitted)).toBeLessThanOrEqual(100_000);
    expect((fitted as Record<string, unknown>).truncated).toBe(true);
    expect(fitted.url).toBe("https://x/");
    expect((fitted.text as string).length).toBeGreaterThan(20_000);
  });
});

describe("cursors", () => {
  it("round-trips a key and refuses anything else", () => {
    const cursor = encodeCursor({ task_id: "01ABC", list_pk: "task" })!;
    expect(decodeCursor(cursor, ["task_id", "list_pk"])).toEqual({ task_id: "01ABC", list_pk: "task" });
    expect(() => decodeCursor(cursor, ["task_id"])).toThrow(/^cursor: /);
    expect(() => decodeCursor("%%%", ["task_id"])).toThrow(/^cursor: /);
    expect(() => decodeCursor(encodeCursor({ task_id: 5 } as never)!, ["task_id"])).toThrow(/^cursor: /);
    expect(encodeCursor(undefined)).toBeNull();
  });
});

describe("task view", () => {
  it("never shows a proxy's password", async () => {
    const { toPublicTask } = await import("../../core/tasks/model.js");
    const task = toPublicTask({ params: { proxy: "http://alice:s3cret@proxy.example:3128" } } as never);
    expect(task.params.proxy).toBe("http://alice:***@proxy.example:3128");
    expect(JSON.stringify(task)).not.toContain("s3cret");
  });
});
