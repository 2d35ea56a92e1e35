/**
 * 快手 end to end against the local stand-in of its web app (tests/fixtures/ks), in real
 * Chromium, through crawlMedia: the crawler reads the list pages the app requests itself
 * (signed /rest/v/search/feed and /rest/v/profile/feed: the signature never leaves the
 * app's closure), scrolling for the next, and calls the unsigned endpoints (GraphQL
 * detail and profile, REST comments) from the page. MEDIA_DELAY_SCALE=0
 * (vitest.config.ts) drops the pauses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ksPlatform, ksTaskInput } from "../../core/platforms/ks/index.js";
import { PlatformAccessError, PlatformThrottledError, SiteChangedError } from "../../core/platforms/media/index.js";
import { KS_DATA, ksCommentId, ksCreatorPhotoId, ksSearchPhotoId } from "../fixtures/ks/data.js";
import { startKsStandIn, type KsStandIn } from "../fixtures/ks/server.js";
import { KS_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { mediaHarness, ofType, probeStepsOf } from "../support/mediaHarness.js";

let ks: KsStandIn;

const SEARCH = "/rest/v/search/feed";
const PROFILE_FEED = "/rest/v/profile/feed";
const COMMENTS = "/rest/v/photo/comment/list";
const REPLIES = "/rest/v/photo/comment/sublist";

const { task, run, attempt, failure, pointBaseUrls } = mediaHarness({
  platform: ksPlatform,
  schema: ksTaskInput,
  account: ACCOUNT,
});

beforeAll(async () => {
  ks = await startKsStandIn();
  pointBaseUrls({ WWW: ks.baseUrl });
});

afterAll(() => ks?.close());

beforeEach(() => ks.reset());

const bodyOf = (request: ReturnType<KsStandIn["apiRequests"]>[number]) => ks.bodyOf(request);
const variablesOf = (request: ReturnType<KsStandIn["apiRequests"]>[number]) =>
  ks.bodyOf(request).variables as Record<string, unknown>;
const pagesOpened = (prefix: string) => ks.requests.filter((request) => request.path.startsWith(prefix));

describe("ks search", () => {
  it("reads the page's own signed /rest/v/search/feed pages, scrolling for the next, with the fields docs/platforms/ks.md lists", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "美食", max_notes_count: 25 }));

    const k = ks.keywordIndex("美食");
    expect(items.map((item) => item.data.video_id)).toEqual(
      Array.from({ length: 25 }, (_, i) => ksSearchPhotoId(k, i)),
    );
    expect(items[0]?.item_key).toBe(`ks:content:${ksSearchPhotoId(k, 0)}`);
    expect(Object.keys(items[0]?.data ?? {}).sort()).toEqual(
      [
        "item_type",
        "platform",
        "crawled_at",
        "video_id",
        "video_type",
        "title",
        "desc",
        "create_time",
        "liked_count",
        "viewd_count",
        "comment_count",
        "video_url",
        "video_cover_url",
        "video_play_url",
        "source_keyword",
        "creator_hash",
        "creator_nickname",
      ].sort(),
    );
    expect(items[0]?.data).toMatchObject({
      source_keyword: "美食",
      video_type: "1",
      video_url: `${ks.baseUrl}/short-video/${ksSearchPhotoId(k, 0)}`,
    });
    const pages = ks.apiRequests(SEARCH);
    expect(pages.map((request) => bodyOf(request).pcursor)).toEqual(["", "1"]);
    expect(bodyOf(pages[1] as never)).toMatchObject({
      keyword: "美食",
      page: "search",
      searchSessionId: `session-${k}`,
    });
    for (const request of pages) {
      // Signed by the app's own code, which the crawler never touched.
      expect(request.query).toMatchObject({ caver: "2", __NS_hxfalcon: expect.stringMatching(/^HUDR_/) });
      expect(request.cookies).toMatchObject({ "kuaishou.server.web_st": "ks-stand-in-session", did: "web_standin" });
    }
    expect(ks.apiRequests("graphql:visionSearchPhoto")).toHaveLength(0);
    expect(pagesOpened("/short-video/")).toHaveLength(0);
  });

  it("stops at max_notes_count without loading another page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "汽车", max_notes_count: 5 }));

    expect(items).toHaveLength(5);
    expect(ks.apiRequests(SEARCH)).toHaveLength(1);
  });

  it("reads a page still on the former GraphQL app the same way", async () => {
    ks.listApi("graphql");
    const { items } = await run(task({ crawler_type: "search", keywords: "旧版", max_notes_count: 25 }));

    const k = ks.keywordIndex("旧版");
    expect(items.map((item) => item.data.video_id)).toEqual(
      Array.from({ length: 25 }, (_, i) => ksSearchPhotoId(k, i)),
    );
    expect(ks.apiRequests("graphql:visionSearchPhoto").map((request) => variablesOf(request).pcursor)).toEqual([
      "",
      "1",
    ]);
    expect(ks.apiRequests(SEARCH)).toHaveLength(0);
  });

  it("reads each video's comments and every reply (beyond the first reply page) by calls from the search page, up to max_comments_count", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "钓鱼",
        max_notes_count: 2,
        enable_comments: true,
        enable_sub_comments: true,
        max_comments_count: 30,
      }),
    );

    const k = ks.keywordIndex("钓鱼");
    const videos = ofType(items, "content");
    expect(videos.map((item) => item.data.video_id)).toEqual([ksSearchPhotoId(k, 0), ksSearchPhotoId(k, 1)]);
    for (const video of videos) {
      const photoId = video.data.video_id as string;
      const comments = ofType(items, "comment").filter((item) => item.data.video_id === photoId);
      expect(comments).toHaveLength(30);
      expect(comments.filter((item) => item.data.parent_comment_id === null)).toHaveLength(12);
      expect(comments.filter((item) => item.data.parent_comment_id === String(ksCommentId(photoId, 0)))).toHaveLength(
        5,
      );
    }
    expect(items[31]?.data.video_id).toBe(ksSearchPhotoId(k, 1));
    expect(Object.keys(items[1]?.data ?? {}).sort()).toEqual(
      [
        "item_type",
        "platform",
        "crawled_at",
        "comment_id",
        "video_id",
        "content",
        "create_time",
        "sub_comment_count",
        "parent_comment_id",
        "creator_hash",
        "creator_nickname",
      ].sort(),
    );
    const firstRoot = ksCommentId(ksSearchPhotoId(k, 0), 0);
    expect(
      ks
        .apiRequests(REPLIES)
        .filter((request) => bodyOf(request).rootCommentId === firstRoot)
        .map((request) => bodyOf(request).pcursor),
    ).toEqual(["", "3"]);
    expect(ks.apiRequests(SEARCH)).toHaveLength(1);
    expect(pagesOpened("/short-video/")).toHaveLength(0);
    expect(pagesOpened("/search/")).toHaveLength(1);
  });

  it("reads top-level comments only without enable_sub_comments, page after page", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "旅行",
        max_notes_count: 1,
        enable_comments: true,
        max_comments_count: 25,
      }),
    );

    expect(ofType(items, "comment")).toHaveLength(25);
    expect(ofType(items, "comment").filter((item) => item.data.parent_comment_id !== null)).toHaveLength(0);
    expect(ks.apiRequests(REPLIES)).toHaveLength(0);
    expect(ks.apiRequests(COMMENTS).map((request) => bodyOf(request).pcursor)).toEqual(["", "20"]);
  });
});

describe("ks detail", () => {
  it("opens each video's page and calls visionVideoDetail and the comments from it; a deleted video is a failed item", async () => {
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: [
          "3xdetail0001",
          "https://www.kuaishou.com/short-video/3xdetail0002?authorId=3xabc&streamSource=search",
          KS_DATA.deletedPhotoId,
        ],
        enable_comments: true,
        max_comments_count: 4,
      }),
    );

    const videos = ofType(items, "content");
    expect(videos.map((item) => [item.data.video_id, item.ok])).toEqual([
      ["3xdetail0001", true],
      ["3xdetail0002", true],
      [KS_DATA.deletedPhotoId, false],
    ]);
    expect(videos[2]?.data.error).toMatchObject({ code: "POST_UNAVAILABLE" });
    expect(ofType(items, "comment").filter((item) => item.data.video_id === "3xdetail0002")).toHaveLength(4);
    expect(ks.apiRequests("graphql:visionVideoDetail").map((request) => variablesOf(request).photoId)).toEqual([
      "3xdetail0001",
      "3xdetail0002",
      KS_DATA.deletedPhotoId,
    ]);
    expect(pagesOpened("/short-video/")).toHaveLength(3);
  });
});

describe("ks creator", () => {
  it("reads the profile page's own /rest/v/profile/feed pages and calls visionProfile, up to max_notes_count", async () => {
    const { items } = await run(
      task({
        crawler_type: "creator",
        creator_ids: `https://www.kuaishou.com/profile/${KS_DATA.userId}`,
        max_notes_count: 22,
      }),
    );

    const c = ks.creatorIndex(KS_DATA.userId);
    expect(ofType(items, "creator")).toHaveLength(1);
    expect(ofType(items, "creator")[0]?.data).toMatchObject({
      follows: 56,
      fans: 3400 + c,
      videos_count: KS_DATA.photosTotal,
    });
    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(
      Array.from({ length: 22 }, (_, i) => ksCreatorPhotoId(c, i)),
    );
    const pages = ks.apiRequests(PROFILE_FEED);
    expect(pages.map((request) => bodyOf(request).pcursor)).toEqual(["", "1"]);
    expect(bodyOf(pages[0] as never)).toMatchObject({ user_id: KS_DATA.userId, page: "profile" });
    expect(ks.apiRequests("graphql:visionProfile")).toHaveLength(1);
  });

  it("reads a profile page still on GraphQL visionProfilePhotoList", async () => {
    ks.listApi("graphql");
    const { items } = await run(task({ crawler_type: "creator", creator_ids: KS_DATA.userId, max_notes_count: 22 }));

    expect(ofType(items, "content")).toHaveLength(22);
    expect(ks.apiRequests("graphql:visionProfilePhotoList").map((request) => variablesOf(request).pcursor)).toEqual([
      "",
      "1",
    ]);
  });
});

describe("ks refusals", () => {
  it("maps result 2001 on a list page to RISK_CONTROL, after the items already read", async () => {
    ks.answerWith("risk_control", { afterRequests: 1 });
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "美食", max_notes_count: 30 }));
    expect(items).toHaveLength(20);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/2001/);
  });

  it("maps the comment endpoint's result 2001 to RISK_CONTROL", async () => {
    // The detail call and the first comment page pass; the next comment page is refused.
    ks.answerWith("risk_control", { afterRequests: 2 });
    const { error } = await failure(
      task({ crawler_type: "detail", specified_ids: "3xdetail0003", enable_comments: true, max_comments_count: 25 }),
    );
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/2001/);
  });

  it("maps an empty answer to RISK_CONTROL, and a page showing the slider captcha too", async () => {
    ks.answerWith("blocked", { afterRequests: 2 });
    const blocked = await failure(task({ crawler_type: "creator", creator_ids: KS_DATA.userId, max_notes_count: 25 }));
    expect(blocked.error).toMatchObject({ code: "RISK_CONTROL" });
    expect((blocked.error as Error).message).toMatch(/empty or non-JSON/);

    ks.answerWith("captcha_page");
    const captcha = await failure(task({ crawler_type: "creator", creator_ids: KS_DATA.userId }));
    expect(captcha.error).toMatchObject({ code: "RISK_CONTROL" });
  });

  it("(the stand-in) refuses a list request the app did not sign, and any request without the login cookie", async () => {
    const headers = { "content-type": "application/json", cookie: "kuaishou.server.web_st=x" };
    const unsigned = await fetch(`${ks.baseUrl}${SEARCH}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ keyword: "a", pcursor: "", page: "search", searchSessionId: "" }),
    });
    expect(await unsigned.json()).toMatchObject({ result: 50 });
    const anonymous = await fetch(`${ks.baseUrl}${COMMENTS}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ photoId: "3xa", pcursor: "" }),
    });
    expect(await anonymous.json()).toMatchObject({ result: 109 });
  });
});

describe("ks throttling (result 2)", () => {
  it("backs off and asks again on the same account: a throttled comment page is called again", async () => {
    // The detail call passes; the first two comment calls are throttled, the third answers.
    ks.answerWith("throttled", { afterRequests: 1, times: 2 });
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: "3xdetail0004", enable_comments: true, max_comments_count: 5 }),
    );
    expect(ofType(items, "comment")).toHaveLength(5);
    expect(ks.apiRequests(COMMENTS).map((request) => bodyOf(request).pcursor)).toEqual(["", "", ""]);
  });

  it("scrolls again for a throttled list page the app asked for", async () => {
    ks.answerWith("throttled", { afterRequests: 1, times: 1 });
    const { items } = await run(task({ crawler_type: "search", keywords: "慢一点", max_notes_count: 25 }));
    expect(items).toHaveLength(25);
    expect(ks.apiRequests(SEARCH).map((request) => bodyOf(request).pcursor)).toEqual(["", "1", "1"]);
  });

  it("gives up with RATE_LIMITED (retryable, the account not banned) when the site keeps asking", async () => {
    ks.answerWith("throttled", { afterRequests: 1 });
    const { error, items } = await failure(
      task({ crawler_type: "detail", specified_ids: "3xdetail0005", enable_comments: true }),
    );
    expect(ofType(items, "content")).toHaveLength(1);
    expect(error).toBeInstanceOf(PlatformThrottledError);
    expect(error).not.toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", account_id: "acct-ks-1" });
    expect(ks.apiRequests(COMMENTS)).toHaveLength(3);
  });
});

describe("ks drift", () => {
  // A request the page never makes, or an element it no longer has, is waited for this long.
  const quick = { session: { captureTimeoutMs: 1_500, selectorTimeoutMs: 1_500 } };

  it("a changed list shape is SITE_CHANGED naming the step and the endpoint, and the probe records it", async () => {
    ks.drift("shape");
    const { error, items } = await attempt(task({ crawler_type: "search", keywords: "美食", probe: true }), quick);
    expect(error).toBeInstanceOf(SiteChangedError);
    expect((error as Error).message).toMatch(
      /^ks search: first result page \(\/rest\/v\/search\/feed\): the body no longer has the expected shape; seen: feeds: /,
    );
    expect(probeStepsOf(items)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "shape", shape: "mismatch", step: "search: first result page" }),
      ]),
    );
  });

  it("a changed comment shape is SITE_CHANGED, not an empty comment list", async () => {
    ks.drift("shape");
    const { error } = await attempt(
      task({ crawler_type: "detail", specified_ids: "3xdetail0006", enable_comments: true }),
      quick,
    );
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("ks comments: page (/rest/v/photo/comment/list)"),
    });
  });

  it("a list page that asks for nothing is SITE_CHANGED (the missing request)", async () => {
    ks.drift("no_first_page");
    const { error } = await attempt(task({ crawler_type: "creator", creator_ids: KS_DATA.userId }), quick);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("ks creator: first video page"),
    });
    expect((error as Error).message).toMatch(/no answer within 1500 ms/);
  });

  it("a list without video links is SITE_CHANGED naming the selector", async () => {
    ks.drift("no_cards");
    const { error, items } = await attempt(
      task({ crawler_type: "search", keywords: "美食", max_notes_count: 25 }),
      quick,
    );
    expect(items).toHaveLength(20);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining('ks search: next result page (selector a[href*="/short-video/"])'),
    });
  });

  it("a list the site no longer accepts the app's signature for (result 50) is SITE_CHANGED, not the end of the list", async () => {
    ks.drift("signature");
    const { error, items } = await attempt(task({ crawler_type: "search", keywords: "美食" }), quick);
    expect(items).toHaveLength(0);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(/ks search: first result page \(\/rest\/v\/search\/feed\).*result 50/),
    });
  });
});
