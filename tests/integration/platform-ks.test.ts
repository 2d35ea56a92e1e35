/**
 * 快手 end to end against the local stand-in of its web app (tests/fixtures/ks), in real
 * Chromium, through crawlMedia: the crawler opens pages, scrolls lists and clicks
 * "展开N条回复"; the stand-in's own script POSTs the GraphQL operations and the REST
 * comment calls; the crawler reads the answers as they go by. MEDIA_DELAY_SCALE=0
 * (vitest.config.ts) drops the pauses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ksPlatform, ksTaskInput } from "../../core/platforms/ks/index.js";
import { PlatformAccessError, type CrawlAccount } from "../../core/platforms/media/index.js";
import { KS_DATA, ksCommentId, ksCreatorPhotoId, ksSearchPhotoId } from "../fixtures/ks/data.js";
import { startKsStandIn, type KsStandIn } from "../fixtures/ks/server.js";
import { mediaHarness, ofType } from "../support/mediaHarness.js";

let ks: KsStandIn;

const ACCOUNT: CrawlAccount = {
  account_id: "acct-ks-1",
  platform: "ks",
  cookies: [
    { name: "kuaishou.server.web_st", value: "ks-stand-in-session", domain: ".kuaishou.com", httpOnly: true, secure: true },
    { name: "did", value: "web_standin", domain: ".kuaishou.com" },
  ],
};

const SEARCH = "graphql:visionSearchPhoto";
const COMMENTS = "/rest/v/photo/comment/list";
const REPLIES = "/rest/v/photo/comment/sublist";

const { task, run, failure, pointBaseUrls } = mediaHarness({ platform: ksPlatform, schema: ksTaskInput, account: ACCOUNT });

beforeAll(async () => {
  ks = await startKsStandIn();
  pointBaseUrls({ WWW: ks.baseUrl });
});

afterAll(() => ks?.close());

beforeEach(() => {
  ks.requests.length = 0;
  ks.answerWith("ok");
});

const variablesOf = (request: ReturnType<KsStandIn["apiRequests"]>[number]) => ks.bodyOf(request).variables as Record<string, unknown>;

describe("ks search", () => {
  it("scrolls the result list until max_notes_count videos, with the README's fields", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "美食", max_notes_count: 25 }));

    const k = ks.keywordIndex("美食");
    expect(items.map((item) => item.data.video_id)).toEqual(Array.from({ length: 25 }, (_, i) => ksSearchPhotoId(k, i)));
    expect(items[0]?.item_key).toBe(`ks:content:${ksSearchPhotoId(k, 0)}`);
    expect(Object.keys(items[0]?.data ?? {}).sort()).toEqual(
      [
        "item_type", "platform", "crawled_at", "video_id", "video_type", "title", "desc", "create_time", "liked_count", "viewd_count",
        "comment_count", "video_url", "video_cover_url", "video_play_url", "source_keyword", "creator_hash", "creator_nickname",
      ].sort(),
    );
    expect(items[0]?.data).toMatchObject({ source_keyword: "美食", video_type: "1", video_url: `${ks.baseUrl}/short-video/${ksSearchPhotoId(k, 0)}` });
    const searches = ks.apiRequests(SEARCH);
    expect(searches.map((request) => variablesOf(request).pcursor)).toEqual(["", "1"]);
    expect(variablesOf(searches[0] as never)).toMatchObject({ keyword: "美食", page: "search" });
    for (const request of searches) expect(request.cookies).toMatchObject({ "kuaishou.server.web_st": "ks-stand-in-session", did: "web_standin" });
    // Comments were not asked for: no video page was opened.
    expect(ks.requests.filter((request) => request.path.startsWith("/short-video/"))).toHaveLength(0);
  });

  it("stops at max_notes_count without loading another page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "汽车", max_notes_count: 5 }));

    expect(items).toHaveLength(5);
    expect(ks.apiRequests(SEARCH)).toHaveLength(1);
  });

  it("reads each video's comments and replies (展开N条回复 clicked) up to max_comments_count, then scrolls back to the list", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "钓鱼", max_notes_count: 2, enable_comments: true, enable_sub_comments: true, max_comments_count: 30 }));

    const k = ks.keywordIndex("钓鱼");
    const videos = ofType(items, "content");
    expect(videos.map((item) => item.data.video_id)).toEqual([ksSearchPhotoId(k, 0), ksSearchPhotoId(k, 1)]);
    for (const video of videos) {
      const photoId = video.data.video_id as string;
      const comments = ofType(items, "comment").filter((item) => item.data.video_id === photoId);
      expect(comments).toHaveLength(30);
      expect(comments.filter((item) => item.data.parent_comment_id === null)).toHaveLength(12);
      expect(comments.find((item) => item.data.parent_comment_id !== null)?.data.parent_comment_id).toBe(String(ksCommentId(photoId, 0)));
    }
    expect(items[31]?.data.video_id).toBe(ksSearchPhotoId(k, 1));
    expect(Object.keys(items[1]?.data ?? {}).sort()).toEqual(
      ["item_type", "platform", "crawled_at", "comment_id", "video_id", "content", "create_time", "sub_comment_count", "parent_comment_id", "creator_hash", "creator_nickname"].sort(),
    );
    const firstRoot = ksCommentId(ksSearchPhotoId(k, 0), 0);
    expect(ks.apiRequests(REPLIES).filter((request) => ks.bodyOf(request).rootCommentId === firstRoot).map((request) => ks.bodyOf(request).pcursor)).toEqual(["", "3"]);
    expect(ks.apiRequests(SEARCH)).toHaveLength(1);
  });

  it("reads top-level comments only without enable_sub_comments, scrolling the comment pane for the next page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "旅行", max_notes_count: 1, enable_comments: true, max_comments_count: 25 }));

    expect(ofType(items, "comment")).toHaveLength(25);
    expect(ofType(items, "comment").filter((item) => item.data.parent_comment_id !== null)).toHaveLength(0);
    expect(ks.apiRequests(REPLIES)).toHaveLength(0);
    expect(ks.apiRequests(COMMENTS).map((request) => ks.bodyOf(request).pcursor)).toEqual(["", "20"]);
  });
});

describe("ks detail", () => {
  it("crawls ids and URLs with their comments, and stores a deleted video as a failed item", async () => {
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: ["3xdetail0001", "https://www.kuaishou.com/short-video/3xdetail0002?authorId=3xabc&streamSource=search", KS_DATA.deletedPhotoId], enable_comments: true, max_comments_count: 4 }),
    );

    const videos = ofType(items, "content");
    expect(videos.map((item) => [item.data.video_id, item.ok])).toEqual([["3xdetail0001", true], ["3xdetail0002", true], [KS_DATA.deletedPhotoId, false]]);
    expect(videos[2]?.data.error).toMatchObject({ code: "POST_UNAVAILABLE" });
    expect(ofType(items, "comment").filter((item) => item.data.video_id === "3xdetail0002")).toHaveLength(4);
  });
});

describe("ks creator", () => {
  it("stores the creator's profile and scrolls their videos up to max_notes_count", async () => {
    const { items } = await run(task({ crawler_type: "creator", creator_ids: `https://www.kuaishou.com/profile/${KS_DATA.userId}`, max_notes_count: 22 }));

    const c = ks.creatorIndex(KS_DATA.userId);
    expect(ofType(items, "creator")).toHaveLength(1);
    expect(ofType(items, "creator")[0]?.data).toMatchObject({ follows: 56, fans: 3400 + c, videos_count: KS_DATA.photosTotal });
    expect(ofType(items, "content").map((item) => item.data.video_id)).toEqual(Array.from({ length: 22 }, (_, i) => ksCreatorPhotoId(c, i)));
    expect(ks.apiRequests("graphql:visionProfilePhotoList").map((request) => variablesOf(request).pcursor)).toEqual(["", "1"]);
  });
});

describe("ks refusals", () => {
  it("maps result 109 with an account's cookies to ACCOUNT_EXPIRED", async () => {
    ks.answerWith("login_required");
    const { error } = await failure(task({ crawler_type: "search", keywords: "美食" }));
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "ACCOUNT_EXPIRED", account_id: "acct-ks-1" });
  });

  it("maps GraphQL result 400002 to RISK_CONTROL, after the items already read", async () => {
    ks.answerWith("risk_control", { afterRequests: 1 });
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "美食", max_notes_count: 30 }));
    expect(items).toHaveLength(20);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/400002/);
  });

  it("maps the comment endpoint's result 2001 to RISK_CONTROL", async () => {
    // The detail and the first comment page pass; the scrolled comment page is refused.
    ks.answerWith("risk_control", { afterRequests: 2 });
    const { error } = await failure(task({ crawler_type: "detail", specified_ids: "3xdetail0003", enable_comments: true, max_comments_count: 25 }));
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
});
