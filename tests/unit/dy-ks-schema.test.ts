import { describe, expect, it } from "vitest";
import { parseDyAwemeId, parseDySecUserId } from "../../core/platforms/dy/ids.js";
import { dyTaskInput } from "../../core/platforms/dy/schema.js";
import { parseKsPhotoId, parseKsUserId } from "../../core/platforms/ks/ids.js";
import { ksTaskInput } from "../../core/platforms/ks/schema.js";
import { getPlatform } from "../../core/platforms/registry.js";
import { parseOrThrow } from "../../core/validation.js";
import { MEDIA_TASK_DEFAULTS, validationMessage } from "../support/validation.js";

const SEC_UID = "MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE";

const messageFor = validationMessage;

describe("dy task input", () => {
  it("is registered, and fills in the shared defaults plus publish_time 0", () => {
    expect(getPlatform("dy").inputSchema).toBe(dyTaskInput);
    expect(parseOrThrow(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "咖啡, 奶茶" })).toMatchObject(
      { ...MEDIA_TASK_DEFAULTS, keywords: ["咖啡", "奶茶"], publish_time: 0 },
    );
  });

  it("takes the web API's sort orders and publish-time filters, and names the allowed ones otherwise", () => {
    for (const sort of ["general", "most_liked", "latest"]) {
      expect(
        parseOrThrow(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", sort, publish_time: 180 })
          .sort,
      ).toBe(sort);
    }
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", sort: "hot" })).toBe(
      'sort: must be one of "general", "most_liked", "latest"',
    );
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", publish_time: 30 })).toBe(
      "publish_time: must be 0 (any time), 1, 7 or 180 (days)",
    );
  });

  it("accepts aweme ids and post URLs, refusing short links and other hosts by position", () => {
    const ids = [
      "7525082444551310602",
      "https://www.douyin.com/video/7525082444551310602",
      "https://www.douyin.com/note/7471165520058862848",
      `https://www.douyin.com/user/${SEC_UID}?modal_id=7525082444551310602`,
    ];
    expect(
      parseOrThrow(dyTaskInput, { platform: "dy", crawler_type: "detail", specified_ids: ids }).specified_ids,
    ).toHaveLength(4);
    expect(ids.map(parseDyAwemeId)).toEqual([
      "7525082444551310602",
      "7525082444551310602",
      "7471165520058862848",
      "7525082444551310602",
    ]);
    expect(
      messageFor(dyTaskInput, {
        platform: "dy",
        crawler_type: "detail",
        specified_ids: ["7525082444551310602", "https://v.douyin.com/iF12345ABC/"],
      }),
    ).toMatch(/^specified_ids\.1: .*short links are not resolved/);
    expect(parseDyAwemeId("https://www.tiktok.com/video/7525082444551310602")).toBeUndefined();
  });

  it("accepts sec_user_ids and profile URLs as creators, not 抖音号 numbers", () => {
    expect(parseDySecUserId(SEC_UID)).toBe(SEC_UID);
    expect(parseDySecUserId(`https://www.douyin.com/user/${SEC_UID}?from_tab_name=main`)).toBe(SEC_UID);
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "creator", creator_ids: "12345" })).toMatch(
      /^creator_ids\.0: must be a sec_user_id/,
    );
  });

  it("needs each mode's input and refuses unknown fields", () => {
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "creator" })).toBe(
      'creator_ids: is required for crawler_type "creator"',
    );
    expect(
      messageFor(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", enable_sub_comments: true }),
    ).toBe("enable_sub_comments: needs enable_comments: true");
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", cookies: "x" })).toBe(
      'unknown field "cookies"',
    );
  });
});

describe("ks task input", () => {
  it("is registered and has one sort order, saying so when another is asked for", () => {
    expect(getPlatform("ks").inputSchema).toBe(ksTaskInput);
    expect(
      parseOrThrow(ksTaskInput, { platform: "ks", crawler_type: "search", keywords: "美食", sort: "general" }).sort,
    ).toBe("general");
    expect(messageFor(ksTaskInput, { platform: "ks", crawler_type: "search", keywords: "美食", sort: "latest" })).toBe(
      'sort: must be one of "general"',
    );
    expect(messageFor(ksTaskInput, { platform: "ks", crawler_type: "search", keywords: "美食", publish_time: 7 })).toBe(
      'unknown field "publish_time"',
    );
  });

  it("accepts photo ids and /short-video/ URLs, user ids and /profile/ URLs", () => {
    expect(parseKsPhotoId("3x3zxz4mjrsc8ke")).toBe("3x3zxz4mjrsc8ke");
    expect(
      parseKsPhotoId(
        "https://www.kuaishou.com/short-video/3x3zxz4mjrsc8ke?authorId=3x84qugg4ch9zhs&streamSource=search",
      ),
    ).toBe("3x3zxz4mjrsc8ke");
    expect(parseKsUserId("https://www.kuaishou.com/profile/3x84qugg4ch9zhs")).toBe("3x84qugg4ch9zhs");
    expect(parseKsUserId("https://www.kuaishou.com/short-video/3x3zxz4mjrsc8ke")).toBeUndefined();
    expect(
      messageFor(ksTaskInput, {
        platform: "ks",
        crawler_type: "detail",
        specified_ids: "https://v.kuaishou.com/2krzmr",
      }),
    ).toMatch(/^specified_ids\.0: .*share links are not resolved/);
    expect(messageFor(ksTaskInput, { platform: "ks", crawler_type: "creator", creator_ids: "a b" })).toMatch(
      /^creator_ids\.0: must be a user id/,
    );
  });
});
