/**
 * exportResults over 100,000 items (generated page by page, never stored) must run in
 * bounded memory: the heap, measured after forced collections, may not grow by more than
 * BOUND while the whole export (well over BOUND of text) goes to a sink that discards it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { exportResults, type ExportOptions } from "../../core/results/export.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const ITEMS = 100_000;
const PAGE_SIZE = 500;
const BOUND = 50 * 1024 * 1024;
const COLUMNS = ["task_id", "item_key", "ok", "title", "author.nickname", "text", "tags", "error.code"];

/** Pages made only when asked for, as a store query would return them. */
async function* generatedPages(): AsyncGenerator<Record<string, unknown>[]> {
  for (let start = 0; start < ITEMS; start += PAGE_SIZE) {
    const page: Record<string, unknown>[] = [];
    for (let i = start; i < start + PAGE_SIZE; i++) {
      page.push({
        task_id: "01JEXPORTMEMORYTEST0000000",
        item_key: `page:https://site.example/${i}`,
        ok: i % 10 !== 0,
        title: `标题 ${i}, "quoted" =formula`,
        author: { nickname: `作者${i % 97}`, id: i },
        text: `${"lorem ipsum ".repeat(80)}正文 ${i}`,
        tags: ["a", `t${i % 13}`],
        error: i % 10 === 0 ? { code: "HTTP_500", message: "server error" } : null,
      });
    }
    await Promise.resolve();
    yield page;
  }
}

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Runs an export into `sink`; returns the heap's largest growth over the start and the characters written. */
async function measure(
  options: ExportOptions,
  sink: (chunk: string) => boolean,
): Promise<{ growth: number; chars: number }> {
  const baseline = heapUsed();
  let peak = baseline;
  let chars = 0;
  let chunks = 0;
  for await (const chunk of exportResults(generatedPages(), options)) {
    chars += chunk.length;
    if (++chunks % 10 === 0) peak = Math.max(peak, heapUsed());
    if (!sink(chunk)) break;
  }
  peak = Math.max(peak, heapUsed());
  return { growth: peak - baseline, chars };
}

describe("exportResults memory", () => {
  it.each([
    ["csv", { format: "csv", columns: COLUMNS, bom: true }],
    ["jsonl", { format: "jsonl", columns: COLUMNS }],
  ] as const)(
    "%s: 100,000 items export with the heap growing less than 50 MB",
    async (name, options) => {
      const { growth, chars } = await measure(options, () => true);
      // The export is far bigger than the bound (two bytes a character: it has Chinese text),
      // so holding it, or most of it, would break the bound.
      expect(chars).toBeGreaterThan(BOUND);
      console.log(
        `${name}: ${(chars / 1e6).toFixed(1)}M characters exported, heap growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
      );
      expect(growth).toBeLessThan(BOUND);
    },
    300_000,
  );

  it("the measurement sees a sink that keeps what it is given", async () => {
    const kept: string[] = [];
    let keptChars = 0;
    // Keeps chunks until about 1.5 × BOUND of text is held, then stops the export.
    const { growth } = await measure({ format: "csv", columns: COLUMNS }, (chunk) => {
      kept.push(chunk);
      keptChars += chunk.length;
      return keptChars * 2 < BOUND * 1.5;
    });
    expect(kept.length).toBeGreaterThan(0);
    expect(growth).toBeGreaterThan(BOUND);
  }, 300_000);
});
