import { describe, expect, it } from "vitest";
import { getPlatform } from "../../core/platforms/registry.js";
import { xhsTaskInput } from "../../core/platforms/xhs/schema.js";
import { MEDIA_TASK_DEFAULTS } from "../support/validation.js";

const NOTE = "66696f98000000000d00f289";
const issues = (body: Record<string, unknown>) => {
  const result = xhsTaskInput.safeParse({ platform: "xhs", ...body });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("xhs task schema", () => {
  it("applies the shared defaults and splits 'a,b' keywords", () => {
    expect(xhsTaskInput.parse({ platform: "xhs", crawler_type: "search", keywords: "咖啡, 茶，," })).toEqual({
      platform: "xhs",
      crawler_type: "search",
      keywords: ["咖啡", "茶"],
      ...MEDIA_TASK_DEFAULTS,
      probe: false,
    });
  });

  it("needs each mode's input and replies only with comments", () => {
    expect(issues({ crawler_type: "search" })).toEqual(['keywords: is required for crawler_type "search"']);
    expect(issues({ crawler_type: "detail" })).toEqual(['specified_ids: is required for crawler_type "detail"']);
    expect(issues({ crawler_type: "creator", creator_ids: [NOTE], enable_sub_comments: true })).toEqual([
      "enable_sub_comments: needs enable_comments: true",
    ]);
  });

  it("accepts xhs ids and URLs only, and says what it wants", () => {
    expect(
      issues({
        crawler_type: "detail",
        specified_ids: [NOTE, `https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=x`],
      }),
    ).toEqual([]);
    expect(issues({ crawler_type: "detail", specified_ids: [NOTE, "https://xhslink.com/a/1"] })).toEqual([
      expect.stringMatching(/^specified_ids\.1: must be a 24-character xhs note id or a note URL/),
    ]);
    expect(issues({ crawler_type: "creator", creator_ids: ["someone"] })).toEqual([
      expect.stringMatching(/^creator_ids\.0: must be a 24-character xhs user id/),
    ]);
  });

  it("knows the xhs sorts and refuses unknown fields", () => {
    expect(issues({ crawler_type: "search", keywords: "a", sort: "time_descending" })).toEqual([]);
    expect(issues({ crawler_type: "search", keywords: "a", sort: "most_liked" })[0]).toMatch(
      /^sort: must be one of "general", "popularity_descending", "time_descending"/,
    );
    expect(issues({ crawler_type: "search", keywords: "a", max_pages: 3 })[0]).toMatch(/max_pages/);
  });

  it("is registered for the API", () => {
    expect(
      getPlatform("xhs").inputSchema.parse({ platform: "xhs", crawler_type: "search", keywords: "a" }),
    ).toMatchObject({ keywords: ["a"] });
  });
});
