import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PlatformAccessError, PlatformThrottledError } from "../../core/platforms/media/errors.js";
import { tiebaPlatform } from "../../core/platforms/tieba/index.js";
import { TIEBA_COMMENT_FIELDS, TIEBA_CONTENT_FIELDS } from "../../core/platforms/tieba/items.js";
import { tiebaTaskInput } from "../../core/platforms/tieba/schema.js";
import {
  CREATOR,
  DELETED_THREAD_ID,
  LONG_FLOOR,
  LONG_FLOOR_REPLIES,
  commentsOf,
  creatorThreadIds,
  floorsOf,
  forumIdOf,
  postId,
  searchThreadIds,
  titleOf,
} from "../fixtures/tieba/data.js";
import { signOf } from "../fixtures/tieba/pages.js";
import { startTiebaStandIn, type TiebaStandIn } from "../fixtures/tieba/server.js";
import { TIEBA_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { detailWithReplies, mediaHarness, ofType, probeStepsOf, shapeStepsOf } from "../support/mediaHarness.js";

// Real Chromium against the stand-in of tieba.baidu.com (tests/fixtures/tieba); pauses
// are off (MEDIA_DELAY_SCALE=0 in vitest.config.ts). Crawls run without an account unless
// a test passes one; `attempt` returns the error a crawl ends with, after its items.
let tieba: TiebaStandIn;

const { task, attempt, pointBaseUrls } = mediaHarness({ platform: tiebaPlatform, schema: tiebaTaskInput });

beforeAll(async () => {
  tieba = await startTiebaStandIn();
  pointBaseUrls({ WWW: tieba.baseUrl });
});

afterAll(() => tieba?.close());

beforeEach(() => tieba.reset());

const pns = (path: string) => tieba.apiRequests(path).map((request) => Number(request.params.pn));

describe("tieba forums (tieba_names)", () => {
  it("reads each forum's newest threads from its page's own frs/page_pc answers, after the keywords, max_notes_count per forum", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "search", keywords: ["显卡"], tieba_names: ["原神吧", "显卡"], max_notes_count: 32 }),
    );

    expect(error).toBeUndefined();
    const ids = ofType(items, "content").map((item) => [item.data.note_id, item.data.source_keyword]);
    const forumThreads = (name: string) => searchThreadIds(tieba.keywordIndex(name)).slice(0, 32);
    expect(ids).toEqual([
      ...searchThreadIds(tieba.keywordIndex("显卡"))
        .slice(0, 32)
        .map((id) => [id, "显卡"]),
      ...forumThreads("原神").map((id) => [id, null]),
      ...forumThreads("显卡").map((id) => [id, null]),
    ]);
    // Two pages a forum (30 + 2 of 32), each its page's own signed POST with the tbs it fetched, named without 吧.
    const forums = tieba.apiRequests("/c/f/frs/page_pc").map((request) => [request.params.kw, request.params.pn]);
    expect(forums).toEqual([
      ["原神", "1"],
      ["原神", "2"],
      ["显卡", "1"],
      ["显卡", "2"],
    ]);
    expect(tieba.apiRequests("/c/f/frs/page_pc")[0]?.params).toMatchObject({ rn: "30", sort_type: "-1" });
  });

  it("takes forums without keywords, and refuses them outside search", async () => {
    expect(
      tiebaTaskInput.safeParse({ platform: "tieba", crawler_type: "search", tieba_names: "原神,显卡" }).success,
    ).toBe(true);
    const noInput = tiebaTaskInput.safeParse({ platform: "tieba", crawler_type: "search" });
    expect(noInput.error?.issues[0]?.message).toBe('is required for crawler_type "search" (or tieba_names)');
    const detail = tiebaTaskInput.safeParse({
      platform: "tieba",
      crawler_type: "detail",
      specified_ids: ["1"],
      tieba_names: ["原神"],
    });
    expect(detail.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      'tieba_names: applies only to crawler_type "search"',
    ]);
  });
});

describe("tieba search", () => {
  it("collects threads page by page up to max_notes_count, each from its own thread page", async () => {
    const expected = searchThreadIds(tieba.keywordIndex("编程")).slice(0, 22);

    const { items, error } = await attempt(task({ crawler_type: "search", keywords: "编程", max_notes_count: 22 }));

    expect(error).toBeUndefined();
    const contents = ofType(items, "content");
    expect(contents.map((item) => item.data.note_id)).toEqual(expected);
    expect(ofType(items, "comment")).toHaveLength(0);
    // Two search pages (20 + 2) were enough; the third was never asked for.
    expect(pns("/mo/q/search/multsearch")).toEqual([1, 2]);
    expect(tieba.apiRequests("/mo/q/search/multsearch")[0]?.params).toMatchObject({ word: "编程", st: "1", rn: "20" });
    expect(tieba.apiRequests("/c/f/pb/page_pc").map((request) => request.params.kz)).toEqual(expected);
    const first = contents[0];
    expect(first?.ok).toBe(true);
    expect(Object.keys(first?.data ?? {})).toEqual(
      expect.arrayContaining([
        ...TIEBA_CONTENT_FIELDS,
        "item_type",
        "platform",
        "crawled_at",
        "creator_hash",
        "creator_nickname",
      ]),
    );
    expect(first?.data).toMatchObject({
      item_type: "content",
      platform: "tieba",
      title: titleOf(expected[0] as string),
      tieba_name: "编程吧",
      tieba_link: `${tieba.baseUrl}/f?kw=${encodeURIComponent("编程")}`,
      note_url: `${tieba.baseUrl}/p/${expected[0]}`,
      total_replay_num: floorsOf(expected[0] as string) - 1,
      source_keyword: "编程",
      user_link: null,
    });
    expect(first?.item_key).toBe(`tieba:content:${expected[0]}`);
  });

  it("passes sort and start_page to the site", async () => {
    const reversed = [...searchThreadIds(tieba.keywordIndex("考研"))].reverse();

    const { items, error } = await attempt(
      task({ crawler_type: "search", keywords: ["考研"], sort: "time_ascending", start_page: 2, max_notes_count: 3 }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(reversed.slice(20, 23));
    expect(
      tieba.apiRequests("/mo/q/search/multsearch").map((request) => [request.params.pn, request.params.st]),
    ).toEqual([["2", "0"]]);
  });

  it("resumes at the search page its cursor names, counting the threads done before", async () => {
    const ids = searchThreadIds(tieba.keywordIndex("编程"));
    const first = await attempt(task({ crawler_type: "search", keywords: "编程", max_notes_count: 23 }));
    const saved = first.items[21]?.resumeCursor?.();
    tieba.requests.length = 0;

    const { items, error } = await attempt(task({ crawler_type: "search", keywords: "编程", max_notes_count: 23 }), {
      resumeFrom: saved,
    });

    expect(saved).toEqual({ inputIndex: 0, page: 2, notesDone: 20 });
    expect(error).toBeUndefined();
    expect(items.map((item) => item.data.note_id)).toEqual(ids.slice(20, 23));
    expect(pns("/mo/q/search/multsearch")).toEqual([2]);
  });
});

describe("tieba detail", () => {
  const longThread = searchThreadIds(0).find((id) => floorsOf(id) > 60) as string;

  it("collects every floor page and every reply inside floors (楼中楼), the ones beyond the page's preview from /p/comment", async () => {
    const { items, error } = await attempt(task(detailWithReplies(`https://tieba.baidu.com/p/${longThread}`, 1000)));

    expect(error).toBeUndefined();
    const comments = ofType(items, "comment");
    expect(comments).toHaveLength(commentsOf(longThread, true));
    expect(pns("/c/f/pb/page_pc")).toEqual([1, 2, 3]);
    const floorId = postId(longThread, LONG_FLOOR);
    const floor2 = comments.find((item) => item.data.comment_id === floorId);
    expect(floor2?.data).toMatchObject({
      parent_comment_id: null,
      sub_comment_count: LONG_FLOOR_REPLIES,
      note_id: longThread,
      tieba_id: String(forumIdOf(longThread)),
      tieba_name: "编程吧",
      content: "第2楼 内容",
    });
    const replies = comments.filter((item) => item.data.parent_comment_id === floorId);
    expect(replies.map((item) => item.data.content)).toEqual(
      Array.from({ length: LONG_FLOOR_REPLIES }, (_, index) => `回复 ${LONG_FLOOR}-${index}`),
    );
    expect(Object.keys(replies[0]?.data ?? {})).toEqual(expect.arrayContaining([...TIEBA_COMMENT_FIELDS]));
    expect(replies[0]?.data.publish_time).toEqual(expect.any(Number));
    // Only the floor whose replies go beyond the preview was asked for, page by page, with
    // the thread, the floor and the forum id page_pc gave (MC client.py:546-553).
    expect(tieba.apiRequests("/p/comment").map((request) => request.params)).toEqual(
      [1, 2, 3].map((pn) => ({ tid: longThread, pid: floorId, fid: String(forumIdOf(longThread)), pn: String(pn) })),
    );
    // The thread's own first post is the content, never a comment.
    expect(comments.some((item) => item.data.comment_id === postId(longThread, 1))).toBe(false);
  });

  it("stops asking /p/comment once max_comments_count is reached", async () => {
    const { items, error } = await attempt(task(detailWithReplies(longThread, 12)));

    expect(error).toBeUndefined();
    // Floor 2, then 11 of its replies: the first /p/comment page held 10, the second the 11th.
    expect(ofType(items, "comment")).toHaveLength(12);
    expect(pns("/p/comment")).toEqual([1, 2]);
  });

  it("stops at max_comments_count without opening more pages, and leaves replies out unless asked", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "detail", specified_ids: [longThread], enable_comments: true, max_comments_count: 35 }),
    );

    expect(error).toBeUndefined();
    const comments = ofType(items, "comment");
    expect(comments).toHaveLength(35);
    expect(comments.every((item) => item.data.parent_comment_id === null)).toBe(true);
    // Page 1 holds floors 2–30, page 2 the rest of the 35: page 3 is never opened.
    expect(pns("/c/f/pb/page_pc")).toEqual([1, 2]);
  });

  it("records a deleted thread as a failed item and goes on with the next", async () => {
    const other = searchThreadIds(0)[1] as string;

    const { items, error } = await attempt(task({ crawler_type: "detail", specified_ids: [DELETED_THREAD_ID, other] }));

    expect(error).toBeUndefined();
    expect(items.map((item) => [item.data.note_id, item.ok])).toEqual([
      [DELETED_THREAD_ID, false],
      [other, true],
    ]);
    expect(items[0]?.data.error).toMatchObject({ code: "THREAD_UNAVAILABLE" });
  });
});

describe("tieba creator", () => {
  it("scrolls the profile's feed until max_notes_count threads are in hand", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "creator", creator_ids: [CREATOR.portrait], max_notes_count: 25 }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(creatorThreadIds().slice(0, 25));
    expect(pns("/c/u/feed/myThread")).toEqual([1, 2]);
    expect(tieba.apiRequests("/c/u/feed/myThread")[0]?.params).toMatchObject({ portrait: CREATOR.portrait, un: "" });
  });

  it("stores the creator's own record from the profile's sidebar answer, hashed like the creator's posts", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "creator", creator_ids: [CREATOR.portrait], max_notes_count: 2 }),
    );

    expect(error).toBeUndefined();
    const [creator, ...rest] = ofType(items, "creator");
    expect(rest).toHaveLength(0);
    // Keyed by the hashed portrait: a creator record names no one unless keep_user_info.
    expect(creator?.item_key).toMatch(/^tieba:creator:[0-9a-f]{64}$/);
    expect(creator?.data).toMatchObject({
      item_type: "creator",
      follows: 42,
      fans: 1234,
      registration_duration: "5.2",
      creator_nickname: expect.stringMatching(/^.\*\*\*$/),
    });
    // The same hash as on the creator's own threads: one person, one creator_hash.
    const [firstThread] = ofType(items, "content");
    expect(creator?.data.creator_hash).toBe(firstThread?.data.creator_hash);
    // The page's own request, signed by the page (the stand-in refuses a wrong sign).
    expect(tieba.apiRequests("/c/u/pc/homeSidebarRight")[0]?.params).toMatchObject({
      portrait: CREATOR.portrait,
      subapp_type: "pc",
      _client_type: "20",
    });
  });

  it("takes a profile URL with a user name", async () => {
    const { items, error } = await attempt(
      task({
        crawler_type: "creator",
        creator_ids: [`https://tieba.baidu.com/home/main?un=${CREATOR.name}`],
        max_notes_count: 2,
      }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => item.data.note_id)).toEqual(creatorThreadIds().slice(0, 2));
    expect(tieba.apiRequests("/c/u/feed/myThread")[0]?.params).toMatchObject({ un: CREATOR.name });
  });
});

describe("tieba creators' identity", () => {
  it("keeps user ids, names, avatars, IP locations and profile links only with keep_user_info", async () => {
    const id = searchThreadIds(0)[1] as string;

    const hidden = (await attempt(task({ crawler_type: "detail", specified_ids: [id] }))).items[0]?.data;
    const kept = (await attempt(task({ crawler_type: "detail", specified_ids: [id], keep_user_info: true }))).items[0]
      ?.data;

    expect(hidden).toMatchObject({
      creator_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      creator_nickname: expect.stringMatching(/^.\*\*\*$/),
      user_link: null,
    });
    expect(hidden).not.toHaveProperty("user_id");
    // The user id is the portrait: what creator mode takes back.
    expect(kept).toMatchObject({
      user_id: expect.stringMatching(/^tb\.1\./),
      nickname: expect.any(String),
      ip_location: expect.any(String),
      user_link: expect.stringContaining("/home/main?id=tb.1."),
    });
    expect(kept?.avatar).toMatch(/\/sys\/portrait\/item\/tb\.1\./);
    expect(kept).not.toHaveProperty("creator_hash");
  });
});

describe("tieba access problems", () => {
  const detail = () =>
    task({ crawler_type: "detail", specified_ids: [searchThreadIds(0)[1] as string, searchThreadIds(0)[2] as string] });

  it.each([
    // login_required and throttled: platform-contract.test.ts.
    ["risk_control", "RISK_CONTROL"],
    ["captcha_page", "RISK_CONTROL"],
    ["login_page", "ACCOUNT_EXPIRED"],
  ] as const)("maps the site's %s answer to %s, naming the account", async (kind, code) => {
    tieba.answerWith(kind);

    const { items, error } = await attempt(detail(), { account: ACCOUNT });

    expect(items).toHaveLength(0);
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code, platform: "tieba", account_id: ACCOUNT.account_id });
  });

  const withReplies = () => task(detailWithReplies(searchThreadIds(0).find((id) => floorsOf(id) > 60) as string, 12));

  it("backs off and tries /p/comment again when tieba asks to slow down, on the same account", async () => {
    tieba.answerWith("throttled", { path: "/p/comment", times: 2 });

    const { items, error } = await attempt(withReplies(), { account: ACCOUNT });

    expect(error).toBeUndefined();
    expect(ofType(items, "comment")).toHaveLength(12);
    // Two refused tries of page 1, then pages 1 and 2.
    expect(pns("/p/comment")).toEqual([1, 1, 1, 2]);
  });

  it("ends RATE_LIMITED, not banned, when /p/comment keeps asking to slow down", async () => {
    tieba.answerWith("throttled", { path: "/p/comment" });

    const { error } = await attempt(withReplies(), { account: ACCOUNT });

    expect(error).toBeInstanceOf(PlatformThrottledError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", account_id: ACCOUNT.account_id });
    expect(pns("/p/comment")).toEqual([1, 1, 1]);
  });

  it('reads a "blocked" /p/comment answer as risk control (MC client.py:269-271)', async () => {
    tieba.answerWith("blocked", { path: "/p/comment" });

    const { error } = await attempt(withReplies(), { account: ACCOUNT });

    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "RISK_CONTROL", account_id: ACCOUNT.account_id });
  });

  it("fails mid-crawl when risk control starts, after the items already collected", async () => {
    tieba.answerWith("risk_control", { afterRequests: 1, path: "/c/f/pb/page_pc" });

    const { items, error } = await attempt(detail(), { account: ACCOUNT });

    expect(items.map((item) => item.data.note_id)).toEqual([searchThreadIds(0)[1]]);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });
});

describe("tieba drift", () => {
  const longThread = () => searchThreadIds(0).find((id) => floorsOf(id) > 60) as string;

  it("fails the step with SITE_CHANGED when page_pc's answer changed shape", async () => {
    tieba.drift("shape");

    const { items, error } = await attempt(task({ crawler_type: "detail", specified_ids: [longThread()] }));

    expect(items).toHaveLength(0);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(
        /^tieba detail: thread page \(\/c\/f\/pb\/page_pc\): the body no longer has the expected shape; seen: post_list: /,
      ),
    });
  });

  it("fails with SITE_CHANGED when the thread page no longer asks page_pc", async () => {
    tieba.drift("no_request");

    const { error } = await attempt(task({ crawler_type: "detail", specified_ids: [longThread()] }));

    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining(
        "tieba detail: thread page (POST /c/f/pb/page_pc): the page should have made this request",
      ),
    });
  });

  it("fails with SITE_CHANGED naming the selector when /p/comment's replies are marked up another way", async () => {
    tieba.drift("selector");

    const { items, error } = await attempt(task(detailWithReplies(longThread(), 50)));

    expect(ofType(items, "comment").map((item) => item.data.comment_id)).toEqual([postId(longThread(), LONG_FLOOR)]);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("tieba comments: replies (楼中楼) (selector li.lzl_single_post)"),
    });
  });

  it("stores the probe's steps, the failing one included", async () => {
    tieba.drift("selector");

    const { items } = await attempt(
      task({
        crawler_type: "detail",
        specified_ids: [longThread()],
        enable_comments: true,
        enable_sub_comments: true,
        probe: true,
      }),
    );

    const probe = items.find((item) => item.data.item_type === "probe");
    expect(probe).toMatchObject({
      item_key: "tieba:probe:detail",
      ok: false,
      data: { error: { code: "SITE_CHANGED" } },
    });
    expect(probeStepsOf(items)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "shape", step: "detail: thread page", shape: "ok" }),
        expect.objectContaining({ kind: "call", step: "comments: replies (楼中楼)" }),
        expect.objectContaining({ kind: "selector", detail: "li.lzl_single_post: 0 found" }),
      ]),
    );
  });
});

describe("tieba probe", () => {
  it("reports each step, every body matching its shape without warnings, on the unchanged site", async () => {
    const { items, error } = await attempt(
      task({
        crawler_type: "search",
        keywords: "探针",
        max_notes_count: 1,
        enable_comments: true,
        enable_sub_comments: true,
        max_comments_count: 30,
        probe: true,
      }),
    );

    expect(error).toBeUndefined();
    const { checked, mismatched } = shapeStepsOf(items);
    expect(checked).toEqual(new Set(["search: result page", "detail: thread page", "comments: replies (楼中楼)"]));
    expect(mismatched).toEqual([]);
  });
});

describe("the tieba stand-in", () => {
  // A crawler that calls tieba's API itself, bypassing the page's own code, must fail
  // here as it would on the real site.
  it("refuses JSON calls without the page's sign, page_pc without its tbs, and /p/comment from outside its pages", async () => {
    const id = searchThreadIds(0).find((candidate) => floorsOf(candidate) > 60) as string;
    const unsigned = await fetch(`${tieba.baseUrl}/mo/q/search/multsearch?word=x&pn=1`).then((response) =>
      response.json(),
    );
    const form = new URLSearchParams({ kz: id, pn: "1", subapp_type: "pc", _client_type: "20" });
    form.set("sign", signOf(Object.fromEntries(form)));
    const withoutTbs = await fetch(`${tieba.baseUrl}/c/f/pb/page_pc`, { method: "POST", body: form }).then((response) =>
      response.json(),
    );
    const replies = await fetch(
      `${tieba.baseUrl}/p/comment?tid=${id}&pid=${postId(id, LONG_FLOOR)}&fid=${forumIdOf(id)}&pn=1`,
    );

    expect(unsigned).toMatchObject({ no: 110001 });
    expect(withoutTbs).toMatchObject({ error_code: 230308 });
    expect(replies.status).toBe(400);
  });
});
