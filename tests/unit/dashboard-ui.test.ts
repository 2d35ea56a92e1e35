import { describe, expect, it } from "vitest";
import { errorText, progressSummary } from "../../dashboard/src/wording.js";

describe("dashboard wording", () => {
  it("shows a stored error as CODE — message, without repeating the row's URL", () => {
    const url = "https://a.example/p";
    expect(errorText({ code: "NAVIGATION_FAILED", message: `${url}: net::ERR_NAME_NOT_RESOLVED` }, url)).toBe(
      "NAVIGATION_FAILED — net::ERR_NAME_NOT_RESOLVED",
    );
    expect(errorText({ code: "HTTP_ERROR", message: "404 Not Found" }, url)).toBe("HTTP_ERROR — 404 Not Found");
    expect(errorText({ code: "SITE_CHANGED" })).toBe("SITE_CHANGED");
    expect(errorText(undefined)).toBe("failed");
  });

  it("counts in words that agree with the number", () => {
    expect(progressSummary({ progress: { pages_done: 1, items: 1, errors: 1 }, result_count: 1 })).toBe(
      "1 page · 1 item · 1 error",
    );
    expect(progressSummary({ progress: { pages_done: 2, items: 0, errors: 3 }, result_count: 2 })).toBe(
      "2 pages · 0 items · 3 errors",
    );
  });
});
