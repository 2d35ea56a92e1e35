/** The AWS cost model behind bench/RESULTS.md's estimate: its arithmetic, checked by hand. */
import { describe, expect, it } from "vitest";
import {
  costPerThousandPages,
  DEPLOYED_MODEL,
  lambdaRateFromLocal,
  writeUnitsPerThousandPages,
} from "../../bench/cost.js";

/** Write units per write, as bench/taskWrites.ts measures them (round figures for the arithmetic). */
const writes = {
  taskCreated: 5,
  claimed: 5,
  finished: 5,
  progressWritten: 1,
  leaseRenewed: 1,
  checkpointSaved: 1,
  checkpointDeleted: 1,
  politenessPerPage: 2,
};

describe("costPerThousandPages", () => {
  it("adds Lambda GB-seconds, DynamoDB units, Lambda and SQS requests", () => {
    const cost = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 10, resultItemKb: 2, writes });
    // 100 s of crawling + one 3 s cold start, at 2 GB.
    expect(cost.lambdaSeconds).toBeCloseTo(103);
    expect(cost.gbSeconds).toBeCloseTo(206);
    expect(cost.lambda).toBeCloseTo(206 * 0.0000166667, 8);
    // results 1000×2, politeness 1000×2, 100 flushes (one a second, 10 items each) × (progress 1 + checkpoint 1),
    // 100 s / 15 s of heartbeats × 1, 10 tasks × (create 5 + claim 5 + finish 5 + checkpoint delete 1).
    expect(cost.writeUnits).toBeCloseTo(2000 + 2000 + 200 + 100 / 15 + 160);
    expect(cost.readUnits).toBe(1000 + 20);
    expect(cost.dynamo).toBeCloseTo(cost.writeUnits * 0.625e-6 + 1020 * 0.125e-6, 10);
    expect(cost.total).toBeCloseTo(cost.lambda + cost.dynamo + 10 * 0.2e-6 + 30 * 0.4e-6, 10);
  });

  it("charges a write unit per started KB of a result item, and flushes at least every 25 items", () => {
    const fast = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 100, resultItemKb: 7.2, writes });
    // 40 flushes (every 25 items: the crawl takes only 10 s).
    expect(fast.writeUnits).toBeCloseTo(1000 * 8 + 2000 + 40 * 2 + 10 / 15 + 160);
    // A page every 2 s: every item finds the oldest buffered one over a second old, so one flush per page.
    const slow = costPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 0.5, resultItemKb: 1, writes });
    expect(slow.writeUnits).toBeCloseTo(1000 * 1 + 2000 + 1000 * 2 + 2000 / 15 + 160);
  });

  it("prices the measured units: a progress write that also wrote four GSIs costs five", () => {
    const tasksUnits = (progressWritten: number) =>
      writeUnitsPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond: 2, writes: { ...writes, progressWritten } })
        .tasks;
    // 500 flushes at 2 pages/s: four more units each.
    expect(tasksUnits(5) - tasksUnits(1)).toBeCloseTo(500 * 4);
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
