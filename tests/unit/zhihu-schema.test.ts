import { describe, expect, it } from "vitest";
import { parseContentRef, parseUrlToken } from "../../core/platforms/zhihu/ids.js";
import { zhihuTaskInput } from "../../core/platforms/zhihu/schema.js";
import { searchPageUrl } from "../../core/platforms/zhihu/site.js";
import { parseOrThrow } from "../../core/validation.js";
import { refusalMessage } from "../support/validation.js";

const messageFor = (body: Record<string, unknown>) => refusalMessage(zhihuTaskInput, { platform: "zhihu", ...body });

describe("zhihu task input", () => {
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

  it("takes zhihu's time and type filters for search, and refuses them elsewhere", () => {
    const parsed = parseOrThrow(zhihuTaskInput, {
      platform: "zhihu",
      crawler_type: "search",
      keywords: ["芯片"],
      time_interval: "three_months",
      vertical: "article",
    });
    expect(parsed).toMatchObject({ time_interval: "three_months", vertical: "article" });
    expect(messageFor({ crawler_type: "search", keywords: ["a"], time_interval: "a_decade" })).toBe(
      'time_interval: must be one of "a_day", "a_week", "a_month", "three_months", "half_a_year", "a_year"',
    );
    expect(messageFor({ crawler_type: "search", keywords: ["a"], vertical: "question" })).toBe(
      'vertical: must be one of "answer", "article", "zvideo"',
    );
    expect(messageFor({ crawler_type: "creator", creator_ids: ["kaifulee"], vertical: "answer" })).toBe(
      'vertical: applies only to crawler_type "search"',
    );
  });

  it("needs creators as url_tokens or profile URLs", () => {
    expect(messageFor({ crawler_type: "creator", creator_ids: ["https://www.zhihu.com/question/1"] })).toMatch(
      /^creator_ids\.0: must be a url_token/,
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
    expect(searchPageUrl(base, "大模型", { sort: "default" })).toBe(
      "https://www.zhihu.com/search?type=content&q=%E5%A4%A7%E6%A8%A1%E5%9E%8B",
    );
    expect(new URL(searchPageUrl(base, "a", { sort: "upvoted_count" })).searchParams.get("sort")).toBe("upvoted_count");
  });

  it("carries the time and type filters as the page's own parameters (MC core.py:411 sends time_interval so)", () => {
    const url = new URL(
      searchPageUrl({ www: "https://www.zhihu.com" }, "a", {
        sort: "default",
        time_interval: "a_week",
        vertical: "zvideo",
      }),
    );
    expect(url.searchParams.get("time_interval")).toBe("a_week");
    expect(url.searchParams.get("vertical")).toBe("zvideo");
    expect(url.searchParams.has("sort")).toBe(false);
  });
});
