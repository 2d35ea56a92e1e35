import { describe, expect, it } from "vitest";
import { Frontier } from "../../core/platforms/web/frontier.js";

describe("Frontier", () => {
  it("hands out pages first in, first out, each URL once", () => {
    const frontier = new Frontier(10);
    expect(frontier.add("http://a/1", 0)).toBe(true);
    expect(frontier.add("http://a/2", 0)).toBe(true);
    expect(frontier.add("http://a/1", 1)).toBe(false);

    const first = frontier.next();
    expect(first).toEqual({ url: "http://a/1", depth: 0 });
    expect(frontier.inFlight).toBe(1);
    expect(frontier.add("http://a/3", 1)).toBe(true);
    expect(frontier.next()?.url).toBe("http://a/2");
    expect(frontier.next()?.url).toBe("http://a/3");
    expect(frontier.next()).toBeUndefined();
    expect(frontier.finished).toBe(false);
  });

  it("never accepts more than maxPages URLs, failed pages included", () => {
    const frontier = new Frontier(2);
    expect(frontier.add("http://a/1", 0)).toBe(true);
    expect(frontier.add("http://a/2", 0)).toBe(true);
    expect(frontier.add("http://a/3", 0)).toBe(false);
    const first = frontier.next();
    if (first === undefined) throw new Error("expected a page");
    frontier.complete(first);
    expect(frontier.add("http://a/4", 1)).toBe(false);
    expect(frontier.done).toBe(1);
    expect(frontier.pending).toBe(1);
  });

  it("is finished once nothing is queued or in flight", () => {
    const frontier = new Frontier(5);
    frontier.add("http://a/1", 0);
    const entry = frontier.next();
    if (entry === undefined) throw new Error("expected a page");
    expect(frontier.finished).toBe(false);
    frontier.complete(entry);
    expect(frontier.finished).toBe(true);
    expect(() => frontier.complete(entry)).toThrow(/not in flight/);
  });

  it("round-trips through a JSON snapshot, putting in-flight pages back in the queue", () => {
    const frontier = new Frontier(10);
    for (const n of [1, 2, 3, 4]) frontier.add(`http://a/${n}`, n === 1 ? 0 : 1);
    const done = frontier.next();
    if (done === undefined) throw new Error("expected a page");
    frontier.complete(done);
    frontier.next(); // http://a/2 stays in flight

    const snapshot = JSON.parse(JSON.stringify(frontier.snapshot()));
    expect(snapshot).toEqual({
      version: 1,
      maxPages: 10,
      queue: [
        { url: "http://a/2", depth: 1 },
        { url: "http://a/3", depth: 1 },
        { url: "http://a/4", depth: 1 },
      ],
      seen: ["http://a/1", "http://a/2", "http://a/3", "http://a/4"],
      done: 1,
    });

    const resumed = Frontier.fromSnapshot(snapshot);
    expect(resumed.done).toBe(1);
    expect(resumed.add("http://a/1", 0)).toBe(false);
    expect([resumed.next()?.url, resumed.next()?.url, resumed.next()?.url, resumed.next()]).toEqual([
      "http://a/2",
      "http://a/3",
      "http://a/4",
      undefined,
    ]);
  });

  it("keeps working past its internal compaction point", () => {
    const frontier = new Frontier(5000);
    for (let n = 0; n < 3000; n += 1) frontier.add(`http://a/${n}`, 1);
    for (let n = 0; n < 2500; n += 1) expect(frontier.next()?.url).toBe(`http://a/${n}`);
    expect(frontier.pending).toBe(500);
    expect(frontier.snapshot().queue[2500]?.url).toBe("http://a/2500");
  });
});
