import { describe, expect, it } from "vitest";
import { TASK_STATUSES, canTransition, isTerminal, statusesAllowing } from "../../core/tasks/status.js";

describe("task status transitions", () => {
  it("allows exactly the documented moves", () => {
    const allowed = TASK_STATUSES.flatMap((from) =>
      TASK_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "pending->running",
        "pending->cancelled",
        "pending->failed",
        "pending->pending",
        "running->running",
        "running->completed",
        "running->failed",
        "running->cancelled",
        "running->pending",
        "failed->pending",
        "cancelled->pending",
      ].sort(),
    );
  });

  it("never leaves completed", () => {
    expect(TASK_STATUSES.filter((to) => canTransition("completed", to))).toEqual([]);
  });

  it("knows which statuses are terminal and where a move may start", () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(["completed", "failed", "cancelled"]);
    expect(statusesAllowing("cancelled")).toEqual(["pending", "running"]);
    expect(statusesAllowing("pending")).toEqual(["pending", "running", "failed", "cancelled"]);
  });
});
