/**
 * 抖音 end to end against the local stand-in of its web app (tests/fixtures/dy), in real
 * Chromium, through crawlMedia: the crawler opens pages, scrolls lists and clicks
 * "展开N条回复"; the stand-in's own script signs (a_bogus) and calls the API; the crawler
 * reads the answers as they go by. MEDIA_DELAY_SCALE=0 (vitest.config.ts) drops the pauses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dyPlatform, dyTaskInput } from "../../core/platforms/dy/index.js";
import { PlatformAccessError, type CrawlAccount } from "../../core/platforms/media/index.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { DY_DATA, dyCommentId, dyCreatorAwemeId, dySearchAwemeId } from "../fixtures/dy/data.js";
import { startDyStandIn, type DyStandIn } from "../fixtures/dy/server.js";
import { mediaHarness, ofType } from "../support/mediaHarness.js";

let dy: DyStandIn;

const ACCOUNT: CrawlAccount = {
  account_id: "acct-dy-1",
  platform: "dy",
  cookies: [
    { name: "sessionid", value: "dy-stand-in-session", domain: ".douyin.com", httpOnly: true, secure: true },
    { name: "LOGIN_STATUS", value: "1", domain: ".douyin.com" },
  ],
};

const SEARCH = "/aweme/v1/web/general/search/single/";
const COMMENTS = "/aweme/v1/web/comment/list/";
const REPLIES = "/aweme/v1/web/comment/list/reply/";

const { task, run, failure, pointBaseUrls } = mediaHarness({ platform: dyPlatform, schema: dyTaskInput, account: ACCOUNT });

beforeAll(async () => {
  dy = await startDyStandIn();
  pointBaseUrls({ WWW: dy.baseUrl });
});

afterAll(() => dy?.close());

beforeEach(() => {
  dy.requests.length = 0;
  dy.answerWith("ok");
});

const replies = (items: ResultItem[]) => ofType(items, "comment").filter((item) => item.data.parent_comment_id !== null);

describe("dy search", () => {
  it("scrolls the result list until max_notes_count posts, with the README's fields and the sort the task asked for", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 20, sort: "most_liked", publish_time: 7 }));

    const k = dy.keywordIndex("咖啡");
    expect(items.map((item) => item.data.aweme_id)).toEqual(Array.from({ length: 20 }, (_, i) => dySearchAwemeId(k, i)));
    expect(items[0]?.item_key).toBe(`dy:content:${dySearchAwemeId(k, 0)}`);
    expect(Object.keys(items[0]?.data ?? {}).sort()).toEqual(
      [
        "item_type", "platform", "crawled_at", "aweme_id", "aweme_type", "title", "desc", "create_time", "liked_count", "collected_count",
        "comment_count", "share_count", "aweme_url", "cover_url", "video_download_url", "note_download_url", "source_keyword",
        "creator_hash", "creator_nickname",
      ].sort(),
    );
    expect(items[0]?.data).toMatchObject({ source_keyword: "咖啡", comment_count: DY_DATA.commentTotal, aweme_url: `${dy.baseUrl}/video/${dySearchAwemeId(k, 0)}` });
    expect(items[6]?.data.aweme_id).toBe(dySearchAwemeId(k, 6)); // a collection card's first post
    // Two pages (15 + 15 results) were enough for 20; both signed by the page and carrying the account.
    const searches = dy.apiRequests(SEARCH);
    expect(searches.map((request) => request.query.offset)).toEqual(["0", "15"]);
    expect(searches[0]?.query).toMatchObject({ keyword: "咖啡", count: "15", is_filter_search: "1" });
    expect(JSON.parse(searches[0]?.query.filter_selected ?? "{}")).toEqual({ sort_type: "1", publish_time: "7" });
    for (const request of searches) expect(request.cookies).toMatchObject({ sessionid: "dy-stand-in-session", LOGIN_STATUS: "1" });
    // Comments were not asked for: no post page was opened.
    expect(dy.requests.filter((request) => request.path.startsWith("/video/"))).toHaveLength(0);
  });

  it("starts at start_page, scrolling past the pages before it without storing them", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "茶", start_page: 2, max_notes_count: 3 }));

    const k = dy.keywordIndex("茶");
    expect(items.map((item) => item.data.aweme_id)).toEqual([15, 16, 17].map((i) => dySearchAwemeId(k, i)));
    expect(dy.apiRequests(SEARCH).map((request) => request.query.offset)).toEqual(["0", "15"]);
  });

  it("reads each post's comments and replies (展开N条回复 clicked) up to max_comments_count, then scrolls back to the list", async () => {
    const { items } = await run(
      task({ crawler_type: "search", keywords: "猫", max_notes_count: 2, enable_comments: true, enable_sub_comments: true, max_comments_count: 30 }),
    );

    const k = dy.keywordIndex("猫");
    const posts = ofType(items, "content");
    expect(posts.map((item) => item.data.aweme_id)).toEqual([dySearchAwemeId(k, 0), dySearchAwemeId(k, 1)]);
    for (const post of posts) {
      const awemeId = post.data.aweme_id as string;
      const comments = ofType(items, "comment").filter((item) => item.data.aweme_id === awemeId);
      expect(comments).toHaveLength(30);
      // 12 top-level comments (0-11) and their 18 replies fill the 30: comment 0 has 5 (two clicks), comment 1 has 1, …
      expect(comments.filter((item) => item.data.parent_comment_id === null)).toHaveLength(12);
      const firstReply = comments.find((item) => item.data.parent_comment_id !== null);
      expect(firstReply?.data).toMatchObject({ parent_comment_id: dyCommentId(awemeId, 0), aweme_id: awemeId });
    }
    // Comments follow their post directly.
    expect(items[0]?.data.item_type).toBe("content");
    expect(items[31]?.data.aweme_id).toBe(dySearchAwemeId(k, 1));
    expect(Object.keys(items[1]?.data ?? {}).sort()).toEqual(
      ["item_type", "platform", "crawled_at", "comment_id", "aweme_id", "content", "create_time", "like_count", "sub_comment_count", "parent_comment_id", "pictures", "creator_hash", "creator_nickname"].sort(),
    );
    expect(dy.apiRequests(REPLIES).filter((request) => request.query.comment_id === dyCommentId(dySearchAwemeId(k, 0), 0))).toHaveLength(2);
    // The second post was reached by reopening the list, not by a new search page.
    expect(dy.apiRequests(SEARCH).map((request) => request.query.offset)).toEqual(["0"]);
  });

  it("reads top-level comments only without enable_sub_comments, scrolling the comment pane for the next page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "狗", max_notes_count: 1, enable_comments: true, max_comments_count: 25 }));

    expect(ofType(items, "comment")).toHaveLength(25);
    expect(replies(items)).toHaveLength(0);
    expect(dy.apiRequests(REPLIES)).toHaveLength(0);
    expect(dy.apiRequests(COMMENTS).map((request) => request.query.cursor)).toEqual(["0", "20"]);
  });

  it("resumes from a saved cursor at the page it was on, without storing earlier pages again", async () => {
    const params = task({ crawler_type: "search", keywords: "鱼", max_notes_count: 30 });
    const first = await run(params, { stopAfter: 17 });
    dy.requests.length = 0;
    const second = await run(params, { resumeFrom: first.cursor });

    const k = dy.keywordIndex("鱼");
    expect(first.cursor).toMatchObject({ inputIndex: 0, page: 1, notesDone: 15 });
    expect(second.items.map((item) => item.data.aweme_id)).toEqual(Array.from({ length: 15 }, (_, i) => dySearchAwemeId(k, 15 + i)));
  });
});

describe("dy detail", () => {
  it("crawls ids and URLs with their comments, and stores a deleted post as a failed item", async () => {
    const id = "7300000000000099001";
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [id, `https://www.douyin.com/video/7300000000000099002?previous_page=app`, DY_DATA.deletedAwemeId], enable_comments: true, max_comments_count: 5 }),
    );

    const posts = ofType(items, "content");
    expect(posts.map((item) => [item.data.aweme_id, item.ok])).toEqual([[id, true], ["7300000000000099002", true], [DY_DATA.deletedAwemeId, false]]);
    expect(posts[2]?.data.error).toMatchObject({ code: "POST_UNAVAILABLE" });
    expect(ofType(items, "comment").filter((item) => item.data.aweme_id === id)).toHaveLength(5);
    expect(dy.apiRequests("/aweme/v1/web/aweme/detail/").map((request) => request.query.aweme_id)).toEqual([id, "7300000000000099002", DY_DATA.deletedAwemeId]);
  });
});

describe("dy creator", () => {
  it("stores the creator's profile and scrolls their posts up to max_notes_count", async () => {
    const { items } = await run(task({ crawler_type: "creator", creator_ids: `https://www.douyin.com/user/${DY_DATA.secUserId}?from_tab_name=main`, max_notes_count: 20 }));

    const c = dy.creatorIndex(DY_DATA.secUserId);
    expect(ofType(items, "creator")).toHaveLength(1);
    expect(ofType(items, "creator")[0]?.data).toMatchObject({ follows: 34, fans: 1200 + c, interaction: 56_789, videos_count: DY_DATA.postsTotal });
    expect(ofType(items, "content").map((item) => item.data.aweme_id)).toEqual(Array.from({ length: 20 }, (_, i) => dyCreatorAwemeId(c, i)));
    expect(dy.apiRequests("/aweme/v1/web/aweme/post/").map((request) => request.query.max_cursor)).toHaveLength(2);
  });
});

describe("dy refusals", () => {
  it("maps status_code 8 with an account's cookies to ACCOUNT_EXPIRED", async () => {
    dy.answerWith("login_required");
    const { error } = await failure(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "ACCOUNT_EXPIRED", account_id: "acct-dy-1" });
  });

  it("maps search's verify_check to RISK_CONTROL, after the items already read", async () => {
    dy.answerWith("risk_control", { afterRequests: 1 });
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 30 }));
    expect(items).toHaveLength(15);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/verify_check/);
  });

  it("maps an empty answer (a blocked account) to RISK_CONTROL", async () => {
    // The profile and the first post page pass; the scroll's post page comes back empty.
    dy.answerWith("risk_control", { afterRequests: 2 });
    const { error, items } = await failure(task({ crawler_type: "creator", creator_ids: DY_DATA.secUserId, max_notes_count: 25 }));
    expect(ofType(items, "content")).toHaveLength(18);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/empty or non-JSON answer \(HTTP 200\) from \/aweme\/v1\/web\/aweme\/post\//);
  });

  it("maps a page showing the verify captcha to RISK_CONTROL", async () => {
    dy.answerWith("captcha_page");
    const { error } = await failure(task({ crawler_type: "creator", creator_ids: DY_DATA.secUserId }));
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });
});
