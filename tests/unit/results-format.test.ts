import { describe, expect, it } from "vitest";
import { flattenRow, toCsv, toJsonLines } from "../../core/results/format.js";
import { fitItemSize, itemBytes } from "../../core/results/itemSize.js";
import { decodeCursor, encodeCursor } from "../../core/pagination.js";

describe("result formats", () => {
  it("writes one JSON object per line", () => {
    expect(toJsonLines([{ a: 1 }, { b: "x" }])).toBe('{"a":1}\n{"b":"x"}\n');
    expect(toJsonLines([])).toBe("");
  });

  it("flattens nested objects one level and keeps arrays as JSON", () => {
    expect(flattenRow({ error: { code: "HTTP_404", message: "Not Found" }, tags: ["a", "b"], n: 3, none: null })).toEqual({
      "error.code": "HTTP_404",
      "error.message": "Not Found",
      tags: '["a","b"]',
      n: "3",
      none: "",
    });
  });

  it("quotes CSV cells, unions columns and defuses spreadsheet formulas", () => {
    const csv = toCsv([{ url: "https://a/", title: 'He said "hi", then left' }, { url: "https://b/", extra: "=SUM(A1)" }], ["url"]);
    expect(csv).toBe('url,title,extra\r\nhttps://a/,"He said ""hi"", then left",\r\nhttps://b/,,\'=SUM(A1)\r\n');
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
