import { describe, expect, it } from "vitest";
import { parseContentRef, parseUrlToken } from "../../core/platforms/zhihu/ids.js";
import { zhihuTaskInput } from "../../core/platforms/zhihu/schema.js";
import { searchPageUrl } from "../../core/platforms/zhihu/site.js";
import { parseOrThrow } from "../../core/validation.js";
import { validationMessage } from "../support/validation.js";

const messageFor = (body: Record<string, unknown>) => validationMessage(zhihuTaskInput, { platform: "zhihu", ...body });

describe("zhihu task input", () => {
  it("accepts the site's sorts and refuses others, naming them", () => {
    for (const sort of ["default", "upvoted_count", "created_time"]) {
      expect(
        parseOrThrow(zhihuTaskInput, { platform: "zhihu", crawler_type: "search", keywords: "a", sort }).sort,
      ).toBe(sort);
    }
    expect(messageFor({ crawler_type: "search", keywords: "a", sort: "general" })).toBe(
      'sort: must be one of "default", "upvoted_count", "created_time"',
    );
  });

  it("wants post URLs for detail: a bare id does not say which kind of post it is", () => {
    const parsed = parseOrThrow(zhihuTaskInput, {
      platform: "zhihu",
      crawler_type: "detail",
      specified_ids: ["https://www.zhihu.com/question/1/answer/2", "https://zhuanlan.zhihu.com/p/3"],
    });
    expect(parsed.specified_ids).toHaveLength(2);
    expect(messageFor({ crawler_type: "detail", specified_ids: ["https://zhuanlan.zhihu.com/p/3", "123456"] })).toMatch(
      /^specified_ids\.1: must be a zhihu post URL/,
    );
  });

  it("needs creators as url_tokens or profile URLs", () => {
    expect(messageFor({ crawler_type: "creator" })).toBe('creator_ids: is required for crawler_type "creator"');
    expect(messageFor({ crawler_type: "creator", creator_ids: ["https://www.zhihu.com/question/1"] })).toMatch(
      /^creator_ids\.0: must be a url_token/,
    );
  });

  it("refuses replies without comments", () => {
    expect(messageFor({ crawler_type: "search", keywords: "a", enable_sub_comments: true })).toBe(
      "enable_sub_comments: needs enable_comments: true",
    );
  });
});

describe("zhihu inputs", () => {
  it("reads answer, article and video URLs of any host", () => {
    expect(parseContentRef("https://www.zhihu.com/question/19550225/answer/1234567")).toEqual({
      type: "answer",
      id: "1234567",
      questionId: "19550225",
    });
    expect(parseContentRef("https://zhuanlan.zhihu.com/p/98765/")).toEqual({ type: "article", id: "98765" });
    expect(parseContentRef("http://127.0.0.1:3000/zvideo/1424368906836807681")).toEqual({
      type: "zvideo",
      id: "1424368906836807681",
    });
    expect(parseContentRef("https://www.zhihu.com/question/19550225")).toBeUndefined();
    expect(parseContentRef("1234567")).toBeUndefined();
  });

  it("reads url_tokens from tokens and profile URLs", () => {
    expect(parseUrlToken("kaifulee")).toBe("kaifulee");
    expect(parseUrlToken("https://www.zhihu.com/people/zhang-jia-wei/answers")).toBe("zhang-jia-wei");
    expect(parseUrlToken("https://www.zhihu.com/org/zhi-hu-xiao-guan-jia")).toBe("zhi-hu-xiao-guan-jia");
    expect(parseUrlToken("https://www.zhihu.com/question/1")).toBeUndefined();
    expect(parseUrlToken("no spaces please")).toBeUndefined();
  });
});

describe("zhihu search page URL", () => {
  it("sends the site's sort value, and none for its default ranking", () => {
    const base = { www: "https://www.zhihu.com" };
    expect(searchPageUrl(base, "大模型", "default")).toBe(
      "https://www.zhihu.com/search?type=content&q=%E5%A4%A7%E6%A8%A1%E5%9E%8B",
    );
    expect(new URL(searchPageUrl(base, "a", "upvoted_count")).searchParams.get("sort")).toBe("upvoted_count");
  });
});
