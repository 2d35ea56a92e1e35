import { describe, expect, it } from "vitest";
import { parseCreatorRef, parseThreadId } from "../../core/platforms/tieba/ids.js";
import { tiebaTaskInput } from "../../core/platforms/tieba/schema.js";
import { parseOrThrow } from "../../core/validation.js";
import { MEDIA_TASK_DEFAULTS, validationMessage } from "../support/validation.js";

const messageFor = (body: Record<string, unknown>) => validationMessage(tiebaTaskInput, { platform: "tieba", ...body });

describe("tieba task input", () => {
  it("fills in the shared defaults and splits keywords", () => {
    expect(parseOrThrow(tiebaTaskInput, { platform: "tieba", crawler_type: "search", keywords: "编程, 考研" })).toEqual(
      {
        platform: "tieba",
        crawler_type: "search",
        keywords: ["编程", "考研"],
        ...MEDIA_TASK_DEFAULTS,
        probe: false,
      },
    );
  });

  it("accepts the site's sorts and refuses others, naming them", () => {
    for (const sort of ["time_descending", "time_ascending", "relevance"]) {
      expect(
        parseOrThrow(tiebaTaskInput, { platform: "tieba", crawler_type: "search", keywords: "a", sort }).sort,
      ).toBe(sort);
    }
    expect(messageFor({ crawler_type: "search", keywords: "a", sort: "popularity_descending" })).toBe(
      'sort: must be one of "time_descending", "time_ascending", "relevance"',
    );
  });

  it("needs each mode's input and names what it accepts", () => {
    expect(messageFor({ crawler_type: "detail" })).toBe('specified_ids: is required for crawler_type "detail"');
    expect(messageFor({ crawler_type: "detail", specified_ids: ["https://tieba.baidu.com/f?kw=x"] })).toMatch(
      /^specified_ids\.0: must be a thread id/,
    );
    expect(messageFor({ crawler_type: "creator", creator_ids: ["https://tieba.baidu.com/p/1"] })).toMatch(
      /^creator_ids\.0: must be a user name, a portrait/,
    );
  });

  it("refuses unknown fields such as a forum list (not supported)", () => {
    expect(messageFor({ crawler_type: "search", keywords: "a", tieba_names: ["编程"] })).toBe(
      'unknown field "tieba_names"',
    );
  });
});

describe("tieba inputs", () => {
  it("takes thread ids and thread URLs of any host", () => {
    expect(parseThreadId("9035641283")).toBe("9035641283");
    expect(parseThreadId("https://tieba.baidu.com/p/9035641283?pn=2")).toBe("9035641283");
    expect(parseThreadId("http://127.0.0.1:4000/p/12/")).toBe("12");
    expect(parseThreadId("https://tieba.baidu.com/p/abc")).toBeUndefined();
    expect(parseThreadId("thread 12")).toBeUndefined();
  });

  it("tells portraits, user names and profile URLs apart", () => {
    expect(parseCreatorRef("tb.1.7c5b3a9e.AbC-d_e")).toEqual({ portrait: "tb.1.7c5b3a9e.AbC-d_e" });
    expect(parseCreatorRef("https://tieba.baidu.com/home/main?id=tb.1.abc&fr=index")).toEqual({ portrait: "tb.1.abc" });
    expect(parseCreatorRef("https://tieba.baidu.com/home/main?un=%E5%B0%8F%E6%98%8E")).toEqual({ userName: "小明" });
    expect(parseCreatorRef("小明")).toEqual({ userName: "小明" });
    expect(parseCreatorRef("https://tieba.baidu.com/home/main")).toBeUndefined();
    expect(parseCreatorRef("two words")).toBeUndefined();
  });
});
