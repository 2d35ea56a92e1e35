/** What `tasks watch` draws: the in-place bar, the per-change lines, and the last line. */
import { describe, expect, it } from "vitest";
import {
  changed,
  elapsedMs,
  finalLine,
  formatElapsed,
  progressBar,
  progressLine,
  progressView,
  type WatchedTask,
} from "../../cli/progress.js";
import { renderFields, renderTable } from "../../cli/output.js";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");

function task(overrides: Partial<WatchedTask> = {}): WatchedTask {
  return {
    task_id: "01TASK",
    platform: "web",
    crawler_type: "crawl",
    status: "running",
    progress: { pages_done: 5, items: 5, errors: 1 },
    params: { max_pages: 20 },
    created_at: new Date(T0 - 5000).toISOString(),
    started_at: new Date(T0).toISOString(),
    ...overrides,
  };
}

describe("progress view", () => {
  it("reads pages against the task's max_pages, and the elapsed time of the run", () => {
    expect(progressView(task(), T0 + 65_000)).toEqual({
      status: "running",
      pagesDone: 5,
      maxPages: 20,
      items: 5,
      errors: 1,
      elapsedMs: 65_000,
    });
    expect(progressView(task({ platform: "xhs", params: { max_notes_count: 20 } }), T0).maxPages).toBeUndefined();
  });

  it("counts a detail task's pages against its URLs, not the default max_pages", () => {
    const detail = { crawler_type: "detail", params: { urls: ["https://a.example/"], max_pages: 50 } };
    expect(progressView(task(detail), T0).maxPages).toBe(1);
    const urlList = { id: "L", count: 2400, pieces: 1, hosts: { "a.example": 2400 }, preview: ["https://a.example/1"] };
    const stored = { crawler_type: "detail", params: { url_list: urlList } };
    expect(progressView(task(stored), T0).maxPages).toBe(2400);
  });

  it("counts from creation while pending, stops at finished_at, and never goes negative", () => {
    expect(elapsedMs({ created_at: new Date(T0).toISOString() }, T0 + 3000)).toBe(3000);
    expect(
      elapsedMs(
        {
          created_at: new Date(T0).toISOString(),
          started_at: new Date(T0 + 1000).toISOString(),
          finished_at: new Date(T0 + 4000).toISOString(),
        },
        T0 + 99_000,
      ),
    ).toBe(3000);
    expect(elapsedMs({ created_at: new Date(T0).toISOString() }, T0 - 2000)).toBe(0);
  });

  it("formats elapsed times compactly", () => {
    expect(formatElapsed(0)).toBe("0s");
    expect(formatElapsed(59_999)).toBe("59s");
    expect(formatElapsed(65_000)).toBe("1m05s");
    expect(formatElapsed(3_723_000)).toBe("1h02m");
  });
});

describe("progress bar", () => {
  it("fills in proportion to pages done and fits the terminal width", () => {
    const line = progressBar(progressView(task(), T0 + 12_000), 100);
    expect(line).toBe("running   [########----------------------] pages 5/20  items 5  errors 1  elapsed 12s");
    expect(line.length).toBeLessThan(100);
  });

  it("is full (not overfull) when more pages are done than the budget", () => {
    expect(progressBar(progressView(task({ progress: { pages_done: 25, items: 25, errors: 0 } }), T0), 100)).toContain(
      `[${"#".repeat(30)}]`,
    );
  });

  it("drops the bar when there is no page budget or no room, and cuts to columns - 1", () => {
    expect(progressBar(progressView(task({ params: {} }), T0), 100)).toBe(
      "running    pages 5  items 5  errors 1  elapsed 0s",
    );
    const narrow = progressBar(progressView(task(), T0), 40);
    expect(narrow).not.toContain("[");
    expect(narrow.length).toBe(39);
    expect(narrow.endsWith("…")).toBe(true);
  });

  it("shows a note (a retry) after the counters, cut first", () => {
    expect(progressBar(progressView(task({ params: {} }), T0), 200, "retrying in 2s: cannot reach the API")).toBe(
      "running    pages 5  items 5  errors 1  elapsed 0s  retrying in 2s: cannot reach the API",
    );
  });
});

describe("plain lines", () => {
  it("change when status or counters change, not when only time passes", () => {
    const first = progressView(task(), T0);
    expect(changed(undefined, first)).toBe(true);
    expect(changed(first, progressView(task(), T0 + 5000))).toBe(false);
    expect(changed(first, progressView(task({ progress: { pages_done: 6, items: 6, errors: 1 } }), T0))).toBe(true);
    expect(changed(first, progressView(task({ status: "completed" }), T0))).toBe(true);
  });

  it("end with the outcome and why a task failed or stopped early", () => {
    const finished_at = new Date(T0 + 7000).toISOString();
    expect(progressLine(progressView(task({ status: "completed", finished_at }), T0))).toBe(
      "completed  pages 5/20  items 5  errors 1  elapsed 7s",
    );
    expect(
      finalLine(
        task({
          status: "failed",
          finished_at,
          error: { code: "ALL_PAGES_FAILED", message: "all 5 pages failed;\nfirst" },
        }),
        T0,
      ),
    ).toBe("failed     pages 5/20  items 5  errors 1  elapsed 7s  ALL_PAGES_FAILED: all 5 pages failed; first");
    expect(finalLine(task({ status: "completed", finished_at, stop_reason: "time_limit" }), T0)).toBe(
      "completed  pages 5/20  items 5  errors 1  elapsed 7s  (stopped early: time_limit)",
    );
  });
});

describe("tables and fields", () => {
  it("pad columns to the widest cell (CJK counted double) without trailing spaces", () => {
    expect(
      renderTable(
        ["ID", "NOTE", "N"],
        [
          ["a", "咖啡", "1"],
          ["bbb", "x", "22"],
        ],
      ),
    ).toBe("ID   NOTE  N\na    咖啡  1\nbbb  x     22\n");
    expect(
      renderFields([
        ["status", "running"],
        ["error", undefined],
        ["task_id", "01X"],
      ]),
    ).toBe("status:   running\ntask_id:  01X\n");
  });
});
