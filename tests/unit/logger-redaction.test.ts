import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, redactSecrets } from "../../functions/shared/logger.js";
import { httpEvent } from "../support/events.js";

const KEY = "secret-key-0123456789";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What the logger writes while `run` runs. */
function captured(run: () => void): string {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return lines.join("");
}

describe("logger redaction", () => {
  it("never writes API keys, authorization headers or cookies, however deep", () => {
    const logger = createLogger("test");
    const event = httpEvent("POST", "/api/v1/tasks", {
      body: { platform: "web" },
      headers: { Authorization: `Bearer ${KEY}`, "x-api-key": KEY, cookie: `session=${KEY}` },
    });
    event.cookies = [`session=${KEY}`];
    const output = captured(() => {
      logger.info("request", { event, nested: { deeper: { headers: { authorization: KEY } } }, api_key: KEY });
      logger.logEventIfEnabled(event, true);
      logger.error("failed", { error: new Error("boom"), request: { headers: { "X-Api-Key": KEY } } });
    });
    expect(output).toContain("[redacted]");
    expect(output).toContain("/api/v1/tasks");
    expect(output).not.toContain(KEY);
  });

  it("leaves other keys alone", () => {
    expect(redactSecrets("authorization", "x")).toBe("[redacted]");
    expect(redactSecrets("Set-Cookie", ["a"])).toBe("[redacted]");
    expect(redactSecrets("author", "x")).toBe("x");
    expect(redactSecrets("authorization", undefined)).toBeUndefined();
  });
});
