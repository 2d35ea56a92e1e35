import { describe, expect, it } from "vitest";
import { xhsTaskInput } from "../../core/platforms/xhs/schema.js";

const NOTE = "66696f98000000000d00f289";
const issues = (body: Record<string, unknown>) => {
  const result = xhsTaskInput.safeParse({ platform: "xhs", ...body });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("xhs task schema", () => {
  it("accepts xhs ids and URLs only, and says what it wants", () => {
    expect(
      issues({
        crawler_type: "detail",
        specified_ids: [NOTE, `https://www.xiaohongshu.com/explore/${NOTE}?xsec_token=x`],
      }),
    ).toEqual([]);
    expect(issues({ crawler_type: "detail", specified_ids: ["https://xhslink.com/a/1", "https://t.cn/abc"] })).toEqual([
      expect.stringMatching(
        /^specified_ids\.1: must be a 24-character xhs note id, a note URL .*, or an xhslink.com share link$/,
      ),
    ]);
    expect(issues({ crawler_type: "creator", creator_ids: ["someone"] })).toEqual([
      expect.stringMatching(/^creator_ids\.0: must be a 24-character xhs user id/),
    ]);
  });

  it("takes note_type all / video / image for search only", () => {
    expect(issues({ crawler_type: "search", keywords: ["咖啡"], note_type: "video" })).toEqual([]);
    expect(issues({ crawler_type: "search", keywords: ["咖啡"], note_type: "normal" })).toEqual([
      'note_type: must be one of "all", "video", "image"',
    ]);
    expect(issues({ crawler_type: "detail", specified_ids: [NOTE], note_type: "image" })).toEqual([
      'note_type: applies only to crawler_type "search"',
    ]);
  });
});
