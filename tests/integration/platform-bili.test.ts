/**
 * B站 end to end against the local stand-in of its web app (tests/fixtures/bili), in real
 * Chromium, through crawlMedia: the crawler opens pages, the stand-in's own scripts sign
 * and call the wbi endpoints (search, space, comment pages), the crawler reads the answers
 * as they go by, and calls the unsigned ones (view/detail, reply pages) from inside the page.
 * MEDIA_DELAY_SCALE=0 (vitest.config.ts) drops the human-like pauses.
 * The flow and its sources: core/platforms/bili/FLOW.md.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { biliPlatform, biliTaskInput } from "../../core/platforms/bili/index.js";
import {
  creatorHash,
  mediaSessionDefaults,
  PlatformAccessError,
  SiteChangedError,
} from "../../core/platforms/media/index.js";
import { biliStandInDefaults, bvidOf, commentTotals } from "../fixtures/bili/data.js";
import { startBiliStandIn, type BiliStandIn } from "../fixtures/bili/server.js";
import { BILI_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { detailWithReplies, mediaHarness, ofType } from "../support/mediaHarness.js";

let bili: BiliStandIn;

const { task, run, failure, pointBaseUrls } = mediaHarness({
  platform: biliPlatform,
  schema: biliTaskInput,
  account: ACCOUNT,
});

beforeAll(async () => {
  bili = await startBiliStandIn();
  pointBaseUrls({ WWW: bili.baseUrl, SEARCH: bili.baseUrl, SPACE: bili.baseUrl, API: bili.baseUrl });
});

afterAll(() => bili?.close());

beforeEach(() => {
  bili.reset();
  // Small pages keep each crawl to a few page loads while still spanning several pages.
  Object.assign(bili.settings, biliStandInDefaults, { searchPageSize: 5, spacePageSize: 5 });
});

const paramsOf = (path: string, name: string) => bili.apiRequests(path).map((request) => request.query[name]);
const SEARCH = "/x/web-interface/wbi/search/type";
const DETAIL = "/x/web-interface/view/detail";
const MAIN = "/x/v2/reply/wbi/main";
const REPLY = "/x/v2/reply/reply";
const SPACE = "/x/space/wbi/arc/search";

describe("bili search", () => {
  it("collects max_notes_count videos over as many search pages as needed, with the fields docs/platforms/bili.md lists", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "原神", max_notes_count: 7 }));

    const expected = bili.videosFor("原神").slice(0, 7);
    const videos = ofType(items, "content");
    expect(videos.map((item) => item.data.video_id)).toEqual(expected.map((video) => String(video.aid)));
    const first = expected[0]!;
    expect(videos[0]?.data).toMatchObject({
      item_type: "content",
      platform: "bili",
      video_id: String(first.aid),
      bvid: first.bvid,
      video_type: "video",
      title: first.title,
      desc: first.desc,
      create_time: first.pubdate,
      liked_count: 107,
      disliked_count: 0,
      video_play_count: 1007,
      video_danmaku: 17,
      video_comment: biliStandInDefaults.commentsPerVideo,
      video_favorite_count: 57,
      video_coin_count: 37,
      video_share_count: 14,
      video_url: `https://www.bilibili.com/video/av${first.aid}`,
      video_cover_url: `http://i0.hdslb.com/bfs/archive/${first.bvid}.jpg`,
      source_keyword: "原神",
      creator_hash: creatorHash("bili", String(first.owner.mid)),
      creator_nickname: `${first.owner.name[0]}***`,
    });
    expect(videos[0]?.data).not.toHaveProperty("user_id");
    expect(videos[0]?.item_key).toBe(`bili:content:${first.aid}`);
    // Pages 1 and 2 of 5 results were needed, not a third; the search page's script signed them.
    expect(paramsOf(SEARCH, "page")).toEqual(["1", "2"]);
    expect(paramsOf(SEARCH, "search_type")).toEqual(["video", "video"]);
    expect(bili.apiRequests(SEARCH).every((request) => request.query.w_rid !== undefined)).toBe(true);
    // Without comments no video page is opened: view/detail is called from the search page, unsigned, as MC calls it.
    expect(paramsOf(DETAIL, "bvid")).toEqual(expected.map((video) => video.bvid));
    expect(bili.requests.filter((request) => request.path.startsWith("/video/"))).toHaveLength(0);
    expect(ofType(items, "comment")).toHaveLength(0);
    expect(bili.apiRequests(MAIN)).toHaveLength(0);
  });

  it("passes sort and start_page to the search page, and crawls each keyword", async () => {
    const { items } = await run(
      task({ crawler_type: "search", keywords: "猫,狗", sort: "click", start_page: 2, max_notes_count: 3 }),
    );

    const videos = ofType(items, "content");
    expect(videos.map((item) => item.data.source_keyword)).toEqual(["猫", "猫", "猫", "狗", "狗", "狗"]);
    expect(videos.slice(0, 3).map((item) => item.data.video_id)).toEqual(
      bili
        .videosFor("猫")
        .slice(5, 8)
        .map((video) => String(video.aid)),
    );
    expect(paramsOf(SEARCH, "order")).toEqual(["click", "click"]);
    expect(paramsOf(SEARCH, "page")).toEqual(["2", "2"]);
  });

  it("resumes from a cut-short run's cursor at the page it was on, without fetching earlier pages again", async () => {
    const params = task({ crawler_type: "search", keywords: "音乐", max_notes_count: 12 });
    const first = await run(params, { stopAfter: 7 });
    expect(first.cursor).toEqual({ inputIndex: 0, page: 2, notesDone: 5 });
    bili.requests.length = 0;

    const second = await run(params, { resumeFrom: first.cursor });

    const all = [...first.items, ...second.items].map((item) => item.data.video_id);
    expect(new Set(all)).toEqual(
      new Set(
        bili
          .videosFor("音乐")
          .slice(0, 12)
          .map((video) => String(video.aid)),
      ),
    );
    expect(ofType(second.items, "content")).toHaveLength(7);
    expect(paramsOf(SEARCH, "page")).toEqual(["2", "3"]);
  });
});

describe("bili date-range search (start_day, end_day, max_notes_per_day)", () => {
  // The stand-in's search videos i = 1… are published BASE_TIME − i h (data.ts): in China time,
  // i 1-16 on 2025-10-09, 17-40 on 2025-10-08, 41-45 on 2025-10-07.
  const aidsOf = (keyword: string, indexes: number[]) =>
    indexes.map((i) => String(bili.videosFor(keyword)[i - 1]?.aid));
  const dayStart = (day: string) => String(Date.parse(`${day}T00:00:00+08:00`) / 1000);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

  it("searches each day on its own with the day's publish-time window, at most max_notes_per_day videos a day", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "旅行",
        start_day: "2025-10-07",
        end_day: "2025-10-09",
        max_notes_per_day: 3,
        max_notes_count: 20,
      }),
    );

    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(
      aidsOf("旅行", [41, 42, 43, 17, 18, 19, 1, 2, 3]),
    );
    const searches = bili
      .apiRequests(SEARCH)
      .map((request) => [request.query.pubtime_begin_s, request.query.pubtime_end_s, request.query.page]);
    expect(searches).toEqual(
      ["2025-10-07", "2025-10-08", "2025-10-09"].map((day) => [
        dayStart(day),
        String(Number(dayStart(day)) + 86399),
        "1",
      ]),
    );
  });

  it("pages through a day before the next, max_notes_count capping the keyword over all days, and resumes mid-day", async () => {
    const params = task({
      crawler_type: "search",
      keywords: "美食",
      start_day: "2025-10-07",
      end_day: "2025-10-08",
      max_notes_count: 12,
    });
    const { items } = await run(params);

    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(
      aidsOf("美食", [...range(41, 45), ...range(17, 23)]),
    );
    expect(bili.apiRequests(SEARCH).map((request) => [request.query.pubtime_begin_s, request.query.page])).toEqual([
      [dayStart("2025-10-07"), "1"],
      [dayStart("2025-10-08"), "1"],
      [dayStart("2025-10-08"), "2"],
    ]);

    bili.requests.length = 0;
    const first = await run(params, { stopAfter: 11 });
    expect(first.cursor).toEqual({ inputIndex: 0, page: "2025-10-08 p2 n5", notesDone: 10 });
    bili.requests.length = 0;
    const second = await run(params, { resumeFrom: first.cursor });
    expect(ofType(second.items, "content").map((item) => item.data.video_id)).toEqual(aidsOf("美食", range(22, 23)));
    expect(bili.apiRequests(SEARCH).map((request) => [request.query.pubtime_begin_s, request.query.page])).toEqual([
      [dayStart("2025-10-08"), "2"],
    ]);
  });
});

/** Videos the stand-in has without a search: creator 9001's uploads (aid 301001…). */
const CREATOR_AID = (i: number) => 300000 + 1000 + i;

describe("bili detail", () => {
  it("takes BV ids, av ids and video URLs, and loads comments as the page scrolls (no replies unless asked)", async () => {
    const ids = [
      bvidOf(CREATOR_AID(1)),
      `av${CREATOR_AID(2)}`,
      `https://www.bilibili.com/video/${bvidOf(CREATOR_AID(3))}/?p=1`,
    ];
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: ids, enable_comments: true, max_comments_count: 30 }),
    );

    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(
      [1, 2, 3].map((i) => String(CREATOR_AID(i))),
    );
    const comments = ofType(items, "comment");
    // 25 top-level comments per video, over two /main pages each; replies were not opened.
    expect(comments).toHaveLength(3 * 25);
    expect(comments.every((item) => item.data.parent_comment_id === null)).toBe(true);
    expect(paramsOf(MAIN, "oid")).toEqual([1, 1, 2, 2, 3, 3].map((i) => String(CREATOR_AID(i))));
    expect(paramsOf(MAIN, "pagination_str")).toEqual(Array(3).fill(['{"offset":""}', '{"offset":"20"}']).flat());
    expect(bili.apiRequests(REPLY)).toHaveLength(0);
    const aid = CREATOR_AID(1);
    expect(comments[0]?.data).toMatchObject({
      item_type: "comment",
      platform: "bili",
      comment_id: String(aid * 10000 + 100),
      video_id: String(aid),
      content: `第1条评论 @${aid}`,
      create_time: 1_760_100_000 - 60,
      sub_comment_count: 12,
      parent_comment_id: null,
      root_comment_id: null,
      like_count: 99,
      creator_hash: creatorHash("bili", "50001"),
      creator_nickname: "评***",
    });
    expect(comments[0]?.item_key).toBe(`bili:comment:${aid * 10000 + 100}`);
  });

  it("with enable_sub_comments, follows each comment by its replies: inline ones, else reply pages called from the page, within max_comments_count", async () => {
    const aid = CREATOR_AID(4);
    const { items } = await run(task(detailWithReplies(bvidOf(aid), 40)));

    const comments = ofType(items, "comment");
    expect(comments).toHaveLength(40);
    const root = (j: number) => aid * 10000 + 100 * j;
    const replies = (j: number, n: number) => Array.from({ length: n }, (_, r) => String(root(j) + r + 1));
    // c1 + 12 replies, c2 + 2 inline, c3, c4, c5 + 12, c6 + 2, c7, c8, c9 + the 3 replies that fit.
    expect(comments.map((item) => item.data.comment_id)).toEqual([
      String(root(1)),
      ...replies(1, 12),
      String(root(2)),
      ...replies(2, 2),
      String(root(3)),
      String(root(4)),
      String(root(5)),
      ...replies(5, 12),
      String(root(6)),
      ...replies(6, 2),
      String(root(7)),
      String(root(8)),
      String(root(9)),
      ...replies(9, 3),
    ]);
    // Reply pages only for comments with more replies than shown inline, none past the cap;
    // unsigned (the endpoint needs none), from the video page, with the account's cookies.
    const replyPages = bili.apiRequests(REPLY);
    expect(replyPages.map((request) => `${request.query.root}:${request.query.pn}`)).toEqual([
      `${root(1)}:1`,
      `${root(1)}:2`,
      `${root(5)}:1`,
      `${root(5)}:2`,
      `${root(9)}:1`,
    ]);
    expect(
      replyPages.every(
        (request) =>
          request.query.w_rid === undefined && request.query.oid === String(aid) && request.query.ps === "10",
      ),
    ).toBe(true);
    expect(replyPages[0]?.headers.referer).toBe(`${bili.baseUrl}/video/${bvidOf(aid)}/`);
    expect(replyPages[0]?.cookies).toMatchObject({ SESSDATA: "stand-in-sessdata%2C1790000000" });
    const third = comments.find((item) => item.data.comment_id === String(root(1) + 3))?.data;
    expect(third).toMatchObject({
      parent_comment_id: String(root(1) + 2),
      root_comment_id: String(root(1)),
      content: "回复3 给第1条",
      like_count: 3,
    });
  });

  it("stops at max_comments_count without asking for pages it does not need", async () => {
    const aid = CREATOR_AID(5);
    const { items } = await run(task(detailWithReplies(bvidOf(aid), 5)));

    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual(
      [0, 1, 2, 3, 4].map((r) => String(aid * 10000 + 100 + r)),
    );
    expect(bili.apiRequests(MAIN)).toHaveLength(1);
    expect(paramsOf(REPLY, "pn")).toEqual(["1"]);
  });

  it("puts the pinned comment (top_replies / top.upper) first, once", async () => {
    const aid = CREATOR_AID(10);
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [bvidOf(aid)], enable_comments: true, max_comments_count: 3 }),
    );

    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual(
      [aid * 10000 + 1, aid * 10000 + 100, aid * 10000 + 200].map(String),
    );
  });

  it("records a video B站 says is gone (-404) as a failed item and goes on with the next", async () => {
    const missing = bvidOf(123);
    const { items } = await run(task({ crawler_type: "detail", specified_ids: [missing, bvidOf(CREATOR_AID(6))] }));

    expect(items.map((item) => [item.ok, item.data.video_id])).toEqual([
      [false, missing],
      [true, String(CREATOR_AID(6))],
    ]);
    expect(items[0]?.data.error).toMatchObject({ code: "VIDEO_UNAVAILABLE" });
  });

  it("stores user ids, nicknames, avatars and IP locations as shown with keep_user_info", async () => {
    const aid = CREATOR_AID(7);
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: [bvidOf(aid)],
        enable_comments: true,
        max_comments_count: 2,
        keep_user_info: true,
      }),
    );

    expect(items.map((item) => item.data.user_id)).toEqual(["9001", "50001", "50002"]);
    expect(items[0]?.data).toMatchObject({
      nickname: "测试UP主",
      avatar: "https://i0.hdslb.com/bfs/face/9001.jpg",
      ip_location: null,
    });
    expect(items[2]?.data).toMatchObject({ nickname: "评论者2", ip_location: "广东" });
    expect(items[0]?.data).not.toHaveProperty("creator_hash");
  });
});

describe("bili creator", () => {
  it("pages through the space page's uploads, one creator record, then each video", async () => {
    const { items } = await run(
      task({ crawler_type: "creator", creator_ids: ["https://space.bilibili.com/9001/video"], max_notes_count: 7 }),
    );

    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) => String(CREATOR_AID(i))),
    );
    const creators = ofType(items, "creator");
    expect(creators).toHaveLength(1);
    expect(creators[0]?.data).toMatchObject({
      sign: null,
      gender: "保密",
      total_fans: 1234,
      total_liked: 5678,
      creator_hash: creatorHash("bili", "9001"),
    });
    expect(creators[0]?.item_key).toBe(`bili:creator:${creatorHash("bili", "9001")}`);
    expect(paramsOf(SPACE, "pn")).toEqual(["1", "2"]);
    expect(paramsOf(SPACE, "mid")).toEqual(["9001", "9001"]);
  });

  it("ends quietly for a creator without uploads", async () => {
    const { items } = await run(task({ crawler_type: "creator", creator_ids: ["9002"] }));

    expect(items).toEqual([]);
    expect(bili.apiRequests(SPACE)).toHaveLength(1);
  });
});

describe("bili throttling", () => {
  it("backs off and tries a reply page again when B站 says 请求过于频繁 (-799), then goes on", async () => {
    bili.answerWith("throttled", { path: REPLY, times: 2 });
    const aid = CREATOR_AID(11);
    const { items } = await run(task(detailWithReplies(bvidOf(aid), 6)));

    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual(
      [0, 1, 2, 3, 4, 5].map((r) => String(aid * 10000 + 100 + r)),
    );
    // Two refused tries of page 1, then page 1 answered.
    expect(paramsOf(REPLY, "pn")).toEqual(["1", "1", "1"]);
  });
});

describe("bili drift", () => {
  // A request the page never makes or an element it never shows is waited for this long here.
  const saved = { capture: mediaSessionDefaults.captureTimeoutMs, selector: mediaSessionDefaults.selectorTimeoutMs };
  beforeEach(() => {
    mediaSessionDefaults.captureTimeoutMs = 2_000;
    mediaSessionDefaults.selectorTimeoutMs = 2_000;
  });
  afterEach(() => {
    mediaSessionDefaults.captureTimeoutMs = saved.capture;
    mediaSessionDefaults.selectorTimeoutMs = saved.selector;
  });

  it("fails SITE_CHANGED naming the step and endpoint when a body changed shape", async () => {
    bili.drift("shape");
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "变了" }));

    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(SiteChangedError);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("bili search: result page (/x/web-interface/wbi/search/type)"),
    });
    expect((error as SiteChangedError).seen).toContain("bvid");
  });

  it("fails SITE_CHANGED when the page no longer makes the request it read", async () => {
    bili.drift("no_request");
    const { error } = await failure(task({ crawler_type: "search", keywords: "没有请求" }));

    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      name: "NoAnswerError",
      message: expect.stringContaining("bili search: result page"),
    });
  });

  it("fails SITE_CHANGED naming the selector when the comment area is gone", async () => {
    bili.drift("no_comment_area");
    const { error, items } = await failure(
      task({ crawler_type: "detail", specified_ids: [bvidOf(CREATOR_AID(12))], enable_comments: true }),
    );

    expect(ofType(items, "content")).toHaveLength(1);
    expect(error).toMatchObject({ code: "SITE_CHANGED", message: expect.stringContaining("(selector bili-comments)") });
    expect(bili.apiRequests(MAIN)).toHaveLength(0);
  });
});

describe("bili probe", () => {
  it("reports each step: the page opened, its signed answer and shape, the calls, the items", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "探针", max_notes_count: 1, probe: true }));

    const probe = items.at(-1)?.data as {
      item_type: string;
      steps: Array<Record<string, unknown>>;
      counts: Record<string, number>;
    };
    expect(probe.item_type).toBe("probe");
    expect(probe.counts).toEqual({ content: 1 });
    expect(probe.steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: "open", kind: "open", status: 200 }),
        expect.objectContaining({ step: "search: result page", kind: "response", status: 200 }),
        expect.objectContaining({ step: "search: result page", kind: "shape", shape: "ok" }),
        expect.objectContaining({ step: "video: details", kind: "call", status: 200 }),
        expect.objectContaining({
          step: "search: content items",
          kind: "items",
          sample: expect.objectContaining({ video_url: expect.stringContaining("/video/av") }),
        }),
      ]),
    );
  });

  it("keeps its report when a step drifts, with the mismatch", async () => {
    bili.drift("shape");
    const { items, error } = await failure(task({ crawler_type: "search", keywords: "探针变了", probe: true }));

    expect(error).toMatchObject({ code: "SITE_CHANGED" });
    const probe = items.at(-1)?.data as { steps: Array<Record<string, unknown>>; error: Record<string, unknown> };
    expect(probe.error).toMatchObject({ code: "SITE_CHANGED" });
    expect(probe.steps).toContainEqual(
      expect.objectContaining({
        step: "search: result page",
        kind: "shape",
        shape: "mismatch",
        detail: expect.stringContaining("bvid"),
      }),
    );
  });
});

describe("bili access answers", () => {
  it("maps code -412 in the middle of a crawl to RISK_CONTROL after the items before it", async () => {
    bili.answerWith("risk_control", { afterRequests: 3 });
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "风控", max_notes_count: 5 }));

    // search page 1, then two video pages answered; the third video page was refused.
    expect(ofType(items, "content")).toHaveLength(2);
    expect(error).toMatchObject({ code: "RISK_CONTROL", account_id: "acct-bili-1" });
  });

  it("maps HTTP 412 (the block page) to RISK_CONTROL", async () => {
    bili.answerWith("risk_http");
    const { error } = await failure(task({ crawler_type: "creator", creator_ids: ["9001"] }));

    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });
});

it("knows the comment totals the stand-in serves (guards the numbers above)", () => {
  expect(commentTotals(biliStandInDefaults)).toEqual({ topLevel: 25, withReplies: 25 + 7 * 12 + 6 * 2 });
});
