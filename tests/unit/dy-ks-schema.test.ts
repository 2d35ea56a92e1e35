import { describe, expect, it } from "vitest";
import { DY_SHORT_LINKS, parseDyAwemeId, parseDySecUserId } from "../../core/platforms/dy/ids.js";
import { dyTaskInput } from "../../core/platforms/dy/schema.js";
import { parseKsPhotoId, parseKsUserId } from "../../core/platforms/ks/ids.js";
import { ksTaskInput } from "../../core/platforms/ks/schema.js";
import { parseOrThrow } from "../../core/validation.js";
import { refusalMessage } from "../support/validation.js";

const SEC_UID = "MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE";

const messageFor = refusalMessage;

describe("dy task input", () => {
  it("takes the web API's publish-time filters (0 by default), and names the allowed ones otherwise", () => {
    expect(parseOrThrow(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a" }).publish_time).toBe(0);
    expect(
      parseOrThrow(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", publish_time: 180 })
        .publish_time,
    ).toBe(180);
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "search", keywords: "a", publish_time: 30 })).toBe(
      "publish_time: must be 0 (any time), 1, 7 or 180 (days)",
    );
  });

  it("accepts aweme ids, post URLs and v.douyin.com share links, refusing other hosts by position", () => {
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
        specified_ids: ["https://v.douyin.com/iF12345ABC/", "https://www.tiktok.com/video/7525082444551310602"],
      }),
    ).toBe(
      "specified_ids.1: must be an aweme id (digits), a www.douyin.com/video/… or /note/… URL, or a v.douyin.com share link",
    );
    // The id a share link's redirect names (the iesdouyin.com share page is never fetched).
    expect(DY_SHORT_LINKS.postOf("https://www.iesdouyin.com/share/video/7468908569061100857/?region=CN&mid=0")).toBe(
      "7468908569061100857",
    );
    expect(DY_SHORT_LINKS.postOf("https://www.douyin.com/")).toBeUndefined();
    expect(parseDyAwemeId("https://www.tiktok.com/video/7525082444551310602")).toBeUndefined();
  });

  it("accepts sec_user_ids and profile URLs as creators, not 抖音号 numbers", () => {
    expect(parseDySecUserId(SEC_UID)).toBe(SEC_UID);
    expect(parseDySecUserId(`https://www.douyin.com/user/${SEC_UID}?from_tab_name=main`)).toBe(SEC_UID);
    expect(messageFor(dyTaskInput, { platform: "dy", crawler_type: "creator", creator_ids: "12345" })).toMatch(
      /^creator_ids\.0: must be a sec_user_id/,
    );
  });
});

describe("ks task input", () => {
  it("has no publish-time filter (dy's is its own)", () => {
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
