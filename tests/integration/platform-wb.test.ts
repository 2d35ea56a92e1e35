/**
 * 微博 (m.weibo.cn) end to end against the local stand-in of its mobile web app
 * (tests/fixtures/wb), in real Chromium, through crawlMedia: the crawler opens pages, the
 * stand-in's scripts ask for the first page of each list, the crawler reads those answers
 * (and the detail page's `$render_data`) and calls the next pages from inside the page,
 * with the page's XSRF header. MEDIA_DELAY_SCALE=0 (vitest.config.ts) drops the pauses.
 * The flow and its sources: core/platforms/wb/FLOW.md.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  creatorHash,
  mediaSessionDefaults,
  PlatformThrottledError,
  SiteChangedError,
} from "../../core/platforms/media/index.js";
import { wbPlatform, wbTaskInput } from "../../core/platforms/wb/index.js";
import {
  BASE_TIME,
  bidOf,
  commentIdOf,
  creatorPosts,
  replyIdOf,
  wbStandInDefaults,
  type StandInPost,
} from "../fixtures/wb/data.js";
import { cutPostText, postText } from "../fixtures/wb/responses.js";
import { startWbStandIn, type WbStandIn } from "../fixtures/wb/server.js";
import { WB_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { detailWithReplies, mediaHarness, ofType } from "../support/mediaHarness.js";

let wb: WbStandIn;

const { task, run, failure, pointBaseUrls } = mediaHarness({
  platform: wbPlatform,
  schema: wbTaskInput,
  account: ACCOUNT,
});

beforeAll(async () => {
  wb = await startWbStandIn();
  pointBaseUrls({ M: wb.baseUrl });
});

afterAll(() => wb?.close());

beforeEach(() => {
  wb.reset();
  Object.assign(wb.settings, wbStandInDefaults, { searchPageSize: 4, profilePageSize: 5 });
});

const mids = (posts: StandInPost[]) => posts.map((post) => post.mid);
const GET_INDEX = "/api/container/getIndex";
const HOTFLOW = "/comments/hotflow";
const CHILD = "/comments/hotFlowChild";
const LONG_TEXT = "/statuses/extend";
const chinaTime = (unixSecs: number) =>
  new Date((unixSecs + 8 * 3600) * 1000).toISOString().replace("T", " ").slice(0, 19);

describe("wb search", () => {
  it("reads page 1 as the search page asks for it, calls as many next pages as max_notes_count needs, with the fields docs/platforms/wb.md lists", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "天气", max_notes_count: 6 }));

    const expected = wb.postsFor("天气").slice(0, 6);
    const notes = ofType(items, "content");
    expect(notes.map((item) => item.data.note_id)).toEqual(mids(expected));
    const first = expected[0]!;
    expect(notes[0]?.data).toMatchObject({
      item_type: "content",
      platform: "wb",
      note_id: first.mid,
      content: postText(first),
      create_time: BASE_TIME - 3600,
      create_date_time: chinaTime(BASE_TIME - 3600),
      liked_count: 11,
      comments_count: 25,
      shared_count: 2,
      note_url: `https://m.weibo.cn/detail/${first.mid}`,
      is_long_text: false,
      source_keyword: "天气",
      creator_hash: creatorHash("wb", "7001"),
      creator_nickname: "搜***",
    });
    expect(notes[0]?.item_key).toBe(`wb:content:${first.mid}`);
    // Page 1 asked for by the page on load, page 2 called from it; the container id carries type=1 (综合) and the keyword.
    const searches = wb.apiRequests(GET_INDEX);
    expect(searches.map((request) => request.query.page)).toEqual([undefined, "2"]);
    expect(searches.map((request) => request.query.containerid)).toEqual([
      "100103type=1&q=天气",
      "100103type=1&q=天气",
    ]);
    // Both as the page's own script makes them: its XSRF header (the cookie's value), MWeibo-Pwa, XHR.
    for (const request of searches) {
      expect(request.headers["x-xsrf-token"]).toBe(request.cookies["XSRF-TOKEN"]);
      expect(request.headers).toMatchObject({ "mweibo-pwa": "1", "x-requested-with": "XMLHttpRequest" });
    }
    expect(searches[1]?.query.page_type).toBe("searchall");
    expect(wb.apiRequests(HOTFLOW)).toHaveLength(0);
    expect(wb.requests.filter((request) => request.path.startsWith("/detail/"))).toHaveLength(0);
  });

  it("stores a long post's whole text, called from the page (/statuses/extend) only for posts the list cut", async () => {
    const posts = wb.postsFor("长文").slice(0, 4);
    const long = posts.find((post) => post.index === 2)!;
    const { items } = await run(task({ crawler_type: "search", keywords: "长文", max_notes_count: 4 }));

    const notes = ofType(items, "content");
    expect(notes.map((item) => [item.data.note_id, item.data.content, item.data.is_long_text])).toEqual(
      posts.map((post) => [post.mid, postText(post), post === long]),
    );
    const extends_ = wb.apiRequests(LONG_TEXT);
    expect(extends_.map((request) => request.query.id)).toEqual([long.mid]);
    expect(extends_[0]?.headers["x-xsrf-token"]).toBe(extends_[0]?.cookies["XSRF-TOKEN"]);

    wb.reset();
    const cut = await run(task({ crawler_type: "search", keywords: "长文", max_notes_count: 4, full_text: false }));
    const stored = ofType(cut.items, "content").find((item) => item.data.note_id === long.mid);
    expect(stored?.data).toMatchObject({ content: cutPostText(long), is_long_text: true });
    expect(wb.apiRequests(LONG_TEXT)).toHaveLength(0);
  });

  it("uses the sort's search type and calls start_page directly", async () => {
    const { items } = await run(
      task({ crawler_type: "search", keywords: "足球", sort: "real_time", start_page: 3, max_notes_count: 2 }),
    );

    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(mids(wb.postsFor("足球").slice(8, 10)));
    expect(wb.apiRequests(GET_INDEX).map((request) => [request.query.containerid, request.query.page])).toEqual([
      ["100103type=61&q=足球", undefined],
      ["100103type=61&q=足球", "3"],
    ]);
  });

  it("resumes at the list page it was on, storing none of the pages before it again", async () => {
    const params = task({ crawler_type: "search", keywords: "旅行", max_notes_count: 10 });
    const first = await run(params, { stopAfter: 5 });
    expect(first.cursor).toEqual({ inputIndex: 0, page: 2, notesDone: 4 });

    wb.requests.length = 0;
    const second = await run(params, { resumeFrom: first.cursor });

    expect(ofType(second.items, "content").map((item) => item.data.note_id)).toEqual(
      mids(wb.postsFor("旅行").slice(4, 10)),
    );
    expect(wb.apiRequests(GET_INDEX).map((request) => request.query.page)).toEqual([undefined, "2", "3"]);
  });
});

describe("wb detail", () => {
  it("reads the post from $render_data and takes mids, bids and URLs", async () => {
    const posts = creatorPosts("1001", wb.settings).slice(0, 3);
    const ids = [posts[0]!.mid, bidOf(posts[1]!.mid), `https://m.weibo.cn/detail/${posts[2]!.mid}`];
    const { items } = await run(task({ crawler_type: "detail", specified_ids: ids }));

    expect(items.map((item) => item.data.note_id)).toEqual(mids(posts));
    expect(items[1]?.data).toMatchObject({
      content: postText(posts[1]!),
      is_long_text: true,
      source_keyword: null,
      creator_hash: creatorHash("wb", "1001"),
    });
    expect(wb.apiRequests(CHILD)).toHaveLength(0);
    // The detail page's $render_data carries the whole text: nothing more to ask.
    expect(wb.apiRequests(LONG_TEXT)).toHaveLength(0);
  });

  it("collects comments page by page, the page's first and then called ones, without replies unless asked", async () => {
    const post = creatorPosts("1001", wb.settings)[0]!;
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [post.mid], enable_comments: true, max_comments_count: 30 }),
    );

    const comments = ofType(items, "comment");
    expect(comments.map((item) => item.data.comment_id)).toEqual(
      Array.from({ length: 25 }, (_, j) => commentIdOf(post.mid, j + 1)),
    );
    // Page 1 asked for by the detail page, the next ones called from it with the answer's max_id (MC's parameters).
    expect(wb.apiRequests(HOTFLOW).map((request) => request.query.max_id)).toEqual([undefined, "10", "20"]);
    expect(
      wb
        .apiRequests(HOTFLOW)
        .slice(1)
        .map((request) => [request.query.id, request.query.mid, request.query.max_id_type]),
    ).toEqual([
      [post.mid, post.mid, "0"],
      [post.mid, post.mid, "0"],
    ]);
    expect(wb.apiRequests(HOTFLOW)[1]?.headers.referer).toBe(`${wb.baseUrl}/detail/${post.mid}`);
    expect(wb.apiRequests(CHILD)).toHaveLength(0);
    expect(comments[1]?.data).toMatchObject({
      item_type: "comment",
      platform: "wb",
      comment_id: commentIdOf(post.mid, 2),
      note_id: post.mid,
      content: "第2条评论[赞]",
      create_time: post.createdAt + 120,
      create_date_time: chinaTime(post.createdAt + 120),
      comment_like_count: 48,
      sub_comment_count: 2,
      parent_comment_id: null,
      creator_hash: creatorHash("wb", "80002"),
    });
  });

  it("with enable_sub_comments, follows each comment by its replies: inline ones, else hotFlowChild pages, within max_comments_count", async () => {
    const post = creatorPosts("1001", wb.settings)[1]!;
    const { items } = await run(task(detailWithReplies(post.mid, 23)));

    const c = (j: number) => commentIdOf(post.mid, j);
    const r = (j: number, n: number) => Array.from({ length: n }, (_, k) => replyIdOf(c(j), k + 1));
    // c1 + 7 replies (2 pages of 5 behind 共7条回复), c2 + 2 inline, c3, c4, c5 + 7, c6 + the 1 reply that fits.
    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual([
      c(1),
      ...r(1, 7),
      c(2),
      ...r(2, 2),
      c(3),
      c(4),
      c(5),
      ...r(5, 7),
      c(6),
      ...r(6, 1),
    ]);
    expect(wb.apiRequests(CHILD).map((request) => `${request.query.cid}:${request.query.max_id}`)).toEqual([
      `${c(1)}:0`,
      `${c(1)}:5`,
      `${c(5)}:0`,
      `${c(5)}:5`,
    ]);
    // Enough top-level comments were on the first three pages (23 wanted of 25): no more pages.
    expect(wb.apiRequests(HOTFLOW)).toHaveLength(3);
    const reply = ofType(items, "comment")[1]?.data;
    expect(reply).toMatchObject({ parent_comment_id: c(1), content: "回复@评论者1:回复1", comment_like_count: 1 });
  });

  it("keeps the inline replies when hotFlowChild refuses (ok 0), as MC stores only those", async () => {
    wb.refuseReplies(true);
    const post = creatorPosts("1001", wb.settings)[5]!;
    const { items } = await run(task(detailWithReplies(post.mid, 5)));

    const c = (j: number) => commentIdOf(post.mid, j);
    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual([
      c(1),
      replyIdOf(c(1), 1),
      replyIdOf(c(1), 2),
      c(2),
      replyIdOf(c(2), 1),
    ]);
    expect(wb.apiRequests(CHILD)).toHaveLength(1);
  });

  it("records a post that does not exist as a failed item and goes on", async () => {
    const post = creatorPosts("1001", wb.settings)[2]!;
    const { items } = await run(task({ crawler_type: "detail", specified_ids: ["4800000000999999", post.mid] }));

    expect(items.map((item) => [item.ok, item.data.note_id])).toEqual([
      [false, "4800000000999999"],
      [true, post.mid],
    ]);
    expect(items[0]?.data.error).toMatchObject({ code: "POST_UNAVAILABLE" });
  });

  it("stores user ids, nicknames, avatars and IP locations as shown with keep_user_info", async () => {
    const post = creatorPosts("1001", wb.settings)[4]!;
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: [post.mid],
        enable_comments: true,
        max_comments_count: 2,
        keep_user_info: true,
      }),
    );

    expect(items.map((item) => [item.data.user_id, item.data.ip_location])).toEqual([
      ["1001", "上海"],
      ["80001", null],
      ["80002", "广东"],
    ]);
    expect(items[0]?.data).toMatchObject({
      nickname: "微博测试号",
      avatar: "https://tvax1.sinaimg.cn/crop.0.0.180.180.180/1001.jpg",
    });
  });
});

describe("wb creator", () => {
  it("stores the profile as a creator record, then its posts page by page, with comments from each detail page", async () => {
    const { items } = await run(
      task({
        crawler_type: "creator",
        creator_ids: ["https://m.weibo.cn/u/1001"],
        max_notes_count: 7,
        enable_comments: true,
        max_comments_count: 1,
      }),
    );

    const posts = creatorPosts("1001", wb.settings).slice(0, 7);
    const creators = ofType(items, "creator");
    expect(creators).toHaveLength(1);
    expect(creators[0]?.data).toMatchObject({
      desc: null,
      gender: "f",
      follows: 12,
      fans: "1.2万",
      statuses_count: 13,
      creator_hash: creatorHash("wb", "1001"),
    });
    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(mids(posts));
    // Post 4 has no comments: its detail page is not opened.
    expect(ofType(items, "comment").map((item) => item.data.note_id)).toEqual(
      mids(posts.filter((post) => post.comments > 0)),
    );
    // The header as the page asks for it (type=uid&value=<uid>, no container id), its first posts page, then a call with since_id.
    const containers = wb
      .apiRequests(GET_INDEX)
      .map(
        (request) =>
          `${request.query.type}:${request.query.value}:${request.query.containerid ?? ""}:${request.query.since_id ?? ""}`,
      );
    expect(containers).toEqual(["uid:1001::", "uid:1001:1076031001:", `uid:1001:1076031001:${posts[5]!.mid}`]);
  });

  it("takes the header in MC's 100505 form too, and posts paged by page number", async () => {
    wb.profileForm("100505", "page");
    const { items } = await run(task({ crawler_type: "creator", creator_ids: ["1001"], max_notes_count: 12 }));

    expect(ofType(items, "creator")).toHaveLength(1);
    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(
      mids(creatorPosts("1001", wb.settings).slice(0, 12)),
    );
    const containers = wb
      .apiRequests(GET_INDEX)
      .map((request) => `${request.query.containerid}:${request.query.page ?? ""}`);
    expect(containers).toEqual(["1005051001:", "1076031001:", "1076031001:2", "1076031001:3"]);
  });

  it("resumes at the since_id it saved, calling that page directly, without storing the creator again", async () => {
    const params = task({ crawler_type: "creator", creator_ids: ["1001"], max_notes_count: 9 });
    const first = await run(params, { stopAfter: 7 });
    const posts = creatorPosts("1001", wb.settings);
    expect(first.cursor).toEqual({ inputIndex: 0, page: `since_id=${posts[5]!.mid}`, notesDone: 5 });
    wb.requests.length = 0;

    const second = await run(params, { resumeFrom: first.cursor });

    expect(ofType(second.items, "creator")).toHaveLength(0);
    expect(ofType(second.items, "content").map((item) => item.data.note_id)).toEqual(mids(posts.slice(5, 9)));
    expect(wb.apiRequests(GET_INDEX).map((request) => request.query.since_id)).toEqual([
      undefined,
      undefined,
      posts[5]!.mid,
    ]);
  });
});

describe("wb HTTP 432", () => {
  it("reloads the page once and reads its own answer again when it got 432", async () => {
    wb.answerWith("http_432", { path: GET_INDEX, times: 1 });
    const { items } = await run(task({ crawler_type: "search", keywords: "刷新", max_notes_count: 2 }));

    expect(ofType(items, "content")).toHaveLength(2);
    expect(wb.requests.filter((request) => request.path === "/search")).toHaveLength(2);
  });

  it("reloads the page for fresh cookies and tries a call once more when it got 432", async () => {
    wb.answerWith("http_432", { path: HOTFLOW, times: 1, afterRequests: 1 });
    const post = creatorPosts("1001", wb.settings)[6]!;
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [post.mid], enable_comments: true, max_comments_count: 15 }),
    );

    expect(ofType(items, "comment")).toHaveLength(15);
    // Page 1 (the page's), the call that got 432, page 1 again (the reloaded page's), the call again.
    expect(wb.apiRequests(HOTFLOW).map((request) => request.query.max_id)).toEqual([undefined, "10", undefined, "10"]);
  });

  it("ends with RATE_LIMITED (retryable, not a ban) when the reload does not help", async () => {
    // The call, the reloaded page's own first page, the call again.
    wb.answerWith("http_432", { path: HOTFLOW, times: 3, afterRequests: 1 });
    const post = creatorPosts("1001", wb.settings)[6]!;
    const { error } = await failure(
      task({ crawler_type: "detail", specified_ids: [post.mid], enable_comments: true, max_comments_count: 15 }),
    );

    expect(error).toBeInstanceOf(PlatformThrottledError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", account_id: "acct-wb-1" });
  });
});

describe("wb drift", () => {
  // A request the page never makes is waited for this long here.
  const saved = mediaSessionDefaults.captureTimeoutMs;
  beforeEach(() => {
    mediaSessionDefaults.captureTimeoutMs = 2_000;
  });
  afterEach(() => {
    mediaSessionDefaults.captureTimeoutMs = saved;
  });

  it("fails SITE_CHANGED naming the step and endpoint when a body changed shape", async () => {
    wb.drift("shape");
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "改版" }));

    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(SiteChangedError);
    expect(error).toMatchObject({
      message: expect.stringContaining("wb search: result page (/api/container/getIndex)"),
    });
    expect((error as SiteChangedError).seen).toContain("mblog.id");
  });

  it("fails SITE_CHANGED when a page showing the post no longer asks for its comments", async () => {
    wb.drift("no_request");
    const { error } = await failure(
      task({
        crawler_type: "detail",
        specified_ids: [creatorPosts("1001", wb.settings)[7]!.mid],
        enable_comments: true,
      }),
    );

    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      name: "NoAnswerError",
      message: expect.stringContaining("wb comments: page"),
    });
    expect((error as SiteChangedError).subject.endpoint).toContain("/comments/hotflow");
  });

  it("fails SITE_CHANGED naming the page state when the post is shown but not embedded", async () => {
    wb.drift("no_render_data");
    const { error } = await failure(
      task({ crawler_type: "detail", specified_ids: [creatorPosts("1001", wb.settings)[7]!.mid] }),
    );

    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("wb detail: post ($render_data)"),
    });
  });
});

describe("wb probe", () => {
  it("reports each step: the page opened, its answer and shape, the calls, the items", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "探针", max_notes_count: 5, probe: true }));

    const probe = items.at(-1)?.data as {
      item_type: string;
      steps: Array<Record<string, unknown>>;
      counts: Record<string, number>;
    };
    expect(probe.item_type).toBe("probe");
    expect(probe.counts).toEqual({ content: 5 });
    expect(probe.steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: "open", kind: "open", status: 200 }),
        expect.objectContaining({ step: "search: result page", kind: "response", status: 200 }),
        expect.objectContaining({ step: "search: result page", kind: "call", status: 200 }),
        expect.objectContaining({ step: "search: result page", kind: "shape", shape: "ok" }),
      ]),
    );
  });

  it("keeps its report when a step drifts, with the mismatch", async () => {
    wb.drift("shape");
    const { items, error } = await failure(task({ crawler_type: "search", keywords: "探针改版", probe: true }));

    expect(error).toMatchObject({ code: "SITE_CHANGED" });
    const probe = items.at(-1)?.data as { steps: Array<Record<string, unknown>> };
    expect(probe.steps).toContainEqual(
      expect.objectContaining({
        step: "search: result page",
        kind: "shape",
        shape: "mismatch",
        detail: expect.stringContaining("id"),
      }),
    );
  });
});

describe("wb access answers", () => {
  it("maps a page sent to the login page, with an account's cookies, to ACCOUNT_EXPIRED", async () => {
    wb.answerWith("login_page");
    const { error } = await failure(
      task({ crawler_type: "detail", specified_ids: [creatorPosts("1001", wb.settings)[0]!.mid] }),
    );

    expect(error).toMatchObject({ code: "ACCOUNT_EXPIRED" });
  });

  it("maps HTTP 418 in the middle of a crawl to RISK_CONTROL after the items before it", async () => {
    wb.answerWith("risk_control", { afterRequests: 1 });
    const { error, items } = await failure(
      task({
        crawler_type: "search",
        keywords: "风控",
        max_notes_count: 3,
        enable_comments: true,
        max_comments_count: 1,
      }),
    );

    // Search page 1 answered; the first post's detail page got 418.
    expect(ofType(items, "content")).toHaveLength(1);
    expect(error).toMatchObject({ code: "RISK_CONTROL", account_id: "acct-wb-1" });
  });

  it("backs off on 请求过于频繁 (errno 100005), then fails RATE_LIMITED: throttling, not a ban", async () => {
    wb.answerWith("too_frequent", { afterRequests: 1 });
    // full_text false: no long post's text call comes between the pages.
    const { error, items } = await failure(
      task({ crawler_type: "search", keywords: "频繁", max_notes_count: 10, full_text: false }),
    );

    expect(ofType(items, "content")).toHaveLength(4);
    expect(error).toBeInstanceOf(PlatformThrottledError);
    expect(error).toMatchObject({ code: "RATE_LIMITED" });
    // Page 1 from the page, then the call to page 2 tried three times.
    expect(wb.apiRequests(GET_INDEX).map((request) => request.query.page)).toEqual([undefined, "2", "2", "2"]);
  });

  it("maps an answer asking to 验证 to RISK_CONTROL", async () => {
    wb.answerWith("risk_verify", { afterRequests: 1 });
    const { error } = await failure(task({ crawler_type: "search", keywords: "验证", max_notes_count: 10 }));

    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });

  it("maps a verification page to RISK_CONTROL", async () => {
    wb.answerWith("risk_verify");
    const { error } = await failure(
      task({ crawler_type: "detail", specified_ids: [creatorPosts("1001", wb.settings)[0]!.mid] }),
    );

    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });
});
