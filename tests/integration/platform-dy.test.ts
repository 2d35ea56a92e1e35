/**
 * 抖音 end to end against the local stand-in of its web app (tests/fixtures/dy), in real
 * Chromium, through crawlMedia: the crawler opens the pages, reads the search page's own
 * (streamed) first result page, and calls the API from the page for the rest; the
 * stand-in's security script signs every request leaving the page (msToken, a_bogus),
 * and its API refuses any other. MEDIA_DELAY_SCALE=0 (vitest.config.ts) drops the pauses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dyPlatform, dyTaskInput } from "../../core/platforms/dy/index.js";
import { SiteChangedError } from "../../core/platforms/media/index.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { DY_DATA, dyCommentId, dyCreatorAwemeId, dySearchAwemeId } from "../fixtures/dy/data.js";
import { startDyStandIn, type DyStandIn } from "../fixtures/dy/server.js";
import { DY_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { mediaHarness, ofType, probeStepsOf } from "../support/mediaHarness.js";

let dy: DyStandIn;

const STREAM = "/aweme/v1/web/general/search/stream/";
const SEARCH = "/aweme/v1/web/general/search/single/";
const COMMENTS = "/aweme/v1/web/comment/list/";
const REPLIES = "/aweme/v1/web/comment/list/reply/";
const POSTS = "/aweme/v1/web/aweme/post/";

const { task, run, attempt, failure, pointBaseUrls } = mediaHarness({
  platform: dyPlatform,
  schema: dyTaskInput,
  account: ACCOUNT,
});

beforeAll(async () => {
  dy = await startDyStandIn();
  pointBaseUrls({ WWW: dy.baseUrl, SHORT: `${dy.baseUrl}/short` });
});

afterAll(() => dy?.close());

beforeEach(() => {
  dy.reset();
});

const replies = (items: ResultItem[]) =>
  ofType(items, "comment").filter((item) => item.data.parent_comment_id !== null);
const pagesOpened = (prefix: string) => dy.requests.filter((request) => request.path.startsWith(prefix));

describe("dy search", () => {
  it("reads the page's streamed first page, then calls single/ from the page with its cursor and search_id, with the fields docs/platforms/dy.md lists", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 20 }));

    const k = dy.keywordIndex("咖啡");
    expect(items.map((item) => item.data.aweme_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => dySearchAwemeId(k, i)),
    );
    expect(items[0]?.item_key).toBe(`dy:content:${dySearchAwemeId(k, 0)}`);
    expect(Object.keys(items[0]?.data ?? {}).sort()).toEqual(
      [
        "item_type",
        "platform",
        "crawled_at",
        "aweme_id",
        "aweme_type",
        "title",
        "desc",
        "create_time",
        "liked_count",
        "collected_count",
        "comment_count",
        "share_count",
        "aweme_url",
        "cover_url",
        "video_download_url",
        "music_download_url",
        "note_download_url",
        "source_keyword",
        "creator_hash",
        "creator_nickname",
      ].sort(),
    );
    expect(items[0]?.data).toMatchObject({
      source_keyword: "咖啡",
      comment_count: DY_DATA.commentTotal,
      aweme_url: `${dy.baseUrl}/video/${dySearchAwemeId(k, 0)}`,
      music_download_url: `https://sf6-cdn-tos.douyinstatic.com/obj/ies-music/${dySearchAwemeId(k, 0)}.mp3`,
    });
    // Collection cards contribute their first post.
    expect(items[6]?.data.aweme_id).toBe(dySearchAwemeId(k, 6));
    // Page 1 is the page's own stream; page 2 the crawler's call, chained to page 1.
    expect(dy.apiRequests(STREAM)).toHaveLength(1);
    const next = dy.apiRequests(SEARCH);
    expect(next.map((request) => [request.query.offset, request.query.search_id])).toEqual([
      [String(DY_DATA.streamPageSize), `logid-${k}-${DY_DATA.streamPageSize}`],
    ]);
    // Every API request went through the page, so its security script signed it.
    for (const request of dy.apiRequests()) {
      expect(request.query).toMatchObject({
        device_platform: "webapp",
        aid: "6383",
        msToken: expect.any(String),
        a_bogus: expect.any(String),
      });
      expect(request.cookies).toMatchObject({ sessionid: "dy-stand-in-session" });
    }
    expect(pagesOpened("/video/")).toHaveLength(0);
  });

  it("stops at max_notes_count without loading another page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "茶", max_notes_count: 5 }));

    expect(items).toHaveLength(5);
    expect(dy.apiRequests(STREAM)).toHaveLength(1);
    expect(dy.apiRequests(SEARCH)).toHaveLength(0);
  });

  it("reads the first page from single/ when the page does not stream, with the filters the task asked for", async () => {
    dy.firstSearchPage("single");
    const { items } = await run(
      task({ crawler_type: "search", keywords: "面包", max_notes_count: 20, sort: "most_liked", publish_time: 7 }),
    );

    const k = dy.keywordIndex("面包");
    expect(items.map((item) => item.data.aweme_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => dySearchAwemeId(k, i)),
    );
    expect(dy.apiRequests(STREAM)).toHaveLength(0);
    const pages = dy.apiRequests(SEARCH);
    expect(pages.map((request) => request.query.offset)).toEqual(["0", "15"]);
    for (const request of pages)
      expect(request.query).toMatchObject({
        is_filter_search: "1",
        filter_selected: JSON.stringify({ sort_type: "1", publish_time: "7" }),
      });
    expect(pages[1]?.query.search_id).toBe(`logid-${k}-15`);
  });

  it("reads each post's comments and every reply (beyond the first reply page) by calls from the search page, up to max_comments_count", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "猫",
        max_notes_count: 2,
        enable_comments: true,
        enable_sub_comments: true,
        max_comments_count: 30,
      }),
    );

    const k = dy.keywordIndex("猫");
    const posts = ofType(items, "content");
    expect(posts.map((item) => item.data.aweme_id)).toEqual([dySearchAwemeId(k, 0), dySearchAwemeId(k, 1)]);
    for (const post of posts) {
      const awemeId = post.data.aweme_id as string;
      const comments = ofType(items, "comment").filter((item) => item.data.aweme_id === awemeId);
      // Comment 0 and its 23 replies (two reply pages), comment 1 and its reply, comments 2-5.
      expect(comments).toHaveLength(30);
      expect(comments.filter((item) => item.data.parent_comment_id === null)).toHaveLength(6);
      expect(comments.filter((item) => item.data.parent_comment_id === dyCommentId(awemeId, 0))).toHaveLength(23);
    }
    // Comments follow their post directly.
    expect(items[0]?.data.item_type).toBe("content");
    expect(items[31]?.data.aweme_id).toBe(dySearchAwemeId(k, 1));
    expect(Object.keys(items[1]?.data ?? {}).sort()).toEqual(
      [
        "item_type",
        "platform",
        "crawled_at",
        "comment_id",
        "aweme_id",
        "content",
        "create_time",
        "like_count",
        "sub_comment_count",
        "parent_comment_id",
        "pictures",
        "creator_hash",
        "creator_nickname",
      ].sort(),
    );
    const firstThread = dy
      .apiRequests(REPLIES)
      .filter((request) => request.query.comment_id === dyCommentId(dySearchAwemeId(k, 0), 0));
    expect(firstThread.map((request) => request.query.cursor)).toEqual(["0", "20"]);
    // The list was never left or reopened: no post page, one stream.
    expect(pagesOpened("/video/")).toHaveLength(0);
    expect(pagesOpened("/search/")).toHaveLength(1);
    expect(dy.apiRequests(STREAM)).toHaveLength(1);
  });

  it("reads top-level comments only without enable_sub_comments, page after page", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "狗",
        max_notes_count: 1,
        enable_comments: true,
        max_comments_count: 25,
      }),
    );

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
    expect(first.cursor).toMatchObject({ inputIndex: 0, page: 1, notesDone: DY_DATA.streamPageSize });
    expect(second.items.map((item) => item.data.aweme_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => dySearchAwemeId(k, DY_DATA.streamPageSize + i)),
    );
  });
});

describe("dy detail", () => {
  it("resolves v.douyin.com share links hop by hop, reading the id from the redirect, and stores a dead or refused link as a failed item", async () => {
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: [
          "https://v.douyin.com/iHop2x9a/",
          "https://v.douyin.com/iDead000/",
          "https://v.douyin.com/iMeta0dd/",
        ],
      }),
    );

    const posts = ofType(items, "content");
    expect(
      posts.map((item) => [item.data.aweme_id, item.ok, (item.data.error as { code?: string } | null)?.code]),
    ).toEqual([
      ["7300000000000099003", true, undefined],
      [undefined, false, "SHORT_LINK_UNRESOLVED"],
      [undefined, false, "BLOCKED_TARGET"],
    ]);
    expect(posts[1]?.data.aweme_url).toBe("https://v.douyin.com/iDead000/");
    // Two hops on the short-link host; the iesdouyin.com share page the second names is never fetched.
    expect(dy.requests.filter((request) => request.path.startsWith("/short/")).map((request) => request.path)).toEqual([
      "/short/iHop2x9a/",
      "/short/iRNBho6u/",
      "/short/iDead000/",
      "/short/iMeta0dd/",
    ]);
    expect(pagesOpened("/video/").map((request) => request.path)).toEqual(["/video/7300000000000099003"]);
  });

  it("opens each post's page and calls the detail and comment endpoints from it; a deleted post is a failed item", async () => {
    const id = "7300000000000099001";
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: [
          id,
          `https://www.douyin.com/video/7300000000000099002?previous_page=app`,
          DY_DATA.deletedAwemeId,
        ],
        enable_comments: true,
        max_comments_count: 5,
      }),
    );

    const posts = ofType(items, "content");
    expect(posts.map((item) => [item.data.aweme_id, item.ok])).toEqual([
      [id, true],
      ["7300000000000099002", true],
      [DY_DATA.deletedAwemeId, false],
    ]);
    expect(posts[2]?.data.error).toMatchObject({
      code: "POST_UNAVAILABLE",
      message: expect.stringContaining("已被删除"),
    });
    expect(ofType(items, "comment").filter((item) => item.data.aweme_id === id)).toHaveLength(5);
    expect(dy.apiRequests("/aweme/v1/web/aweme/detail/").map((request) => request.query.aweme_id)).toEqual([
      id,
      "7300000000000099002",
      DY_DATA.deletedAwemeId,
    ]);
    expect(pagesOpened("/video/").map((request) => request.path)).toEqual([
      `/video/${id}`,
      "/video/7300000000000099002",
      `/video/${DY_DATA.deletedAwemeId}`,
    ]);
  });
});

describe("dy creator", () => {
  it("calls the profile and the post list from the profile page, by max_cursor, up to max_notes_count", async () => {
    const { items } = await run(
      task({
        crawler_type: "creator",
        creator_ids: `https://www.douyin.com/user/${DY_DATA.secUserId}?from_tab_name=main`,
        max_notes_count: 20,
        keep_user_info: true,
      }),
    );

    const c = dy.creatorIndex(DY_DATA.secUserId);
    const creators = ofType(items, "creator");
    expect(creators).toHaveLength(1);
    expect(creators[0]?.data).toMatchObject({
      follows: 34,
      fans: 1200 + c,
      interaction: 56_789,
      videos_count: DY_DATA.postsTotal,
      user_id: DY_DATA.secUserId,
      ip_location: "四川",
    });
    expect(ofType(items, "content").map((item) => item.data.aweme_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => dyCreatorAwemeId(c, i)),
    );
    // A post's author is stored as the sec_uid creator mode takes.
    expect(ofType(items, "content")[0]?.data.user_id).toBe(DY_DATA.secUserId);
    const pages = dy.apiRequests(POSTS);
    expect(pages.map((request) => request.query.max_cursor)).toHaveLength(2);
    expect(pages[0]?.query.max_cursor).toBe("0");
  });
});

describe("dy refusals", () => {
  it("maps search's verify_check to RISK_CONTROL, after the items already read", async () => {
    dy.answerWith("risk_control", { afterRequests: 1 });
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 30 }));
    expect(items).toHaveLength(DY_DATA.streamPageSize);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(/verify_check/);
  });

  it("maps an empty answer (a blocked account) to RISK_CONTROL", async () => {
    // The profile and the first post page pass; the next post page comes back empty.
    dy.answerWith("risk_control", { afterRequests: 2 });
    const { error, items } = await failure(
      task({ crawler_type: "creator", creator_ids: DY_DATA.secUserId, max_notes_count: 25 }),
    );
    expect(ofType(items, "content")).toHaveLength(18);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
    expect((error as Error).message).toMatch(
      /empty or non-JSON answer \(HTTP 200\) from \/aweme\/v1\/web\/aweme\/post\//,
    );
  });

  it("maps a page showing the verify captcha to RISK_CONTROL", async () => {
    dy.answerWith("captcha_page");
    const { error } = await failure(task({ crawler_type: "creator", creator_ids: DY_DATA.secUserId }));
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });

  it("(the stand-in) refuses API requests that did not go through the page's security script", async () => {
    const path = "/aweme/v1/web/aweme/detail/?device_platform=webapp&aid=6383&aweme_id=7300000000000099001";
    const unsigned = await fetch(`${dy.baseUrl}${path}`);
    expect(await unsigned.text()).toBe("");
    const forged = await fetch(`${dy.baseUrl}${path}&msToken=x&a_bogus=deadbeef`);
    expect(await forged.text()).toBe("");
  });
});

describe("dy drift", () => {
  // A request the page never makes, or an element it no longer has, is waited for this long.
  const quick = { session: { captureTimeoutMs: 1_500, selectorTimeoutMs: 1_500 } };

  it("a changed search shape is SITE_CHANGED naming the step and the endpoint, and the probe records the mismatch", async () => {
    dy.drift("shape");
    const { error, items } = await attempt(task({ crawler_type: "search", keywords: "咖啡", probe: true }), quick);
    expect(error).toBeInstanceOf(SiteChangedError);
    expect((error as Error).message).toMatch(
      /^dy search: first result page \(\/aweme\/v1\/web\/general\/search\/stream\/ \(stream frames\)\): the body no longer has the expected shape; seen: data: /,
    );
    expect(probeStepsOf(items)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "shape", shape: "mismatch", step: "search: first result page" }),
      ]),
    );
  });

  it("a changed comment shape is SITE_CHANGED too, not an empty comment list", async () => {
    dy.drift("shape");
    const { error } = await attempt(
      task({ crawler_type: "detail", specified_ids: "7300000000000099001", enable_comments: true }),
      quick,
    );
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("dy comments: page (/aweme/v1/web/comment/list/)"),
    });
  });

  it("a search page that asks for no results is SITE_CHANGED (the missing request), not an empty search", async () => {
    dy.drift("no_first_page");
    const { error, items } = await attempt(task({ crawler_type: "search", keywords: "咖啡" }), quick);
    expect(items).toHaveLength(0);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("dy search: first result page"),
    });
    expect((error as Error).message).toMatch(/should have made this request; seen: no answer within 1500 ms/);
  });

  it("a page without the app's container is SITE_CHANGED naming the selector", async () => {
    dy.drift("no_app");
    const { error } = await attempt(task({ crawler_type: "creator", creator_ids: DY_DATA.secUserId }), quick);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("dy creator: profile page (selector #douyin-right-container)"),
    });
    expect(dy.apiRequests()).toHaveLength(0);
  });
});
