import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PlatformAccessError } from "../../core/platforms/media/errors.js";
import { zhihuPlatform } from "../../core/platforms/zhihu/index.js";
import { ZHIHU_COMMENT_FIELDS, ZHIHU_CONTENT_FIELDS, ZHIHU_CREATOR_FIELDS } from "../../core/platforms/zhihu/items.js";
import { zhihuTaskInput } from "../../core/platforms/zhihu/schema.js";
import {
  childCountOf,
  CREATOR,
  CREATOR_POSTS,
  commentsOf,
  creatorPosts,
  MISSING_ANSWER,
  PREVIEW_REPLIES,
  rootCommentId,
  rootCountOf,
  searchPosts,
  type StandInPost,
} from "../fixtures/zhihu/data.js";
import { startZhihuStandIn, type ZhihuStandIn } from "../fixtures/zhihu/server.js";
import { ZHIHU_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { detailWithReplies, mediaHarness, ofType, probeStepsOf, shapeStepsOf } from "../support/mediaHarness.js";

// Real Chromium against the stand-in of www.zhihu.com / zhuanlan.zhihu.com
// (tests/fixtures/zhihu); pauses are off (MEDIA_DELAY_SCALE=0 in vitest.config.ts).
// Crawls run without an account unless a test passes one; `attempt` returns the error a
// crawl ends with, after its items.
let zhihu: ZhihuStandIn;

const { task, attempt, pointBaseUrls } = mediaHarness({ platform: zhihuPlatform, schema: zhihuTaskInput });

beforeAll(async () => {
  zhihu = await startZhihuStandIn();
  pointBaseUrls({ WWW: zhihu.baseUrl, ZHUANLAN: zhihu.baseUrl });
});

afterAll(() => zhihu?.close());

beforeEach(() => zhihu.reset());

const offsets = () => zhihu.apiRequests("/api/v4/search_v3").map((request) => Number(request.query.offset));
const urlOf = (post: StandInPost) =>
  post.type === "answer"
    ? `${zhihu.baseUrl}/question/${post.questionId}/answer/${post.id}`
    : post.type === "article"
      ? `${zhihu.baseUrl}/p/${post.id}`
      : `${zhihu.baseUrl}/zvideo/${post.id}`;

describe("zhihu search", () => {
  it("collects answers, articles and videos, scrolling for more results up to max_notes_count", async () => {
    const posts = searchPosts(zhihu.keywordIndex("大模型")).slice(0, 22);

    const { items, error } = await attempt(task({ crawler_type: "search", keywords: "大模型", max_notes_count: 22 }));

    expect(error).toBeUndefined();
    const contents = ofType(items, "content");
    expect(contents.map((item) => [item.data.content_type, item.data.content_id])).toEqual(
      posts.map((post) => [post.type, post.id]),
    );
    expect(offsets()).toEqual([0, 20]);
    expect(zhihu.apiRequests("/api/v4/search_v3")[0]?.query).toMatchObject({ q: "大模型", t: "general", limit: "20" });
    const [answer, article, video] = contents;
    expect(Object.keys(answer?.data ?? {})).toEqual(
      expect.arrayContaining([...ZHIHU_CONTENT_FIELDS, "creator_hash", "creator_nickname"]),
    );
    expect(answer?.data).toMatchObject({
      content_url: urlOf(posts[0] as StandInPost),
      title: `问题 ${posts[0]?.questionId}`,
      desc: `回答摘要 ${posts[0]?.id}`,
      content_text: `回答正文 ${posts[0]?.id} 第二段 & 结束`,
      question_id: posts[0]?.questionId,
      source_keyword: "大模型",
      user_link: null,
      user_url_token: null,
    });
    expect(answer?.item_key).toBe(`zhihu:content:${posts[0]?.id}`);
    expect(article?.data).toMatchObject({
      content_type: "article",
      content_url: urlOf(posts[1] as StandInPost),
      question_id: null,
      created_time: expect.any(Number),
      updated_time: expect.any(Number),
    });
    expect(video?.data).toMatchObject({
      content_type: "zvideo",
      content_url: urlOf(posts[2] as StandInPost),
      desc: `视频简介 ${posts[2]?.id}`,
    });
  });

  it("passes the sort to the site and scrolls past results before start_page", async () => {
    const reversed = [...searchPosts(zhihu.keywordIndex("芯片"))].reverse();

    const { items, error } = await attempt(
      task({ crawler_type: "search", keywords: ["芯片"], sort: "created_time", start_page: 2, max_notes_count: 3 }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => item.data.content_id)).toEqual(
      reversed.slice(20, 23).map((post) => post.id),
    );
    expect(offsets()).toEqual([0, 20]);
    expect(zhihu.apiRequests("/api/v4/search_v3").every((request) => request.query.sort === "created_time")).toBe(true);
  });

  it("passes the time and type filters through the search page to search_v3", async () => {
    const articles = searchPosts(zhihu.keywordIndex("芯片")).filter((post) => post.type === "article");

    const { items, error } = await attempt(
      task({
        crawler_type: "search",
        keywords: ["芯片"],
        time_interval: "a_month",
        vertical: "article",
        max_notes_count: 3,
      }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => [item.data.content_id, item.data.content_type])).toEqual(
      articles.slice(0, 3).map((post) => [post.id, "article"]),
    );
    const requests = zhihu.apiRequests("/api/v4/search_v3");
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests)
      expect(request.query).toMatchObject({ time_interval: "a_month", vertical: "article", search_source: "Filter" });
  });

  it("reads each result's comments on its own page, then comes back for the next results", async () => {
    const posts = searchPosts(zhihu.keywordIndex("量子")).slice(0, 21);

    const { items, error } = await attempt(
      task({
        crawler_type: "search",
        keywords: "量子",
        max_notes_count: 21,
        enable_comments: true,
        max_comments_count: 1,
      }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content")).toHaveLength(21);
    const withComments = posts.filter((post) => rootCountOf(post.id) > 0);
    expect(ofType(items, "comment").map((item) => item.data.content_id)).toEqual(withComments.map((post) => post.id));
    // The search was reopened and scrolled down to the second page of results.
    expect(offsets()).toEqual([0, 0, 20]);
  });
});

describe("zhihu detail", () => {
  const longPost = searchPosts(0).find((post) => post.type === "answer" && rootCountOf(post.id) === 25) as StandInPost;

  it("pages through root comments and every reply, previews and 查看全部 alike", async () => {
    const { items, error } = await attempt(task(detailWithReplies(urlOf(longPost), 1000)));

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => item.data.content_id)).toEqual([longPost.id]);
    const comments = ofType(items, "comment");
    expect(comments).toHaveLength(commentsOf(longPost.id, true));
    expect(zhihu.apiRequests(/root_comment$/).map((request) => request.query.offset)).toEqual(["", "cursor_20"]);
    const root1 = rootCommentId(longPost.id, 1);
    expect(zhihu.apiRequests(`/api/v4/comment_v5/comment/${root1}/child_comment`)).toHaveLength(2);
    // Root 1's replies go beyond the first child_comment page (20): both pages were read.
    expect(comments.filter((item) => item.data.parent_comment_id === root1)).toHaveLength(childCountOf(1));
    expect(
      zhihu.apiRequests(`/api/v4/comment_v5/comment/${root1}/child_comment`).map((request) => request.query.offset),
    ).toEqual(["", "cursor_20"]);
    // Root 2's two replies were all in its preview: nothing was fetched for them.
    expect(zhihu.apiRequests(/\/child_comment$/).every((request) => request.path.includes(root1))).toBe(true);
    expect(comments.filter((item) => item.data.parent_comment_id === rootCommentId(longPost.id, 2))).toHaveLength(
      PREVIEW_REPLIES,
    );
    const first = comments[0];
    expect(Object.keys(first?.data ?? {})).toEqual(expect.arrayContaining([...ZHIHU_COMMENT_FIELDS]));
    expect(first?.data).toMatchObject({
      comment_id: rootCommentId(longPost.id, 0),
      parent_comment_id: null,
      content_id: longPost.id,
      content_type: "answer",
      content: `评论 ${rootCommentId(longPost.id, 0)}`,
    });
  });

  it("stops at max_comments_count and asks for no replies unless enable_sub_comments", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "detail", specified_ids: [urlOf(longPost)], enable_comments: true, max_comments_count: 15 }),
    );

    expect(error).toBeUndefined();
    const comments = ofType(items, "comment");
    expect(comments).toHaveLength(15);
    expect(comments.every((item) => item.data.parent_comment_id === null)).toBe(true);
    // The first page of 20 held enough: the second is never asked for, nor any replies.
    expect(zhihu.apiRequests(/root_comment$/)).toHaveLength(1);
    expect(zhihu.apiRequests(/\/child_comment$/)).toHaveLength(0);
  });

  it("reads articles and videos, records a missing post as failed, and treats 404 comments as none", async () => {
    const article = searchPosts(0).find((post) => post.type === "article") as StandInPost;
    const video = searchPosts(0).find((post) => post.type === "zvideo" && rootCountOf(post.id) === 0) as StandInPost;
    const missing = `https://www.zhihu.com/question/${MISSING_ANSWER.questionId}/answer/${MISSING_ANSWER.id}`;

    const { items, error } = await attempt(
      task({ crawler_type: "detail", specified_ids: [urlOf(article), missing, urlOf(video)], enable_comments: true }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "content").map((item) => [item.data.content_id, item.ok])).toEqual([
      [article.id, true],
      [MISSING_ANSWER.id, false],
      [video.id, true],
    ]);
    expect(ofType(items, "content")[1]?.data.error).toMatchObject({ code: "CONTENT_UNAVAILABLE" });
    expect(ofType(items, "content")[2]?.data).toMatchObject({
      content_type: "zvideo",
      title: `视频 ${video.id}`,
      voteup_count: expect.any(Number),
    });
    expect(ofType(items, "comment").every((item) => item.data.content_id === article.id)).toBe(true);
    expect(ofType(items, "comment")).toHaveLength(rootCountOf(article.id));
  });
});

describe("zhihu creator", () => {
  it("gives the creator, then answers, articles and videos page by page up to max_notes_count", async () => {
    const { items, error } = await attempt(
      task({
        crawler_type: "creator",
        creator_ids: [`https://www.zhihu.com/people/${CREATOR.url_token}`],
        max_notes_count: 28,
      }),
    );

    expect(error).toBeUndefined();
    const expected = [...creatorPosts("answers"), ...creatorPosts("articles")].slice(0, 28);
    expect(ofType(items, "content").map((item) => item.data.content_id)).toEqual(expected.map((post) => post.id));
    expect(
      zhihu
        .apiRequests(/^\/api\/v4\/members\//)
        .map((request) => `${request.path.split("/").pop()}@${request.query.offset}`),
    ).toEqual(["answers@0", "answers@20", "articles@0"]);
    const creators = ofType(items, "creator");
    expect(creators).toHaveLength(1);
    expect(items[0]?.data.item_type).toBe("creator");
    expect(Object.keys(creators[0]?.data ?? {})).toEqual(expect.arrayContaining([...ZHIHU_CREATOR_FIELDS]));
    expect(creators[0]?.data).toMatchObject({
      answer_count: CREATOR_POSTS.answers,
      fans: 1234,
      gender: "male",
      creator_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      user_url_token: null,
    });
  });

  it("takes the creator's user id (what stored items carry as user_id) as well as the url_token", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "creator", creator_ids: [CREATOR.id], max_notes_count: 2, keep_user_info: true }),
    );

    expect(error).toBeUndefined();
    expect(ofType(items, "creator")[0]?.data).toMatchObject({ user_id: CREATOR.id, user_url_token: CREATOR.url_token });
    expect(ofType(items, "content").map((item) => item.data.content_id)).toEqual(
      creatorPosts("answers")
        .slice(0, 2)
        .map((post) => post.id),
    );
  });

  it("resumes at the profile tab and page its cursor names", async () => {
    const { items, error } = await attempt(
      task({ crawler_type: "creator", creator_ids: [CREATOR.url_token], max_notes_count: 30 }),
      { resumeFrom: { inputIndex: 0, page: "1:1", notesDone: 25 } },
    );

    expect(error).toBeUndefined();
    expect(items.map((item) => item.data.content_id)).toEqual(creatorPosts("articles").map((post) => post.id));
    expect(zhihu.apiRequests(/^\/api\/v4\/members\//).map((request) => request.path.split("/").pop())).toEqual([
      "articles",
    ]);
  });
});

describe("zhihu creators' identity", () => {
  it("keeps ids, names, avatars, IP locations and profile links only with keep_user_info", async () => {
    const post = searchPosts(0).find((candidate) => rootCountOf(candidate.id) === 3) as StandInPost;
    const fields = {
      crawler_type: "detail",
      specified_ids: [urlOf(post)],
      enable_comments: true,
      max_comments_count: 1,
    };

    const hidden = ofType((await attempt(task(fields))).items, "comment")[0]?.data;
    const kept = ofType((await attempt(task({ ...fields, keep_user_info: true }))).items, "comment")[0]?.data;

    expect(hidden).toMatchObject({
      creator_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      creator_nickname: expect.stringMatching(/^.\*\*\*$/),
      user_link: null,
      user_url_token: null,
    });
    expect(hidden).not.toHaveProperty("ip_location");
    expect(kept).toMatchObject({
      user_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      nickname: expect.any(String),
      ip_location: expect.stringMatching(/^IP 属地/),
      user_url_token: expect.any(String),
    });
    expect(kept?.user_link).toBe(`${zhihu.baseUrl}/people/${kept?.user_url_token}`);
  });
});

describe("zhihu access problems", () => {
  const search = () => task({ crawler_type: "search", keywords: "访问", max_notes_count: 2 });

  it.each([
    // login_required and throttled: platform-contract.test.ts.
    ["risk_control", "RISK_CONTROL"],
    ["captcha_page", "RISK_CONTROL"],
    ["login_page", "ACCOUNT_EXPIRED"],
  ] as const)("maps the site's %s answer to %s, naming the account", async (kind, code) => {
    zhihu.answerWith(kind);

    const { items, error } = await attempt(search(), { account: ACCOUNT });

    expect(items).toHaveLength(0);
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code, platform: "zhihu", account_id: ACCOUNT.account_id });
  });

  it("fails mid-crawl when risk control starts on the comment API, after the items already collected", async () => {
    const post = searchPosts(0).find((candidate) => rootCountOf(candidate.id) === 3) as StandInPost;
    zhihu.answerWith("risk_control", { afterRequests: 0 });

    const { items, error } = await attempt(
      task({ crawler_type: "detail", specified_ids: [urlOf(post)], enable_comments: true }),
      { account: ACCOUNT },
    );

    expect(items.map((item) => item.data.item_type)).toEqual(["content"]);
    expect(error).toMatchObject({ code: "RISK_CONTROL" });
  });
});

describe("zhihu drift", () => {
  const post = () =>
    searchPosts(0).find((candidate) => candidate.type === "answer" && rootCountOf(candidate.id) === 3) as StandInPost;

  it("fails the step with SITE_CHANGED when search_v3's answer changed shape", async () => {
    zhihu.drift("shape");

    const { items, error } = await attempt(task({ crawler_type: "search", keywords: "漂移", max_notes_count: 2 }));

    expect(items).toHaveLength(0);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringMatching(
        /^zhihu search: result page \(\/api\/v4\/search_v3\): the body no longer has the expected shape; seen: data: /,
      ),
    });
  });

  it("fails with SITE_CHANGED when the search page no longer asks search_v3", async () => {
    zhihu.drift("no_request");

    const { error } = await attempt(task({ crawler_type: "search", keywords: "漂移", max_notes_count: 2 }));

    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining(
        "zhihu search: result page (GET /api/v4/search_v3): the page should have made this request",
      ),
    });
  });

  it("fails with SITE_CHANGED naming the selector when the comment button reads otherwise", async () => {
    zhihu.drift("selector");

    const { items, error } = await attempt(
      task({ crawler_type: "detail", specified_ids: [urlOf(post())], enable_comments: true }),
    );

    expect(items.map((item) => item.data.item_type)).toEqual(["content"]);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining(
        `zhihu comments: root comments (selector .ContentItem[name="${post().id}"] button::-p-text(条评论))`,
      ),
    });
  });

  it("fails with SITE_CHANGED when a post's page no longer embeds js-initialData", async () => {
    zhihu.drift("state");

    const { items, error } = await attempt(task({ crawler_type: "detail", specified_ids: [urlOf(post())] }));

    expect(items).toHaveLength(0);
    expect(error).toMatchObject({
      code: "SITE_CHANGED",
      message: expect.stringContaining("zhihu detail: page state (#js-initialData): a JSON body was expected"),
    });
  });
});

describe("zhihu probe", () => {
  it("reports each step, every body matching its shape without warnings, on the unchanged site", async () => {
    const longPost = searchPosts(0).find(
      (candidate) => candidate.type === "answer" && rootCountOf(candidate.id) === 25,
    ) as StandInPost;

    const { items, error } = await attempt(
      task({
        crawler_type: "detail",
        specified_ids: [urlOf(longPost)],
        enable_comments: true,
        enable_sub_comments: true,
        max_comments_count: 30,
        probe: true,
      }),
    );

    expect(error).toBeUndefined();
    const { checked, mismatched } = shapeStepsOf(items);
    expect(checked).toEqual(new Set(["detail: page state", "comments: root comments", "comments: replies"]));
    expect(mismatched).toEqual([]);
    expect(probeStepsOf(items)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "selector",
          step: "comments: replies",
          detail: expect.stringContaining("查看全部"),
        }),
      ]),
    );
  });
});

describe("the zhihu stand-in", () => {
  // A crawler that calls zhihu's API itself, without the page's own x-zse-96, must fail
  // here as it would on the real site.
  it("refuses API calls without the x-zse-96 the page's script computes", async () => {
    const answer = await fetch(`${zhihu.baseUrl}/api/v4/search_v3?q=x&t=general&offset=0&limit=20`, {
      headers: { "x-zse-93": "101_3_3.0", cookie: "d_c0=abc" },
    });

    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ error: { code: 10001 } });
  });
});
