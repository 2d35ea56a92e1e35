import { describe, expect, it } from "vitest";
import { NonRetryableCrawlError, RetryableCrawlError } from "../../core/errors.js";
import { classifyBiliResponse, listData, requireJson } from "../../core/platforms/bili/access.js";
import { parseBiliCreator, parseBiliVideo } from "../../core/platforms/bili/ids.js";
import {
  BILI_COMMENT_FIELDS,
  BILI_CONTENT_FIELDS,
  biliCommentRecord,
  biliCreatorRecord,
  biliVideoRecord,
  ipLocation,
} from "../../core/platforms/bili/items.js";
import { chinaDayStart, dayWindow, daysBetween } from "../../core/platforms/bili/days.js";
import { biliTaskInput } from "../../core/platforms/bili/schema.js";
import { checkShape } from "../../core/platforms/media/drift.js";
import {
  biliReplyMainAnswer,
  biliSearchAnswer,
  type BiliEnvelope,
  type BiliReply,
  type BiliView,
} from "../../core/platforms/bili/shapes.js";
import type { CapturedResponse } from "../../core/platforms/media/types.js";
import { refusalMessage } from "../support/validation.js";

const messageFor = (body: Record<string, unknown>) => refusalMessage(biliTaskInput, { platform: "bili", ...body });

describe("bili task input", () => {
  it("refuses ids that name no video or creator", () => {
    expect(messageFor({ crawler_type: "detail", specified_ids: ["BV1xx411c7mD", "not-a-video"] })).toMatch(
      /^specified_ids\.1: must be a BV id/,
    );
    expect(
      messageFor({ crawler_type: "creator", creator_ids: ["https://www.bilibili.com/video/BV1xx411c7mD"] }),
    ).toMatch(/^creator_ids\.0: must be a numeric mid/);
  });

  it("takes a date range of real days, start first, at most 366 days, for search only", () => {
    const search = { crawler_type: "search", keywords: ["猫"] };
    expect(
      biliTaskInput.parse({ platform: "bili", ...search, start_day: "2024-02-29", end_day: "2024-03-01" }),
    ).toMatchObject({
      start_day: "2024-02-29",
      end_day: "2024-03-01",
    });
    expect(messageFor({ ...search, start_day: "2025-02-29" })).toBe("start_day: must be a day like 2024-01-05");
    expect(messageFor({ ...search, start_day: "2024/01/05" })).toBe("start_day: must be a day like 2024-01-05");
    expect(messageFor({ ...search, start_day: "2024-01-05", end_day: "2024-01-04" })).toBe(
      "end_day: must not be before start_day",
    );
    expect(messageFor({ ...search, start_day: "2024-01-01", end_day: "2025-01-01" })).toBe(
      "end_day: must be at most 366 days from start_day, both included",
    );
    expect(messageFor({ ...search, end_day: "2024-01-04" })).toBe("end_day: needs start_day");
    expect(messageFor({ ...search, max_notes_per_day: 5 })).toBe("max_notes_per_day: needs start_day");
    expect(messageFor({ ...search, start_day: "2024-01-05", start_page: 2 })).toBe(
      "start_page: must be 1 with start_day: each day is searched from its first page",
    );
    expect(messageFor({ crawler_type: "detail", specified_ids: ["BV1xx411c7mD"], start_day: "2024-01-05" })).toBe(
      'start_day: applies only to crawler_type "search"',
    );
  });
});

describe("bili search days", () => {
  it("are China days: 2024-01-05 runs from 1704384000 to 1704470399, as MediaCrawler computes it (core.py:165)", () => {
    expect(dayWindow("2024-01-05")).toEqual({ pubtime_begin_s: 1704384000, pubtime_end_s: 1704470399 });
    expect(daysBetween("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(chinaDayStart("2023-02-29")).toBeUndefined();
  });
});

describe("bili ids", () => {
  it("reads BV ids, av ids and video URLs", () => {
    expect(parseBiliVideo("BV1xx411c7mD")).toEqual({ pathId: "BV1xx411c7mD" });
    expect(parseBiliVideo("av170001")).toEqual({ pathId: "av170001" });
    expect(parseBiliVideo("170001")).toEqual({ pathId: "av170001" });
    expect(parseBiliVideo("https://www.bilibili.com/video/BV1xx411c7mD/?p=2&t=30")).toEqual({ pathId: "BV1xx411c7mD" });
    expect(parseBiliVideo("https://m.bilibili.com/video/av170001")).toEqual({ pathId: "av170001" });
    expect(parseBiliVideo("https://example.com/video/BV1xx411c7mD")).toBeUndefined();
    expect(parseBiliVideo("BV2xx411c7mD")).toBeUndefined();
  });

  it("reads mids and space URLs", () => {
    expect(parseBiliCreator("2")).toBe("2");
    expect(parseBiliCreator("https://space.bilibili.com/546195/video?tid=0")).toBe("546195");
    expect(parseBiliCreator("https://www.bilibili.com/546195")).toBeUndefined();
    expect(parseBiliCreator("someone")).toBeUndefined();
  });
});

const view: BiliView = {
  aid: 170001,
  bvid: "BV17x411w7KC",
  pic: "//i0.hdslb.com/bfs/archive/cover.jpg",
  title: "标题",
  pubdate: 1_700_000_000,
  desc: "简介",
  duration: 125,
  owner: { mid: 2, name: "碧诗", face: "https://i0.hdslb.com/bfs/face/2.jpg" },
  stat: { aid: 170001, view: 1, danmaku: 2, reply: 3, favorite: 4, coin: 5, share: 6, like: 7, dislike: 0 },
};

const reply = (fields: Partial<BiliReply>): BiliReply => ({
  rpid: 11,
  oid: 170001,
  type: 1,
  mid: 3,
  root: 0,
  parent: 0,
  rcount: 4,
  ctime: 1_700_000_100,
  like: 9,
  member: { mid: "3", uname: "路人", avatar: "//i0.hdslb.com/face/3.jpg" },
  content: { message: "好" },
  replies: null,
  reply_control: { location: "IP属地：四川" },
  ...fields,
});

describe("bili mappers", () => {
  it("map view/detail to a video record with every content field and the owner as creator", () => {
    const record = biliVideoRecord(view, "关键词");

    expect(Object.keys(record.fields)).toEqual([...BILI_CONTENT_FIELDS]);
    expect(record).toEqual({
      item_type: "content",
      id: "170001",
      fields: {
        video_id: "170001",
        bvid: "BV17x411w7KC",
        video_type: "video",
        title: "标题",
        desc: "简介",
        create_time: 1_700_000_000,
        duration: 125,
        liked_count: 7,
        disliked_count: 0,
        video_play_count: 1,
        video_danmaku: 2,
        video_comment: 3,
        video_favorite_count: 4,
        video_coin_count: 5,
        video_share_count: 6,
        video_url: "https://www.bilibili.com/video/av170001",
        video_cover_url: "https://i0.hdslb.com/bfs/archive/cover.jpg",
        source_keyword: "关键词",
      },
      creator: { user_id: "2", nickname: "碧诗", avatar: "https://i0.hdslb.com/bfs/face/2.jpg" },
    });
    expect(biliVideoRecord(view, undefined).fields.source_keyword).toBeNull();
  });

  it("map comments and replies, keeping parent and root apart", () => {
    const top = biliCommentRecord(reply({}), "170001");
    expect(Object.keys(top.fields)).toEqual([...BILI_COMMENT_FIELDS]);
    expect(top).toEqual({
      item_type: "comment",
      id: "11",
      fields: {
        comment_id: "11",
        video_id: "170001",
        content: "好",
        create_time: 1_700_000_100,
        sub_comment_count: 4,
        parent_comment_id: null,
        root_comment_id: null,
        like_count: 9,
      },
      creator: { user_id: "3", nickname: "路人", avatar: "https://i0.hdslb.com/face/3.jpg", ip_location: "四川" },
    });
    const answer = biliCommentRecord(reply({ rpid: 13, root: 11, parent: 12, rcount: 0, reply_control: {} }), "170001");
    expect(answer.fields).toMatchObject({ parent_comment_id: "12", root_comment_id: "11" });
    expect(answer.creator).not.toHaveProperty("ip_location");
  });

  it("keep a creator's bio only with keep_user_info", () => {
    const card = {
      mid: "2",
      name: "碧诗",
      sex: "女",
      face: "https://i0.hdslb.com/bfs/face/2.jpg",
      sign: "签名",
      fans: 10,
    };
    expect(biliCreatorRecord(card, 99, false).fields).toEqual({
      sign: null,
      gender: "女",
      total_fans: 10,
      total_liked: 99,
    });
    expect(biliCreatorRecord(card, undefined, true).fields).toEqual({
      sign: "签名",
      gender: "女",
      total_fans: 10,
      total_liked: null,
    });
  });

  it("strip the IP label", () => {
    expect(ipLocation("IP属地：广东")).toBe("广东");
    expect(ipLocation("IP属地:海外")).toBe("海外");
    expect(ipLocation("")).toBeUndefined();
  });
});

const answer = (status: number, json: unknown, path = "/x/v2/reply/wbi/main"): CapturedResponse => ({
  url: new URL(`https://api.bilibili.com${path}`),
  method: "GET",
  status,
  json,
});

describe("bili classify", () => {
  it.each([
    ["HTTP 412", answer(412, undefined), "RISK_CONTROL"],
    ["code -412", answer(200, { code: -412, message: "请求被拦截" }), "RISK_CONTROL"],
    ["code -352", answer(200, { code: -352, message: "风控校验失败" }), "RISK_CONTROL"],
    ["code -101", answer(200, { code: -101, message: "账号未登录" }), "ACCOUNT_REQUIRED"],
  ])("refuses %s", (_name, response, code) => {
    expect(classifyBiliResponse(response)).toMatchObject({ ok: false, code });
  });

  it.each([
    ["code -799 请求过于频繁", answer(200, { code: -799, message: "请求过于频繁，请稍后再试" })],
    ["code -509 超出限制", answer(200, { code: -509, message: "超出限制" })],
  ])("answers %s with THROTTLED (back off on the same account), never a ban", (_name, response) => {
    expect(classifyBiliResponse(response)).toMatchObject({ ok: false, code: "THROTTLED" });
  });

  it.each([
    ["success", answer(200, { code: 0, message: "0", data: {} })],
    ["a missing video", answer(200, { code: -404, message: "啥都木有" })],
    ["closed comments", answer(200, { code: 12002, message: "评论区已关闭" })],
    ["a non-JSON body", answer(200, undefined)],
  ])("passes %s (a matter of one video, not of the account)", (_name, response) => {
    expect(classifyBiliResponse(response)).toEqual({ ok: true });
  });
});

describe("bili answers past classify", () => {
  const body = (json: BiliEnvelope<unknown>) => json;

  it("retry what B站 asks to retry, and fail loudly on a list code they do not know", () => {
    const search = answer(200, undefined, "/x/web-interface/wbi/search/type");
    expect(listData(body({ code: 0, message: "0", data: { result: [] } }), search, "the search page")).toEqual({
      result: [],
    });
    expect(() => requireJson(answer(502, undefined))).toThrow(RetryableCrawlError);
    expect(() => listData(body({ code: -503, message: "服务暂不可用" }), search, "the search page")).toThrow(
      RetryableCrawlError,
    );
    const changed = (() => {
      try {
        listData(body({ code: -403, message: "访问权限不足" }), search, "the search page");
      } catch (error) {
        return error;
      }
    })();
    expect(changed).toBeInstanceOf(NonRetryableCrawlError);
    expect(changed).toMatchObject({
      code: "PLATFORM_ERROR",
      message: "bili: the search page (/x/web-interface/wbi/search/type) answered code -403 (访问权限不足)",
    });
  });
});

describe("bili shapes", () => {
  it("take an error answer without data, and refuse the v_voucher a wrong signature gets", () => {
    expect(checkShape(biliSearchAnswer, { code: -404, message: "啥都木有", ttl: 1, data: null }).ok).toBe(true);
    const voucher = checkShape(biliSearchAnswer, { code: 0, message: "0", ttl: 1, data: { v_voucher: "voucher_x" } });
    expect(voucher).toMatchObject({ ok: false, problem: expect.stringContaining("data.page") });
  });

  it("read nested replies and list fields they do not know as new fields, not as drift", () => {
    const page = {
      cursor: { is_end: true },
      replies: [{ ...reply({ replies: [reply({ rpid: 12, root: 11, parent: 11 })] }), brand_new: 1 }],
      top_replies: null,
    };
    const check = checkShape(biliReplyMainAnswer, { code: 0, message: "0", data: page });
    expect(check.ok).toBe(true);
    expect(check.ok && check.newFields).toContain("data.replies[].brand_new");
    expect(check.ok && check.warnings.map((warning) => warning.path)).not.toContain("data.replies[].brand_new");
  });
});
