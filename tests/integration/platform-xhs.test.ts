/**
 * xhs end to end against the local stand-in of its web app (tests/fixtures/xhs), in
 * real Chromium, through crawlMedia: the crawler opens pages, the stand-in's own script
 * signs and calls the API, and the crawler reads the answers as they go by.
 * MEDIA_DELAY_SCALE=0 (vitest.config.ts) drops the human-like pauses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { creatorHash, PlatformAccessError, type CrawlAccount, type MediaResumeCursor } from "../../core/platforms/media/index.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { xhsPlatform, xhsTaskInput, type XhsTaskParams } from "../../core/platforms/xhs/index.js";
import { startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { mediaHarness, ofType, type RunOptions } from "../support/mediaHarness.js";

let xhs: XhsStandIn;

const ACCOUNT: CrawlAccount = {
  account_id: "acct-xhs-1",
  platform: "xhs",
  cookies: [
    { name: "web_session", value: "040069b5-stand-in-session", domain: ".xiaohongshu.com", httpOnly: true, secure: true },
    { name: "a1", value: "18f0c0ffee", domain: ".xiaohongshu.com" },
  ],
};

const { task, run, failure, pointBaseUrls } = mediaHarness({ platform: xhsPlatform, schema: xhsTaskInput, account: ACCOUNT });

beforeAll(async () => {
  xhs = await startXhsStandIn();
  pointBaseUrls({ WWW: xhs.baseUrl, API: xhs.apiUrl });
});

afterAll(() => xhs?.close());

beforeEach(() => {
  xhs.requests.length = 0;
  xhs.options.requireLogin = true;
  xhs.options.riskControl = false;
});

const ids = (items: ResultItem[], field: string) => items.map((item) => item.data[field]);
/** Keys only the privacy opt-in may store. */
const IDENTITY_KEYS = ["user_id", "nickname", "avatar", "ip_location"];

/** Refused runs: the PlatformAccessError the crawl threw and the items it yielded before. */
async function refused(params: XhsTaskParams, options: RunOptions = {}): Promise<{ error: PlatformAccessError; items: ResultItem[] }> {
  const { error, items } = await failure(params, options);
  expect(error).toBeInstanceOf(PlatformAccessError);
  return { error: error as PlatformAccessError, items };
}

describe("xhs search", () => {
  it("collects min(max_notes_count, available) notes per keyword with the issue's fields", async () => {
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
    expect(first.note_url).toBe(`${xhs.baseUrl}/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}&xsec_source=pc_search`);
    expect(Date.parse(first.crawled_at as string)).not.toBeNaN();
    expect(notes[0]?.item_key).toBe(`xhs:content:${note.note_id}`);
    // Two pages of 20 were needed, not the third; no comments were asked for.
    expect(xhs.apiCalls("/api/sns/web/v1/search/notes").map((call) => call.body?.page)).toEqual([1, 2]);
    expect(ofType(items, "comment")).toHaveLength(0);
  });

  it("stops at what is available, skips suggestion blocks, and keeps each keyword apart", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: ["抹茶"], max_notes_count: 60 }));

    expect(ids(ofType(items, "content"), "note_id")).toEqual(xhs.data.notesFor("抹茶").map((note) => note.note_id));
    expect(xhs.apiCalls("/api/sns/web/v1/search/notes").map((call) => call.body?.page)).toEqual([1, 2, 3]);
  });

  it("applies the sort in the page and caps each keyword", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡,茶", sort: "popularity_descending", max_notes_count: 4 }));

    const notes = ofType(items, "content");
    const expected = ["咖啡", "茶"].flatMap((keyword) => xhs.data.notesFor(keyword, "popularity_descending").slice(0, 4).map((note) => [keyword, note.note_id]));
    expect(notes.map((item) => [item.data.source_keyword, item.data.note_id])).toEqual(expected);
    const sorts = xhs.apiCalls("/api/sns/web/v1/search/notes").map((call) => [call.body?.keyword, call.body?.sort, call.body?.page]);
    expect(sorts).toContainEqual(["茶", "popularity_descending", 1]);
    expect(sorts.filter(([, sort]) => sort === "popularity_descending").map(([, , page]) => page)).toEqual([1, 1]);
  });

  it("sends the account's cookies with every call the app makes, signs nothing itself, and loads no images", async () => {
    await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 2 }));

    const calls = xhs.apiCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.cookies).toMatchObject({ web_session: "040069b5-stand-in-session", a1: "18f0c0ffee" });
      expect(call.signature).toMatch(/^XYW_/); // the page's own script signed it
    }
    expect(xhs.requests.filter((request) => request.path.startsWith("/img/"))).toEqual([]);
  });
});

describe("xhs detail", () => {
  const noteUrlOf = (keyword: string, index: number) => {
    const note = xhs.data.notesFor(keyword)[index]!;
    return { note, url: `https://www.xiaohongshu.com/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}&xsec_source=pc_search` };
  };

  it("reads the note from the page state, with comments and replies up to max_comments_count", async () => {
    const { note, url } = noteUrlOf("面包", 0);
    const { items } = await run(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true, enable_sub_comments: true, max_comments_count: 30 }));

    const [content, ...comments] = items;
    expect(content?.data).toMatchObject({ item_type: "content", note_id: note.note_id, title: note.title, desc: note.desc, liked_count: note.liked_count, video_url: `https://sns-video-bd.xhscdn.com/${note.video_key}`, source_keyword: null, xsec_token: note.xsec_token });
    // Each top-level comment followed by its replies, in the site's order, cut at 30.
    const threads = xhs.data.commentsOf(note.note_id).flatMap((comment) => [comment, ...comment.replies]);
    expect(ids(comments, "comment_id")).toEqual(threads.slice(0, 30).map((comment) => comment.id));
    const [root, firstReply, secondReply] = xhs.data.commentsOf(note.note_id)[0]!.replies.length > 0 ? [xhs.data.commentsOf(note.note_id)[0]!, ...xhs.data.commentsOf(note.note_id)[0]!.replies] : [];
    expect(comments[0]?.data).toMatchObject({ item_type: "comment", comment_id: root!.id, note_id: note.note_id, content: root!.content, create_time: root!.create_time, like_count: root!.like_count, sub_comment_count: "12", pictures: root!.pictures, parent_comment_id: null });
    expect(comments[1]?.data).toMatchObject({ comment_id: firstReply!.id, parent_comment_id: root!.id });
    expect(comments[2]?.data).toMatchObject({ comment_id: secondReply!.id, parent_comment_id: firstReply!.id });
    expect(comments[0]?.item_key).toBe(`xhs:comment:${root!.id}`);
    // Replies 2–11 of the first comment came from two "show more" pages.
    expect(xhs.apiCalls("/api/sns/web/v2/comment/sub/page").filter((call) => call.query.root_comment_id === root!.id).map((call) => call.query.cursor)).toEqual([firstReply!.id, root!.replies[10]!.id]);
  });

  it("pages comments by scrolling the pane, and stores no replies unless asked", async () => {
    const { note, url } = noteUrlOf("面包", 1);
    const { items } = await run(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true, max_comments_count: 22 }));

    const comments = ofType(items, "comment");
    expect(ids(comments, "comment_id")).toEqual(xhs.data.commentsOf(note.note_id).slice(0, 22).map((comment) => comment.id));
    expect(comments.every((item) => item.data.parent_comment_id === null)).toBe(true);
    expect(xhs.apiCalls("/api/sns/web/v2/comment/page").filter((call) => call.query.note_id === note.note_id)).toHaveLength(3);
    expect(xhs.apiCalls("/api/sns/web/v2/comment/sub/page")).toEqual([]);
  });

  it("stores a note the site does not show as a failed item, and caps notes in total", async () => {
    const shown = noteUrlOf("面包", 2);
    const hidden = xhs.data.notesFor("面包")[3]!.note_id; // no xsec_token: the site shows nothing
    const third = noteUrlOf("面包", 4);
    const { items } = await run(task({ crawler_type: "detail", specified_ids: [shown.url, hidden, third.url], max_notes_count: 2 }));

    expect(items.map((item) => [item.data.note_id, item.ok])).toEqual([[shown.note.note_id, true], [hidden, false]]);
    expect(items[1]?.data.error).toMatchObject({ code: "NOTE_UNAVAILABLE" });
    expect(ofType(items, "comment")).toEqual([]);
  });
});

describe("xhs creator", () => {
  it("stores the creator, then their notes across user_posted pages up to max_notes_count", async () => {
    const user = xhs.data.users[0]!;
    const { items } = await run(task({ crawler_type: "creator", creator_ids: [`https://www.xiaohongshu.com/user/profile/${user.user_id}?xsec_token=ABx&xsec_source=pc_note`], max_notes_count: 32 }));

    const [creator, ...notes] = items;
    expect(creator?.data).toMatchObject({ item_type: "creator", desc: null, gender: user.gender, follows: "12", fans: "3400", tag_list: [user.ip_location], creator_hash: creatorHash("xhs", user.user_id), creator_nickname: "小***" });
    expect(creator?.item_key).toBe(`xhs:creator:${creatorHash("xhs", user.user_id)}`);
    expect(ids(notes, "note_id")).toEqual(xhs.data.postsOf(user.user_id).slice(0, 32).map((note) => note.note_id));
    expect(notes[0]?.data.note_url).toContain("xsec_source=pc_user");
    expect(xhs.apiCalls("/api/sns/web/v1/user_posted").map((call) => [call.query.user_id, call.query.xsec_token])).toEqual([[user.user_id, "ABx"], [user.user_id, "ABx"]]);
  });
});

describe("xhs account problems", () => {
  it("fails ACCOUNT_REQUIRED without an account (the site's -101 answer), storing nothing", async () => {
    const { error, items } = await refused(task({ crawler_type: "search", keywords: "咖啡" }), { account: null });

    expect(error.code).toBe("ACCOUNT_REQUIRED");
    expect(error.account_id).toBeUndefined();
    expect(items).toEqual([]);
  });

  it("fails ACCOUNT_EXPIRED with the account's id when the site says the login expired", async () => {
    const expired: CrawlAccount = { ...ACCOUNT, cookies: [{ name: "web_session", value: "expired" }] };
    const note = xhs.data.notesFor("面包")[0]!;
    const url = `https://www.xiaohongshu.com/explore/${note.note_id}?xsec_token=${encodeURIComponent(note.xsec_token)}`;
    const { error } = await refused(task({ crawler_type: "detail", specified_ids: [url], enable_comments: true }), { account: expired });

    expect(error).toMatchObject({ code: "ACCOUNT_EXPIRED", account_id: "acct-xhs-1", platform: "xhs" });
  });

  it("fails RISK_CONTROL on a 461 answer and on a redirect to the captcha page", async () => {
    xhs.options.riskControl = "api";
    const api = await refused(task({ crawler_type: "search", keywords: "咖啡" }));
    expect(api.error).toMatchObject({ code: "RISK_CONTROL", account_id: "acct-xhs-1" });
    // The app also leaves for the captcha page on a 461, like the real one: whichever the crawl sees first is reported.
    expect(api.error.message).toMatch(/461|\/website-login\/captcha/);

    xhs.options.riskControl = "page";
    const page = await refused(task({ crawler_type: "creator", creator_ids: [xhs.data.users[1]!.user_id] }));
    expect(page.error.code).toBe("RISK_CONTROL");
    expect(page.error.url).toContain("/website-login/captcha");
  });
});

describe("xhs privacy", () => {
  it("stores a keyed hash and a masked nickname by default, the same in every run", async () => {
    const params = task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 3, enable_comments: true, max_comments_count: 2 });
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
    expect(second.items.map((item) => item.data.creator_hash)).toEqual(first.items.map((item) => item.data.creator_hash));
  });

  it("stores user_id, nickname, avatar and ip_location as shown with keep_user_info", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 1, enable_comments: true, max_comments_count: 1, keep_user_info: true }));

    const note = xhs.data.notesFor("咖啡")[0]!;
    const comment = xhs.data.commentsOf(note.note_id)[0]!;
    expect(items[0]?.data).toMatchObject({ user_id: note.user.user_id, nickname: note.user.nickname, avatar: note.user.avatar, ip_location: note.ip_location });
    expect(items[1]?.data).toMatchObject({ user_id: comment.user.user_id, nickname: comment.user.nickname, avatar: comment.user.avatar, ip_location: comment.user.ip_location });
    expect(items[0]?.data).not.toHaveProperty("creator_hash");
  });
});

describe("xhs resume", () => {
  it("resumes from a saved cursor without opening the notes of pages already done", async () => {
    const params = task({ crawler_type: "search", keywords: "咖啡,茶", max_notes_count: 25 });
    const notes = xhs.data.notesFor("咖啡");
    const cut = await run(params, { stopAfter: 22 });
    const cursor = cut.cursor as MediaResumeCursor;
    expect(cursor).toEqual({ inputIndex: 0, page: 2, notesDone: 20 });

    xhs.requests.length = 0;
    const resumed = await run(params, { resumeFrom: JSON.parse(JSON.stringify(cursor)) });
    const coffee = resumed.items.filter((item) => item.data.source_keyword === "咖啡");
    expect(ids(coffee, "note_id")).toEqual(notes.slice(20, 25).map((note) => note.note_id));
    expect(resumed.items.filter((item) => item.data.source_keyword === "茶")).toHaveLength(25);
    // Page 1 was scrolled past, its notes not opened again.
    const opened = new Set(xhs.apiCalls("/api/sns/web/v1/feed").map((call) => call.body?.source_note_id));
    expect(notes.slice(0, 20).some((note) => opened.has(note.note_id))).toBe(false);
  });
});
