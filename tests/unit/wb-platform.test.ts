import { describe, expect, it } from "vitest";
import type { CapturedResponse } from "../../core/platforms/media/types.js";
import { checkShape } from "../../core/platforms/media/drift.js";
import { classifyWbResponse } from "../../core/platforms/wb/access.js";
import { nextPostsToken, postsOf } from "../../core/platforms/wb/crawler.js";
import { parseWeiboCreator, parseWeiboPost } from "../../core/platforms/wb/ids.js";
import {
  WB_COMMENT_FIELDS,
  WB_CONTENT_FIELDS,
  wbCommentRecord,
  wbCreatorRecord,
  wbNoteRecord,
  weiboText,
  weiboTime,
} from "../../core/platforms/wb/items.js";
import { wbTaskInput } from "../../core/platforms/wb/schema.js";
import {
  wbHotflowAnswer,
  wbProfileAnswer,
  wbSearchAnswer,
  type WbMblog,
  type WbUser,
} from "../../core/platforms/wb/shapes.js";
import { searchPageUrl } from "../../core/platforms/wb/site.js";
import { refusalMessage } from "../support/validation.js";

const messageFor = (body: Record<string, unknown>) => refusalMessage(wbTaskInput, { platform: "wb", ...body });

describe("wb task input", () => {
  it("refuses ids that name no post or creator", () => {
    expect(
      messageFor({ crawler_type: "detail", specified_ids: ["5012345678901234", "https://example.com/detail/1"] }),
    ).toMatch(/^specified_ids\.1: must be a post mid/);
    expect(messageFor({ crawler_type: "creator", creator_ids: ["someone"] })).toMatch(
      /^creator_ids\.0: must be a numeric uid/,
    );
  });

  it("puts the sort's search type and the keyword into the search page's container id", () => {
    const url = new URL(searchPageUrl({ m: "https://m.weibo.cn" }, "春 天&", "popular"));
    expect(url.pathname).toBe("/search");
    expect(url.searchParams.get("containerid")).toBe("100103type=60&q=春 天&");
  });
});

describe("wb ids", () => {
  it("reads mids, bids and post URLs", () => {
    expect(parseWeiboPost("5012345678901234")).toBe("5012345678901234");
    expect(parseWeiboPost("Oa1bC2dEf")).toBe("Oa1bC2dEf");
    expect(parseWeiboPost("https://m.weibo.cn/detail/5012345678901234")).toBe("5012345678901234");
    expect(parseWeiboPost("https://m.weibo.cn/status/Oa1bC2dEf?from=x")).toBe("Oa1bC2dEf");
    expect(parseWeiboPost("https://weibo.com/1001/Oa1bC2dEf")).toBe("Oa1bC2dEf");
    expect(parseWeiboPost("https://weibo.com/u/1001")).toBeUndefined();
    expect(parseWeiboPost("abc")).toBeUndefined();
  });

  it("reads uids and profile URLs", () => {
    expect(parseWeiboCreator("1001")).toBe("1001");
    expect(parseWeiboCreator("https://m.weibo.cn/u/1001")).toBe("1001");
    expect(parseWeiboCreator("https://m.weibo.cn/profile/1001")).toBe("1001");
    expect(parseWeiboCreator("https://weibo.com/u/1001")).toBe("1001");
    expect(parseWeiboCreator("https://weibo.com/1001")).toBe("1001");
    expect(parseWeiboCreator("https://weibo.com/1001/Oa1bC2dEf")).toBeUndefined();
  });
});

const user: WbUser = {
  id: 1001,
  screen_name: "微博用户",
  profile_image_url: "https://tvax1.sinaimg.cn/small/1001.jpg",
  avatar_hd: "https://tvax1.sinaimg.cn/large/1001.jpg",
  gender: "f",
  description: "简介",
  follow_count: 3,
  followers_count: "1.2万",
  statuses_count: 9,
};
const mblog: WbMblog = {
  id: "5012345678901234",
  text: '今天<a href="/search?x">#天气#</a>很好<br />第二行<span class="url-icon"><img alt="[太阳]" src="x.png" /></span> &amp; &quot;晴&quot;',
  created_at: "Sat Nov 01 12:00:00 +0800 2025",
  attitudes_count: 5,
  comments_count: 6,
  reposts_count: 7,
  region_name: "发布于 广东",
  isLongText: true,
  user,
};

describe("wb mappers", () => {
  it("turn post HTML into text and weibo times into unix seconds and China time", () => {
    expect(weiboText(mblog.text)).toBe('今天#天气#很好\n第二行[太阳] & "晴"');
    expect(weiboTime("Sat Nov 01 12:00:00 +0800 2025")).toEqual({
      unixSecs: Date.UTC(2025, 10, 1, 4) / 1000,
      chinaDateTime: "2025-11-01 12:00:00",
    });
    expect(weiboTime("Fri Oct 31 23:30:00 -0100 2025")).toEqual({
      unixSecs: Date.UTC(2025, 10, 1, 0, 30) / 1000,
      chinaDateTime: "2025-11-01 08:30:00",
    });
    expect(weiboTime("5分钟前")).toEqual({ unixSecs: null, chinaDateTime: "5分钟前" });
  });

  it("map a post with every content field and its author as creator", () => {
    const record = wbNoteRecord(mblog, "天气");

    expect(Object.keys(record.fields)).toEqual([...WB_CONTENT_FIELDS]);
    expect(record).toEqual({
      item_type: "content",
      id: "5012345678901234",
      fields: {
        note_id: "5012345678901234",
        content: '今天#天气#很好\n第二行[太阳] & "晴"',
        create_time: Date.UTC(2025, 10, 1, 4) / 1000,
        create_date_time: "2025-11-01 12:00:00",
        liked_count: 5,
        comments_count: 6,
        shared_count: 7,
        note_url: "https://m.weibo.cn/detail/5012345678901234",
        is_long_text: true,
        source_keyword: "天气",
        image_list: [],
      },
      creator: {
        user_id: "1001",
        nickname: "微博用户",
        avatar: "https://tvax1.sinaimg.cn/small/1001.jpg",
        ip_location: "广东",
      },
    });
    expect(wbNoteRecord({ ...mblog, user: null }, undefined)).not.toHaveProperty("creator");
  });

  it("map comments, and replies with the thread they belong to", () => {
    const comment = {
      id: 77,
      rootid: 77,
      created_at: "Sat Nov 01 12:01:00 +0800 2025",
      text: "好",
      like_count: 2,
      total_number: 3,
      source: "来自北京",
      user,
    };
    const top = wbCommentRecord(comment, "5012345678901234");
    expect(Object.keys(top.fields)).toEqual([...WB_COMMENT_FIELDS]);
    expect(top).toMatchObject({
      id: "77",
      fields: {
        comment_id: "77",
        note_id: "5012345678901234",
        comment_like_count: 2,
        sub_comment_count: 3,
        parent_comment_id: null,
      },
      creator: { ip_location: "北京" },
    });
    expect(top).not.toHaveProperty("parentId");
    const reply = wbCommentRecord(
      { ...comment, id: "78", rootid: "77", total_number: undefined, source: "" },
      "5012345678901234",
    );
    expect(reply).toMatchObject({ parentId: "77", fields: { parent_comment_id: "77", sub_comment_count: 0 } });
    expect(reply.creator).not.toHaveProperty("ip_location");
  });

  it("keep a creator's bio only with keep_user_info", () => {
    expect(wbCreatorRecord(user, false).fields).toEqual({
      desc: null,
      gender: "f",
      follows: 3,
      fans: "1.2万",
      statuses_count: 9,
    });
    expect(wbCreatorRecord(user, true).fields.desc).toBe("简介");
  });

  it("find posts in type-9 cards and inside type-11 groups, once each", () => {
    const post = (id: string) => ({ ...mblog, id });
    const cards = [
      { card_type: 4 },
      { card_type: 11, card_group: [{ card_type: 9, mblog: post("1") }, { card_type: 10 }] },
      { card_type: 9, mblog: post("2") },
      { card_type: 9, mblog: post("1") },
    ];
    expect(postsOf(cards).map((found) => found.id)).toEqual(["1", "2"]);
  });
});

const answer = (
  status: number,
  json: unknown,
  href = "https://m.weibo.cn/api/container/getIndex",
): CapturedResponse => ({ url: new URL(href), method: "GET", status, json });

describe("wb classify", () => {
  it.each([
    [
      "ok -100 with a login URL",
      answer(200, { ok: -100, url: "https://passport.weibo.cn/signin/welcome?entry=mweibo" }),
      "ACCOUNT_REQUIRED",
    ],
    [
      "ok 0 pointing to passport",
      answer(200, { ok: 0, url: "https://passport.weibo.cn/signin/login" }),
      "ACCOUNT_REQUIRED",
    ],
    [
      "an answer from passport.weibo.cn",
      answer(200, undefined, "https://passport.weibo.cn/signin/login?r=x"),
      "ACCOUNT_REQUIRED",
    ],
    ["HTTP 418", answer(418, undefined), "RISK_CONTROL"],
    [
      "errno 100005 (请求过于频繁: slow down, not a ban)",
      answer(200, { ok: 0, errno: "100005", msg: "请求过于频繁,歇歇吧" }),
      "THROTTLED",
    ],
    ["a numeric errno 100005", answer(200, { ok: 0, errno: 100005, msg: "" }), "THROTTLED"],
    ["a message asking for 验证", answer(200, { ok: 0, msg: "请先完成验证" }), "RISK_CONTROL"],
  ])("refuses %s", (_name, response, code) => {
    expect(classifyWbResponse(response)).toMatchObject({ ok: false, code });
  });

  it.each([
    ["success", answer(200, { ok: 1, data: {} })],
    [
      "a post without comments",
      answer(200, { ok: 0, msg: "快来发表你的评论吧" }, "https://m.weibo.cn/comments/hotflow?id=1"),
    ],
    ["an empty container", answer(200, { ok: 0, msg: "这里还没有内容" })],
    ["HTTP 432 (fresh cookies wanted: the crawler reloads the page and tries once more)", answer(432, undefined)],
  ])("passes %s", (_name, response) => {
    expect(classifyWbResponse(response)).toEqual({ ok: true });
  });
});

describe("wb shapes and paging", () => {
  it("page a creator's posts by since_id as MC does, or by page as an older answer does", () => {
    expect(nextPostsToken({ cardlistInfo: { since_id: 4800000000510006 }, cards: [] })).toBe(
      "since_id=4800000000510006",
    );
    expect(nextPostsToken({ cardlistInfo: { since_id: "", page: 2 }, cards: [] })).toBe("page=2");
    expect(nextPostsToken({ cardlistInfo: { since_id: 0 }, cards: [] })).toBeUndefined();
    expect(nextPostsToken({ cardlistInfo: {}, cards: [] })).toBeUndefined();
  });

  it("take banner, group and post cards without warnings, and name what a post card lost", () => {
    const post = { ...mblog, id: "1", user: { id: 1, screen_name: "a", profile_image_url: "p" } };
    const page = {
      ok: 1,
      data: {
        cardlistInfo: { page: 2 },
        cards: [
          { card_type: 4 },
          { card_type: 11, card_group: [{ card_type: 9, mblog: post }] },
          { card_type: 9, mblog: post },
        ],
      },
    };
    const check = checkShape(wbSearchAnswer, page);
    expect(check.ok).toBe(true);
    // Each card is read as its own variant: nobody misses a banner's mblog or a post's card_group.
    expect(
      check.ok &&
        check.warnings.filter((warning) =>
          /(^|\.)(cards\[\])(\.card_group\[\])?\.(mblog|card_group)$/.test(warning.path),
        ),
    ).toEqual([]);
    const broken = { ...page, data: { ...page.data, cards: [{ card_type: 9, mblog: { ...post, id: undefined } }] } };
    expect(checkShape(wbSearchAnswer, broken)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("data.cards.0.mblog.id"),
    });
  });

  it("take the profile header and comments in the shapes public clients show (gottaegbert/weiboAPI)", () => {
    const header = {
      ok: 1,
      data: {
        userInfo: user,
        tabsInfo: { selectedTab: 1, tabs: [{ id: 2, tabKey: "weibo", containerid: "1076031001" }] },
      },
    };
    expect(checkShape(wbProfileAnswer, header).ok).toBe(true);
    const comment = {
      id: "1",
      rootid: "1",
      created_at: "Fri Jun 14 20:39:20 +0800 2019",
      text: "t",
      user,
      comments: false,
      max_id: 0,
      total_number: 0,
      like_count: 3,
    };
    expect(
      checkShape(wbHotflowAnswer, { ok: 1, data: { data: [comment], total_number: 1, max_id: 0, max_id_type: 0 } }).ok,
    ).toBe(true);
    expect(
      checkShape(wbHotflowAnswer, {
        ok: 1,
        data: { data: [{ ...comment, text: undefined }], max_id: 0, max_id_type: 0 },
      }),
    ).toMatchObject({ ok: false, problem: expect.stringContaining("data.data.0.text") });
  });
});
