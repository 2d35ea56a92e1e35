/**
 * xhs end to end against the local stand-in of its web app (tests/fixtures/xhs), in real
 * Chromium, through crawlMedia. The stand-in's pages make their own first requests (the
 * search page's first results) and keep their first data in page state (note, profile);
 * every other request is the crawler's call from inside the page, which only gets through
 * when the page's own window._webmsxyw signed it. MEDIA_DELAY_SCALE=0 (vitest.config.ts)
 * drops the human-like pauses and the throttling back-off.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  creatorHash,
  PlatformAccessError,
  type CrawlAccount,
  type MediaResumeCursor,
} from "../../core/platforms/media/index.js";
import { isRetryable } from "../../core/errors.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { xhsPlatform, xhsTaskInput, type XhsTaskParams } from "../../core/platforms/xhs/index.js";
import { ENDPOINT, startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { standInSignature } from "../fixtures/xhs/sign.js";
import { XHS_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { detailWithReplies, mediaHarness, ofType, type RunOptions } from "../support/mediaHarness.js";

let xhs: XhsStandIn;

const { task, run, failure, pointBaseUrls } = mediaHarness({
  platform: xhsPlatform,
  schema: xhsTaskInput,
  account: ACCOUNT,
});

beforeAll(async () => {
  xhs = await startXhsStandIn();
  pointBaseUrls({ WWW: xhs.baseUrl, API: xhs.apiUrl, SHORT: `${xhs.baseUrl}/short` });
});

afterAll(() => xhs?.close());

beforeEach(() => xhs.reset());

const ids = (items: ResultItem[], field: string) => items.map((item) => item.data[field]);
/** Keys only the privacy opt-in may store. */
const IDENTITY_KEYS = ["user_id", "nickname", "avatar", "ip_location"];

/** Refused runs: the PlatformAccessError the crawl threw and the items it yielded before. */
async function refused(
  params: XhsTaskParams,
  options: RunOptions = {},
): Promise<{ error: PlatformAccessError; items: ResultItem[] }> {
  const { error, items } = await failure(params, options);
  expect(error).toBeInstanceOf(PlatformAccessError);
  return { error: error as PlatformAccessError, items };
}

const noteUrlOf = (keyword: string, index: number) => {
  const note = xhs.data.notesFor(keyword)[index]!;
  return {
    note,
    url: `https://www.xiaohongshu.com/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}&xsec_source=pc_search`,
  };
};

describe("xhs search", () => {
  it("reads the page's own first result page, calls search/notes for the next, and stores min(max_notes_count, available) notes", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 25 }));

    const notes = ofType(items, "content");
    const expected = xhs.data.notesFor("咖啡").slice(0, 25);
    expect(notes.map((item) => item.data.note_id)).toEqual(expected.map((note) => note.note_id));
    const first = notes[0]?.data ?? {};
    const note = expected[0]!;
    expect(first).toMatchObject({
      item_type: "content",
      platform: "xhs",
      note_id: note.note_id,
      type: "video",
      title: note.title,
      desc: note.desc,
      video_url: `https://sns-video-bd.xhscdn.com/${note.video_key}`,
      time: note.time,
      last_update_time: note.last_update_time,
      liked_count: note.liked_count,
      collected_count: note.collected_count,
      comment_count: note.comment_count,
      share_count: note.share_count,
      image_list: note.image_urls,
      tag_list: ["咖啡"],
      source_keyword: "咖啡",
      xsec_token: note.xsec_token,
    });
    expect(first.note_url).toBe(
      `${xhs.baseUrl}/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}&xsec_source=pc_search`,
    );
    expect(notes[0]?.item_key).toBe(`xhs:content:${note.note_id}`);
    // Page 1 came from the page itself, page 2 from the crawler's call with the page's own body; not page 3.
    const searches = xhs.apiCalls(ENDPOINT.search);
    expect(searches.map((call) => [call.body?.page, call.fromApp])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(searches[1]?.body).toEqual({ ...searches[0]?.body, page: 2 });
    // Each note read by a feed call with the token of the list it was found in.
    const feeds = xhs.apiCalls(ENDPOINT.feed);
    expect(feeds.map((call) => call.body?.source_note_id)).toEqual(expected.map((n) => n.note_id));
    expect(feeds[0]?.body).toMatchObject({ xsec_token: note.xsec_token, xsec_source: "pc_search" });
    expect(ofType(items, "comment")).toHaveLength(0);
  });

  it("stops at what is available, skips suggestion blocks, and keeps each keyword apart", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: ["抹茶"], max_notes_count: 60 }));

    expect(ids(ofType(items, "content"), "note_id")).toEqual(xhs.data.notesFor("抹茶").map((note) => note.note_id));
    expect(xhs.apiCalls(ENDPOINT.search).map((call) => call.body?.page)).toEqual([1, 2, 3]);
  });

  it("picks another sort in the hover filter panel (排序依据 → 最多点赞 / 最新), then pages with the sorted body", async () => {
    const { items } = await run(
      task({ crawler_type: "search", keywords: "咖啡,茶", sort: "popularity_descending", max_notes_count: 22 }),
    );

    const notes = ofType(items, "content");
    const expected = ["咖啡", "茶"].flatMap((keyword) =>
      xhs.data
        .notesFor(keyword, "popularity_descending")
        .slice(0, 22)
        .map((note) => [keyword, note.note_id]),
    );
    expect(notes.map((item) => [item.data.source_keyword, item.data.note_id])).toEqual(expected);
    const sorts = xhs
      .apiCalls(ENDPOINT.search)
      .map((call) => [call.body?.keyword, call.body?.sort, call.body?.page, call.fromApp]);
    expect(sorts).toEqual([
      ["咖啡", "general", 1, true],
      ["咖啡", "popularity_descending", 1, true],
      ["咖啡", "popularity_descending", 2, false],
      ["茶", "general", 1, true],
      ["茶", "popularity_descending", 1, true],
      ["茶", "popularity_descending", 2, false],
    ]);

    xhs.reset();
    const latest = await run(
      task({ crawler_type: "search", keywords: "面包", sort: "time_descending", max_notes_count: 3 }),
    );
    expect(ids(latest.items, "note_id")).toEqual(
      xhs.data
        .notesFor("面包", "time_descending")
        .slice(0, 3)
        .map((note) => note.note_id),
    );
  });

  it("narrows a search to one note type in the panel's 笔记类型 group, after the sort, and pages with both", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "咖啡",
        sort: "time_descending",
        note_type: "image",
        max_notes_count: 22,
      }),
    );

    const imageNotes = xhs.data.notesFor("咖啡", "time_descending", 2);
    expect(imageNotes.length).toBeGreaterThan(20);
    expect(ids(ofType(items, "content"), "note_id")).toEqual(imageNotes.slice(0, 22).map((note) => note.note_id));
    expect(ofType(items, "content").every((item) => item.data.type === "normal")).toBe(true);
    const calls = xhs
      .apiCalls(ENDPOINT.search)
      .map((call) => [call.body?.sort, call.body?.note_type, call.body?.page, call.fromApp]);
    expect(calls).toEqual([
      ["general", 0, 1, true],
      ["time_descending", 0, 1, true],
      ["time_descending", 2, 1, true],
      ["time_descending", 2, 2, false],
    ]);
  });

  it("starts at start_page with a call for that page", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", start_page: 2, max_notes_count: 5 }));

    expect(ids(items, "note_id")).toEqual(
      xhs.data
        .notesFor("咖啡")
        .slice(20, 25)
        .map((note) => note.note_id),
    );
    expect(xhs.apiCalls(ENDPOINT.search).map((call) => call.body?.page)).toEqual([1, 2]);
  });

  it("sends the account's cookies, signs every call with the page's own function, and loads no images", async () => {
    await run(
      task({
        crawler_type: "search",
        keywords: "咖啡",
        max_notes_count: 2,
        enable_comments: true,
        max_comments_count: 2,
      }),
    );

    const calls = xhs.apiCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.cookies).toMatchObject({ web_session: "040069b5-stand-in-session", a1: "18f0c0ffee" });
      expect(call.signed).toBe(true);
    }
    // The crawler's own calls: everything but the page's first result page.
    expect(calls.filter((call) => !call.fromApp).map((call) => call.path)).toEqual([
      ENDPOINT.feed,
      ENDPOINT.comments,
      ENDPOINT.feed,
      ENDPOINT.comments,
    ]);
    expect(xhs.requests.filter((request) => request.path.startsWith("/img/"))).toEqual([]);
  });
});

describe("xhs international edition (rednote.com)", () => {
  it("crawls the edition's own base URLs, with the account's cookies, and never the main site's", async () => {
    // The main site's hosts lead nowhere for this test: a crawl that used them would fail.
    const saved = { www: process.env.XHS_BASE_URL_WWW, api: process.env.XHS_BASE_URL_API };
    process.env.XHS_BASE_URL_WWW = "http://127.0.0.1:9";
    process.env.XHS_BASE_URL_API = "http://127.0.0.1:9";
    process.env.XHS_BASE_URL_INTERNATIONAL_WWW = xhs.baseUrl;
    process.env.XHS_BASE_URL_INTERNATIONAL_API = xhs.apiUrl;
    try {
      const { items } = await run(
        task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 3, international: true }),
      );
      expect(ids(items, "note_id")).toEqual(
        xhs.data
          .notesFor("咖啡")
          .slice(0, 3)
          .map((note) => note.note_id),
      );
      for (const item of items) expect(String(item.data.note_url)).toMatch(new RegExp(`^${xhs.baseUrl}/explore/`));
      const calls = xhs.apiCalls();
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(call.cookies).toMatchObject({ web_session: "040069b5-stand-in-session" });
    } finally {
      process.env.XHS_BASE_URL_WWW = saved.www;
      process.env.XHS_BASE_URL_API = saved.api;
      delete process.env.XHS_BASE_URL_INTERNATIONAL_WWW;
      delete process.env.XHS_BASE_URL_INTERNATIONAL_API;
    }
  });

  it("takes www.rednote.com note URLs, and international: false keeps the main site", () => {
    const note = xhs.data.notesFor("咖啡")[0]!;
    const params = task({
      crawler_type: "detail",
      specified_ids: `https://www.rednote.com/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}`,
      international: true,
    });
    expect(xhsPlatform.editionOf?.(params)).toEqual({
      name: "international",
      baseUrls: { www: "https://www.rednote.com", api: "https://webapi.rednote.com", short: "https://xhslink.com" },
    });
    expect(xhsPlatform.editionOf?.(task({ crawler_type: "search", keywords: "咖啡" }))).toBeUndefined();
  });
});

describe("the stand-in API", () => {
  it("refuses a call that did not go through the page's signing function (HTTP 406, code -1)", async () => {
    const path = `${ENDPOINT.comments}?note_id=${xhs.data.notesFor("咖啡")[0]!.note_id}&cursor=`;
    const cookie = "web_session=s";
    const unsigned = await fetch(`${xhs.apiUrl}${path}`, { headers: { cookie } });
    expect(unsigned.status).toBe(406);
    expect(await unsigned.json()).toEqual({ code: -1, success: false });
    // A signature of another path does not do either.
    const t = String(Date.now());
    const elsewhere = await fetch(`${xhs.apiUrl}${path}`, {
      headers: { cookie, "x-s": standInSignature(ENDPOINT.comments, undefined, t), "x-t": t },
    });
    expect(elsewhere.status).toBe(406);
    const signed = await fetch(`${xhs.apiUrl}${path}`, {
      headers: { cookie, "x-s": standInSignature(path, undefined, t), "x-t": t },
    });
    expect(signed.status).toBe(200);
  });
});

describe("xhs detail", () => {
  it("resolves an xhslink.com share link to the note's URL with its xsec_token, and reads that note", async () => {
    const note = xhs.data.notesFor("分享")[2]!;
    const { items } = await run(
      task({
        crawler_type: "detail",
        specified_ids: ["http://xhslink.com/m/1ZZ7GicPCV0", "https://xhslink.com/o/4fAotv0DtEv"],
      }),
    );

    const notes = ofType(items, "content");
    expect(notes.map((item) => [item.data.note_id, item.ok])).toEqual([
      [note.note_id, true],
      [undefined, false],
    ]);
    expect(notes[0]?.data).toMatchObject({ xsec_token: note.xsec_token, title: note.title });
    expect(notes[1]?.data.error).toMatchObject({ code: "SHORT_LINK_UNRESOLVED" });
  });

  it("reads the note from the page state, with comments and replies beyond the first page of replies", async () => {
    const { note, url } = noteUrlOf("面包", 0);
    const { items } = await run(task(detailWithReplies(url, 30)));

    const [content, ...comments] = items;
    expect(content?.data).toMatchObject({
      item_type: "content",
      note_id: note.note_id,
      title: note.title,
      desc: note.desc,
      liked_count: note.liked_count,
      video_url: `https://sns-video-bd.xhscdn.com/${note.video_key}`,
      source_keyword: null,
      xsec_token: note.xsec_token,
    });
    // Each top-level comment followed by its replies, in the site's order, cut at 30.
    const threads = xhs.data.commentsOf(note.note_id).flatMap((comment) => [comment, ...comment.replies]);
    expect(ids(comments, "comment_id")).toEqual(threads.slice(0, 30).map((comment) => comment.id));
    const root = xhs.data.commentsOf(note.note_id)[0]!;
    const [firstReply, secondReply] = root.replies;
    expect(comments[0]?.data).toMatchObject({
      item_type: "comment",
      comment_id: root.id,
      note_id: note.note_id,
      content: root.content,
      create_time: root.create_time,
      like_count: root.like_count,
      sub_comment_count: "12",
      pictures: root.pictures,
      parent_comment_id: null,
    });
    expect(comments[1]?.data).toMatchObject({ comment_id: firstReply!.id, parent_comment_id: root.id });
    expect(comments[2]?.data).toMatchObject({ comment_id: secondReply!.id, parent_comment_id: firstReply!.id });
    expect(comments[0]?.item_key).toBe(`xhs:comment:${root.id}`);
    // Replies 2–12 of the first comment: two sub/page calls, from the inline cursor on.
    const replyCalls = xhs.apiCalls(ENDPOINT.replies).filter((call) => call.query.root_comment_id === root.id);
    expect(replyCalls.map((call) => [call.query.cursor, call.query.num, call.query.xsec_token, call.fromApp])).toEqual([
      [firstReply!.id, "10", note.xsec_token, false],
      [root.replies[10]!.id, "10", note.xsec_token, false],
    ]);
  });

  it("pages comments by calling comment/page with the last cursor, and stores no replies unless asked", async () => {
    const { note, url } = noteUrlOf("面包", 1);
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [url], enable_comments: true, max_comments_count: 22 }),
    );

    const comments = ofType(items, "comment");
    expect(ids(comments, "comment_id")).toEqual(
      xhs.data
        .commentsOf(note.note_id)
        .slice(0, 22)
        .map((comment) => comment.id),
    );
    expect(comments.every((item) => item.data.parent_comment_id === null)).toBe(true);
    const pages = xhs.apiCalls(ENDPOINT.comments).filter((call) => call.query.note_id === note.note_id);
    expect(pages.map((call) => call.query.cursor)).toEqual([
      "",
      xhs.data.commentsOf(note.note_id)[9]!.id,
      xhs.data.commentsOf(note.note_id)[19]!.id,
    ]);
    expect(pages[0]?.query).toMatchObject({
      top_comment_id: "",
      image_formats: "jpg,webp,avif",
      xsec_token: note.xsec_token,
    });
    expect(xhs.apiCalls(ENDPOINT.replies)).toEqual([]);
  });

  it("stores a note the site does not show as a failed item with the page's notice, and caps notes in total", async () => {
    const shown = noteUrlOf("面包", 2);
    const hidden = xhs.data.notesFor("面包")[3]!.note_id; // no xsec_token: the site shows nothing
    const third = noteUrlOf("面包", 4);
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [shown.url, hidden, third.url], max_notes_count: 2 }),
    );

    expect(items.map((item) => [item.data.note_id, item.ok])).toEqual([
      [shown.note.note_id, true],
      [hidden, false],
    ]);
    expect(items[1]?.data.error).toEqual({
      code: "NOTE_UNAVAILABLE",
      message: `xhs shows no note ${hidden}: 当前笔记暂时无法浏览`,
    });
    expect(ofType(items, "comment")).toEqual([]);
  });
});

describe("xhs notes of a list the feed does not give", () => {
  it("stores a note the feed calls gone (-510001) as a failed item with what the list showed", async () => {
    xhs.force(
      ENDPOINT.feed,
      { status: 200, body: { code: -510001, success: false, msg: "笔记状态异常，请稍后查看", data: {} } },
      1,
    );
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 2 }));

    const [gone, next] = xhs.data.notesFor("咖啡");
    expect(items.map((item) => [item.data.note_id, item.ok])).toEqual([
      [gone!.note_id, false],
      [next!.note_id, true],
    ]);
    expect(items[0]?.data).toMatchObject({
      title: gone!.title,
      liked_count: gone!.liked_count,
      error: { code: "NOTE_UNAVAILABLE", message: "xhs answered -510001 笔记状态异常，请稍后查看" },
    });
  });

  it("reads the note's page when the feed gives no items, then goes on with the list", async () => {
    xhs.force(
      ENDPOINT.feed,
      {
        status: 200,
        body: { code: 0, success: true, msg: "成功", data: { cursor_score: "", items: [], current_time: 1 } },
      },
      1,
    );
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "咖啡",
        max_notes_count: 22,
        enable_comments: true,
        max_comments_count: 1,
      }),
    );

    const expected = xhs.data.notesFor("咖啡").slice(0, 22);
    expect(ids(ofType(items, "content"), "note_id")).toEqual(expected.map((note) => note.note_id));
    expect(ofType(items, "content")[0]?.data).toMatchObject({
      desc: expected[0]!.desc,
      source_keyword: "咖啡",
      note_url: expect.stringContaining("xsec_source=pc_search"),
    });
    expect(ofType(items, "comment")).toHaveLength(22);
    expect(
      xhs.requests.filter((request) => request.origin === "www" && request.path === `/explore/${expected[0]!.note_id}`),
    ).toHaveLength(1);
    // The search went on from the note's page: page 2 was still a signed call.
    expect(xhs.apiCalls(ENDPOINT.search).map((call) => [call.body?.page, call.signed])).toEqual([
      [1, true],
      [2, true],
    ]);
  });
});

describe("xhs creator", () => {
  it("stores the creator, the first notes from the page state, then user_posted pages from the last note's id", async () => {
    const user = xhs.data.users[0]!;
    const { items } = await run(
      task({
        crawler_type: "creator",
        creator_ids: [`https://www.xiaohongshu.com/user/profile/${user.user_id}?xsec_token=ABx&xsec_source=pc_note`],
        max_notes_count: 34,
      }),
    );

    const [creator, ...notes] = items;
    expect(creator?.data).toMatchObject({
      item_type: "creator",
      desc: null,
      gender: user.gender,
      follows: "12",
      fans: "3400",
      tag_list: [user.ip_location],
      creator_hash: creatorHash("xhs", user.user_id),
      creator_nickname: "小***",
    });
    expect(creator?.item_key).toBe(`xhs:creator:${creatorHash("xhs", user.user_id)}`);
    const posts = xhs.data.postsOf(user.user_id);
    expect(ids(notes, "note_id")).toEqual(posts.slice(0, 34).map((note) => note.note_id));
    expect(notes[0]?.data.note_url).toContain("xsec_source=pc_user");
    // No user_posted call for the first 30 (the page state has them); one from the 30th note's id.
    expect(
      xhs
        .apiCalls(ENDPOINT.userPosted)
        .map((call) => [
          call.query.user_id,
          call.query.cursor,
          call.query.xsec_token,
          call.query.xsec_source,
          call.fromApp,
        ]),
    ).toEqual([[user.user_id, posts[29]!.note_id, "ABx", "pc_note", false]]);
    expect(xhs.apiCalls(ENDPOINT.feed)[0]?.body).toMatchObject({
      source_note_id: posts[0]!.note_id,
      xsec_token: posts[0]!.xsec_token,
      xsec_source: "pc_user",
    });
  });

  it("resumes from a saved user_posted cursor without reading the first notes again", async () => {
    const user = xhs.data.users[2]!;
    const posts = xhs.data.postsOf(user.user_id);
    const params = task({ crawler_type: "creator", creator_ids: [user.user_id], max_notes_count: 33 });
    const cut = await run(params, { stopAfter: 32 });
    expect(cut.cursor).toEqual({ inputIndex: 0, page: posts[29]!.note_id, notesDone: 30 });

    xhs.reset();
    const resumed = await run(params, { resumeFrom: JSON.parse(JSON.stringify(cut.cursor)) });
    expect(ids(ofType(resumed.items, "content"), "note_id")).toEqual(posts.slice(30, 33).map((note) => note.note_id));
    expect(xhs.apiCalls(ENDPOINT.userPosted).map((call) => call.query.cursor)).toEqual([posts[29]!.note_id]);
  });
});

describe("xhs access answers", () => {
  it("fails ACCOUNT_EXPIRED with the account's id when the site says the login expired", async () => {
    const expired: CrawlAccount = { ...ACCOUNT, cookies: [{ name: "web_session", value: "expired" }] };
    const { url } = noteUrlOf("面包", 0);
    const { error } = await refused(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true }), {
      account: expired,
    });

    expect(error).toMatchObject({ code: "ACCOUNT_EXPIRED", account_id: "acct-xhs-1", platform: "xhs" });
  });

  it("fails RISK_CONTROL on a 461 answer, on a redirect to the captcha page, and on HTTP 403", async () => {
    xhs.answerWith("risk_control");
    const api = await refused(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(api.error).toMatchObject({ code: "RISK_CONTROL", account_id: "acct-xhs-1" });
    // The app also leaves for the captcha page on a 461, like the real one: whichever the crawl sees first is reported.
    expect(api.error.message).toMatch(/461|\/website-login\/captcha/);

    xhs.answerWith("captcha_page");
    const page = await refused(task({ crawler_type: "creator", creator_ids: [xhs.data.users[1]!.user_id] }));
    expect(page.error.code).toBe("RISK_CONTROL");
    expect(page.error.url).toContain("/website-login/captcha");

    xhs.reset();
    xhs.force(ENDPOINT.feed, { status: 403 }, 1);
    const blocked = await refused(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 1 }));
    expect(blocked.error).toMatchObject({ code: "RISK_CONTROL", message: expect.stringContaining("HTTP 403") });
  });

  it("backs off on HTTP 429 and goes on with the same account", async () => {
    const { note, url } = noteUrlOf("面包", 5);
    xhs.force(ENDPOINT.comments, { status: 429 }, 2);
    const { items } = await run(
      task({ crawler_type: "detail", specified_ids: [url], enable_comments: true, max_comments_count: 3 }),
    );

    expect(ids(ofType(items, "comment"), "comment_id")).toEqual(
      xhs.data
        .commentsOf(note.note_id)
        .slice(0, 3)
        .map((comment) => comment.id),
    );
    expect(xhs.apiCalls(ENDPOINT.comments)).toHaveLength(3);
  });

  it("fails RATE_LIMITED (retryable, not an access problem) when the site keeps saying slow down (429, 300012)", async () => {
    const { url } = noteUrlOf("面包", 6);
    xhs.force(ENDPOINT.comments, { status: 429 }, 100);
    const slow = await failure(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true }));
    expect(slow.error).toMatchObject({ code: "RATE_LIMITED", name: "PlatformThrottledError" });
    expect(isRetryable(slow.error)).toBe(true);
    expect(xhs.apiCalls(ENDPOINT.comments)).toHaveLength(3);
    expect(slow.items.map((item) => item.data.item_type)).toEqual(["content"]);

    xhs.reset();
    xhs.force(
      ENDPOINT.feed,
      { status: 200, body: { code: 300012, success: false, msg: "IP存在风险，请切换可靠网络环境后重试", data: {} } },
      100,
    );
    const blocked = await failure(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 1 }));
    expect(blocked.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("300012") });
  });
});

describe("xhs drift is SITE_CHANGED, naming the step and what was seen", () => {
  it("a changed shape: the search answer lost data.items; a comment lost its id", async () => {
    xhs.drift("search-shape");
    const search = await failure(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(search.error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(
        /^xhs search: first page \(\/api\/sns\/web\/v1\/search\/notes\): the body no longer has the expected shape; seen: data\.items: /,
      ),
    });
    expect(search.items).toEqual([]);

    xhs.drift("comments-shape");
    const { url } = noteUrlOf("面包", 0);
    const comments = await failure(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true }));
    expect(comments.error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(
        /^xhs comments: page \(\/api\/sns\/web\/v2\/comment\/page\): .*seen: data\.comments\.0\.id: /,
      ),
    });
    // The note itself was stored before the drift.
    expect(comments.items.map((item) => item.data.item_type)).toEqual(["content"]);
  });

  it("changed page state: a profile without user.notes, a note page without note.noteDetailMap", async () => {
    xhs.drift("profile-shape");
    const creator = await failure(task({ crawler_type: "creator", creator_ids: [xhs.data.users[3]!.user_id] }));
    expect(creator.error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(
        /^xhs creator: first notes \(window\.__INITIAL_STATE__\.user\.notes\): .*seen: notes: /,
      ),
    });
    expect(creator.items.map((item) => item.data.item_type)).toEqual(["creator"]);

    xhs.drift("note-state");
    const detail = await failure(task({ crawler_type: "detail", specified_ids: [noteUrlOf("面包", 0).url] }));
    expect(detail.error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("xhs note: page state (window.__INITIAL_STATE__.note.noteDetailMap)"),
    });
  });

  it("a missing request: the search page no longer loads its first results", async () => {
    xhs.drift("no-first-request");
    const { error } = await failure(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      name: "NoAnswerError",
      message: expect.stringMatching(
        /^xhs search: first page \(POST \/api\/sns\/web\/v1\/search\/notes\): the page should have made this request; seen: no answer within \d+ ms/,
      ),
    });
  });

  it("a missing selector: no filter button to sort with", async () => {
    xhs.drift("no-filter");
    const { error } = await failure(task({ crawler_type: "search", keywords: "咖啡", sort: "time_descending" }));
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("xhs search: sort (selector div.filter)"),
    });
  });

  it("the page's signing function is gone: the page's own request still works, the crawler's calls fail", async () => {
    xhs.drift("no-signer");
    const { error, items } = await failure(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("the page has no window._webmsxyw"),
    });
    expect(items).toEqual([]);
    expect(xhs.apiCalls().map((call) => [call.path, call.fromApp, call.signed])).toEqual([
      [ENDPOINT.search, true, true],
    ]);
  });
});

describe("xhs privacy", () => {
  it("stores a keyed hash and a masked nickname by default, the same in every run", async () => {
    const params = task({
      crawler_type: "search",
      keywords: "咖啡",
      max_notes_count: 3,
      enable_comments: true,
      max_comments_count: 2,
    });
    const first = await run(params);
    const second = await run(params);

    for (const item of first.items) {
      for (const key of IDENTITY_KEYS) expect(item.data).not.toHaveProperty(key);
      expect(item.data.creator_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(item.data.creator_nickname).toMatch(/^小\*\*\*$/);
      expect(JSON.stringify(item.data)).not.toContain("小红薯");
    }
    const author = xhs.data.notesFor("咖啡")[0]!.user;
    expect(first.items[0]?.data.creator_hash).toBe(creatorHash("xhs", author.user_id));
    expect(second.items.map((item) => item.data.creator_hash)).toEqual(
      first.items.map((item) => item.data.creator_hash),
    );
  });

  it("stores user_id, nickname, avatar and ip_location as shown with keep_user_info", async () => {
    const { items } = await run(
      task({
        crawler_type: "search",
        keywords: "咖啡",
        max_notes_count: 1,
        enable_comments: true,
        max_comments_count: 1,
        keep_user_info: true,
      }),
    );

    const note = xhs.data.notesFor("咖啡")[0]!;
    const comment = xhs.data.commentsOf(note.note_id)[0]!;
    expect(items[0]?.data).toMatchObject({
      user_id: note.user.user_id,
      nickname: note.user.nickname,
      avatar: note.user.avatar,
      ip_location: note.ip_location,
    });
    expect(items[1]?.data).toMatchObject({
      user_id: comment.user.user_id,
      nickname: comment.user.nickname,
      avatar: comment.user.avatar,
      ip_location: comment.user.ip_location,
    });
    expect(items[0]?.data).not.toHaveProperty("creator_hash");
  });
});

describe("xhs resume", () => {
  it("resumes a search from a saved cursor with a call for the saved page, not reading the notes of pages already done", async () => {
    const params = task({ crawler_type: "search", keywords: "咖啡,茶", max_notes_count: 25 });
    const notes = xhs.data.notesFor("咖啡");
    const cut = await run(params, { stopAfter: 22 });
    const cursor = cut.cursor as MediaResumeCursor;
    expect(cursor).toEqual({ inputIndex: 0, page: 2, notesDone: 20 });

    xhs.reset();
    const resumed = await run(params, { resumeFrom: JSON.parse(JSON.stringify(cursor)) });
    const coffee = resumed.items.filter((item) => item.data.source_keyword === "咖啡");
    expect(ids(coffee, "note_id")).toEqual(notes.slice(20, 25).map((note) => note.note_id));
    expect(resumed.items.filter((item) => item.data.source_keyword === "茶")).toHaveLength(25);
    const opened = new Set(xhs.apiCalls(ENDPOINT.feed).map((call) => call.body?.source_note_id));
    expect(notes.slice(0, 20).some((note) => opened.has(note.note_id))).toBe(false);
    expect(
      xhs
        .apiCalls(ENDPOINT.search)
        .filter((call) => call.body?.keyword === "咖啡")
        .map((call) => call.body?.page),
    ).toEqual([1, 2]);
  });
});
