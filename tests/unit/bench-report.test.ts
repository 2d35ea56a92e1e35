import { describe, expect, it } from "vitest";
import { startLoopbackSite } from "../../bench/loopbackSite.js";
import { mergeReport } from "../../bench/report.js";
import { median, percentile } from "../../bench/stats.js";

const previous = `# Benchmark results

- date: old

## Crawl throughput (issue 5, item 1)

crawl figures

## Function bundles (issue 5, item 4, part)

bundle figures

## Someone else's section

kept as is
`;

describe("mergeReport (bench/RESULTS.md with --only)", () => {
  it("replaces only the sections that ran, keeps the others and the previous header", () => {
    const report = mergeReport({
      previous,
      fresh: {
        stack: "## End to end through the one-machine stack (issue 5, item 2)\n\nnew stack\n",
        bundle: "\n## Function bundles (issue 5, item 4, part)\n\nnew bundles\n",
      },
    });
    expect(report).toContain("- date: old");
    expect(report).toContain("crawl figures");
    expect(report).toContain("new bundles");
    expect(report).not.toContain("bundle figures");
    expect(report).toContain("kept as is");
    const order = [
      "# Benchmark results",
      "## Crawl throughput",
      "## Function bundles",
      "## End to end",
      "## Someone else's",
    ].map((h) => report.indexOf(h));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("puts a section that ran again in place of its old text, once", () => {
    const first = mergeReport({ previous, fresh: { api: "## API create-task latency (issue 5, item 4)\n\nrun 1\n" } });
    const second = mergeReport({
      previous: first,
      fresh: { api: "## API create-task latency (issue 5, item 4)\n\nrun 2\n" },
    });
    expect(second).toContain("run 2");
    expect(second).not.toContain("run 1");
    expect(second.match(/## API create-task latency/g)).toHaveLength(1);
  });

  it("takes a new header when given one (the crawl ran)", () => {
    const report = mergeReport({
      previous,
      header: "# Benchmark results\n\n- date: new\n",
      fresh: { crawl: "## Crawl throughput (issue 5, item 1)\n\nnew crawl\n" },
    });
    expect(report).toContain("- date: new");
    expect(report).not.toContain("- date: old");
    expect(report).toContain("new crawl");
    expect(report).not.toContain("crawl figures");
  });
});

describe("percentile (nearest rank)", () => {
  it("gives the smallest value with at least p % at or below it", () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones for an even count", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([5, 1, 4, 2])).toBe(3);
    expect(median([42])).toBe(42);
    expect(median([])).toBeNaN();
  });
});

describe("startLoopbackSite", () => {
  it("serves every host name and notes the first request per path", async () => {
    const site = await startLoopbackSite({ hosts: 3 });
    try {
      expect(site.origins.map((o) => new URL(o).hostname)).toEqual(["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
      const waiting = site.waitForRequest("/a", 5000);
      const before = Date.now();
      const answer = await fetch(site.urlFor(2, "/a"));
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain("<title>Bench /a</title>");
      const first = await waiting;
      expect(first).toBeGreaterThanOrEqual(before);
      await fetch(site.urlFor(0, "/a"));
      expect(site.firstRequestAt("/a")).toBe(first);
      expect(site.requests()).toBe(2);
      expect(site.firstRequestAt("/b")).toBeUndefined();
      await expect(site.waitForRequest("/b", 50)).rejects.toThrow(/no request for \/b/);
    } finally {
      await site.close();
    }
  });
});
