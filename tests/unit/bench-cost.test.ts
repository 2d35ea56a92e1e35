/** The AWS cost model behind bench/RESULTS.md's estimate: its arithmetic, checked by hand. */
import { describe, expect, it } from "vitest";
import { costPerThousandPages, DEPLOYED_MODEL, lambdaRateFromLocal } from "../../bench/cost.js";

describe("costPerThousandPages", () => {
  it("adds Lambda GB-seconds, DynamoDB units, Lambda and SQS requests", () => {
    const cost = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 10, resultItemKb: 2 });
    // 100 s of crawling + one 3 s cold start, at 2 GB.
    expect(cost.lambdaSeconds).toBeCloseTo(103);
    expect(cost.gbSeconds).toBeCloseTo(206);
    expect(cost.lambda).toBeCloseTo(206 * 0.0000166667, 8);
    // results 1000×2, politeness 1000×2, 100 flushes (one a second, 10 items each) × (2+4), 10 tasks × 3 × 2.
    expect(cost.writeUnits).toBe(2000 + 2000 + 600 + 60);
    expect(cost.readUnits).toBe(1000 + 20);
    expect(cost.dynamo).toBeCloseTo(4660 * 0.625e-6 + 1020 * 0.125e-6, 10);
    expect(cost.total).toBeCloseTo(cost.lambda + cost.dynamo + 10 * 0.2e-6 + 30 * 0.4e-6, 10);
  });

  it("charges a write unit per started KB of a result item, and flushes at least every 25 items", () => {
    const fast = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 100, resultItemKb: 7.2 });
    // 40 flushes (every 25 items: the crawl takes only 10 s).
    expect(fast.writeUnits).toBe(1000 * 8 + 2000 + 40 * 6 + 60);
    // A page every 2 s: every item finds the oldest buffered one over a second old, so one flush per page.
    const slow = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 0.5, resultItemKb: 1 });
    expect(slow.writeUnits).toBe(1000 * 1 + 2000 + 1000 * 6 + 60);
  });
});

describe("lambdaRateFromLocal", () => {
  it("scales a rate measured on more cores down to Lambda's vCPU share at 2048 MB", () => {
    expect(lambdaRateFromLocal(20, 2)).toBeCloseTo(20 * (2048 / 1769 / 2));
    expect(lambdaRateFromLocal(20, 1)).toBe(20);
  });
});

describe("oursRateFromReport", () => {
  it("reads our median pages/s from a RESULTS.md crawl table", async () => {
    const { oursRateFromReport } = await import("../../bench/cost.js");
    const table = [
      "| engine | pages ok / failed | time per round, s | median time, s | median pages/s | peak memory, MiB |",
      "|---|---|---|---|---|---|",
      "| ours (crawlWeb + WarmBrowser, single-process as on Lambda) | 500/0 | 27.0 | 27.00 | 18.5 | 467 |",
      "| bare puppeteer loop (floor) | 500/0 | 20.6 | 20.60 | 24.3 | 543 |",
    ].join("\n");
    expect(oursRateFromReport(table)).toBe(18.5);
    expect(oursRateFromReport("no table here")).toBeUndefined();
  });
});
