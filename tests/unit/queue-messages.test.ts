/** The crawler function's two message kinds: task messages keep their shape, login messages are told apart. */
import { describe, expect, it } from "vitest";
import { parseCrawlMessage, parseQueueMessage } from "../../core/queue/taskQueue.js";

describe("parseQueueMessage", () => {
  it("reads a task message as a crawl, as parseCrawlMessage does", () => {
    const body = JSON.stringify({ task_id: "01M8HQ0000000000000000000X" });
    expect(parseQueueMessage(body)).toEqual({ kind: "crawl", message: { task_id: "01M8HQ0000000000000000000X" } });
    expect(parseCrawlMessage(body)).toEqual({ task_id: "01M8HQ0000000000000000000X" });
  });

  it("reads a login message, which is no crawl message", () => {
    const body = JSON.stringify({ login_session_id: "01M94T1X3R70H6MJ7ZT2043JHH" });
    expect(parseQueueMessage(body)).toEqual({
      kind: "login",
      message: { login_session_id: "01M94T1X3R70H6MJ7ZT2043JHH" },
    });
    expect(parseCrawlMessage(body)).toBeUndefined();
  });

  it.each([
    ["not JSON", "{"],
    ["neither field", JSON.stringify({ id: "x" })],
    ["an empty session id", JSON.stringify({ login_session_id: "" })],
    ["a session id of 65 characters", JSON.stringify({ login_session_id: "x".repeat(65) })],
    ["a number", JSON.stringify({ login_session_id: 5 })],
    ["null", "null"],
  ])("refuses %s", (_what, body) => {
    expect(parseQueueMessage(body)).toBeUndefined();
  });
});
