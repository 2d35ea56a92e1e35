import { describe, expect, it } from "vitest";
import type { CapturedResponse } from "../../core/platforms/media/types.js";
import { classifyZhihuResponse } from "../../core/platforms/zhihu/access.js";
import {
  htmlToText,
  mapComment,
  mapContent,
  mapCreator,
  ZHIHU_COMMENT_FIELDS,
  ZHIHU_CONTENT_FIELDS,
  ZHIHU_CREATOR_FIELDS,
} from "../../core/platforms/zhihu/items.js";
import { contentFromState, userFromState } from "../../core/platforms/zhihu/items.js";
import {
  zhihuInitialDataShape,
  type ZhihuComment,
  type ZhihuContentObject,
} from "../../core/platforms/zhihu/shapes.js";

const context = {
  baseUrls: { www: "https://www.zhihu.com", zhuanlan: "https://zhuanlan.zhihu.com" },
  keepUserInfo: false,
};
const author = { id: "a1b2", url_token: "kaifulee", name: "李开复", avatar_url: "https://pic1.zhimg.com/x.jpg" };

/** An answer as search_v3 gives it (numeric ids, <em> highlights). */
const answer: ZhihuContentObject = {
  id: 1234567,
  type: "answer",
  excerpt: "大<em>模型</em>是…",
  content: "<p>第一段&nbsp;<b>加粗</b></p><p>&lt;tag&gt; &#x4e2d;&#25991;</p>",
  created_time: 1700000000,
  updated_time: 1700000500,
  voteup_count: 42,
  comment_count: 7,
  question: { id: 19550225, name: "如何看待<em>大模型</em>？" },
  author,
};

describe("zhihu content mapper", () => {
  it("maps an answer to the content fields, with every field present", () => {
    const record = mapContent(answer, "大模型", context);

    expect(record).toMatchObject({
      item_type: "content",
      id: "1234567",
      creator: { user_id: "a1b2", nickname: "李开复", avatar: author.avatar_url },
    });
    expect(Object.keys(record?.fields ?? {}).sort()).toEqual([...ZHIHU_CONTENT_FIELDS].sort());
    expect(record?.fields).toEqual({
      content_id: "1234567",
      content_type: "answer",
      content_url: "https://www.zhihu.com/question/19550225/answer/1234567",
      title: "如何看待大模型？",
      desc: "大模型是…",
      content_text: "第一段 加粗 <tag> 中文",
      created_time: 1700000000,
      updated_time: 1700000500,
      voteup_count: 42,
      comment_count: 7,
      question_id: "19550225",
      source_keyword: "大模型",
      user_link: null,
      user_url_token: null,
    });
  });

  it("maps articles (created / updated) and videos (published_at, description) to the same fields", () => {
    const article = mapContent(
      { id: "9", type: "article", title: "标题", excerpt: "摘要", created: 1, updated: 2, author },
      "",
      context,
    );
    const video = mapContent(
      { id: "8", type: "zvideo", title: "视频", description: "简介", published_at: 3, updated_at: 4 },
      "",
      context,
    );

    expect(article?.fields).toMatchObject({
      content_url: "https://zhuanlan.zhihu.com/p/9",
      created_time: 1,
      updated_time: 2,
      question_id: null,
    });
    expect(video?.fields).toMatchObject({
      content_url: "https://www.zhihu.com/zvideo/8",
      desc: "简介",
      created_time: 3,
      updated_time: 4,
    });
    expect(video?.creator).toBeUndefined();
  });

  it("skips what is not a post, and anonymous authors have no identity", () => {
    expect(mapContent({ id: "1", type: "question" }, "", context)).toBeUndefined();
    expect(mapContent({ ...answer, author: { id: "0", name: "匿名用户" } }, "", context)?.creator).toBeUndefined();
  });

  it("gives url_token and profile link only with keep_user_info", () => {
    expect(mapContent(answer, "", { ...context, keepUserInfo: true })?.fields).toMatchObject({
      user_url_token: "kaifulee",
      user_link: "https://www.zhihu.com/people/kaifulee",
    });
  });
});

describe("zhihu comment mapper", () => {
  const comment: ZhihuComment = {
    id: 11,
    type: "comment",
    content: "<p>说得好</p>",
    created_time: 1700000001,
    author,
    like_count: 5,
    child_comment_count: 3,
    comment_tag: [{ type: "hot" }, { type: "ip_info", text: "IP 属地广东" }],
  };

  it("maps a root comment, its IP location going to the creator", () => {
    const record = mapComment(comment, { id: "1234567", type: "answer" }, null, context);

    expect(Object.keys(record?.fields ?? {}).sort()).toEqual([...ZHIHU_COMMENT_FIELDS].sort());
    expect(record?.fields).toMatchObject({
      comment_id: "11",
      parent_comment_id: null,
      content: "说得好",
      publish_time: 1700000001,
      sub_comment_count: 3,
      like_count: 5,
      dislike_count: 0,
      content_id: "1234567",
      content_type: "answer",
    });
    expect(record?.creator).toEqual({
      user_id: "a1b2",
      nickname: "李开复",
      avatar: author.avatar_url,
      ip_location: "IP 属地广东",
    });
    expect(record?.parentId).toBeUndefined();
  });

  it("names the root comment of a reply", () => {
    const record = mapComment({ ...comment, id: "12" }, { id: "1234567", type: "answer" }, "11", context);
    expect(record).toMatchObject({ parentId: "11", fields: { parent_comment_id: "11", sub_comment_count: 0 } });
  });
});

describe("zhihu page state", () => {
  it("reads a video whose author is a key into users, in the API's shape", () => {
    const state = {
      initialState: {
        entities: {
          users: { kaifulee: { id: "a1b2", urlToken: "kaifulee", name: "李开复", avatarUrl: "a.jpg" } },
          zvideos: {
            "8": { id: "8", type: "zvideo", title: "视频", publishedAt: 3, commentCount: 2, author: "kaifulee" },
          },
        },
      },
    };

    const object = contentFromState(state, { type: "zvideo", id: "8" });

    expect(object).toMatchObject({
      id: "8",
      type: "zvideo",
      published_at: 3,
      comment_count: 2,
      author: { id: "a1b2", url_token: "kaifulee", avatar_url: "a.jpg" },
    });
    expect(contentFromState(state, { type: "article", id: "8" })).toBeUndefined();
    // The state passes its shape (shapes.ts): what the crawler checks before reading it.
    expect(zhihuInitialDataShape.safeParse(state).success).toBe(true);
    expect(zhihuInitialDataShape.safeParse({ initialState: {} }).success).toBe(false);
  });

  it("finds the profile's user by url_token, or by id when the profile was opened by id", () => {
    const state = {
      initialState: { entities: { users: { kaifulee: { id: "a1b2", urlToken: "kaifulee", name: "李开复" } } } },
    };
    expect(userFromState(state, "kaifulee")?.id).toBe("a1b2");
    expect(userFromState(state, "a1b2")?.urlToken).toBe("kaifulee");
    expect(userFromState(state, "someone")).toBeUndefined();
  });

  it("maps the profile's user to a creator record", () => {
    const record = mapCreator(
      { id: "a1b2", urlToken: "kaifulee", name: "李开复", gender: 0, ipInfo: "IP 属地北京", followerCount: 10 },
      context,
    );
    expect(Object.keys(record?.fields ?? {}).sort()).toEqual([...ZHIHU_CREATOR_FIELDS].sort());
    expect(record).toMatchObject({
      item_type: "creator",
      id: "a1b2",
      fields: { gender: "female", fans: 10, follows: null },
      creator: { ip_location: "IP 属地北京" },
    });
  });
});

describe("zhihu response verdicts", () => {
  const answerOf = (status: number, json: unknown): CapturedResponse => ({
    url: new URL("https://www.zhihu.com/api/v4/search_v3"),
    method: "GET",
    status,
    json,
  });

  it.each([
    [200, { data: [] }, true],
    [404, { error: { code: 404, message: "资源不存在" } }, true],
    [401, { error: { code: 100, message: "请求参数异常" } }, "ACCOUNT_REQUIRED"],
    [401, undefined, "ACCOUNT_REQUIRED"],
    [403, { error: { code: 10003, message: "请先登录" } }, "ACCOUNT_REQUIRED"],
    [200, { error: { code: 1, need_login: true } }, "ACCOUNT_REQUIRED"],
    [403, { error: { code: 40362, message: "您当前请求存在异常" } }, "RISK_CONTROL"],
    [403, { error: { code: 1, redirect: "https://www.zhihu.com/account/unhuman?type=unhuman" } }, "RISK_CONTROL"],
    [403, { error: { code: 10001, message: "请求参数异常" } }, "RISK_CONTROL"],
    [403, undefined, "RISK_CONTROL"],
    [429, undefined, "THROTTLED"],
    [403, { error: { code: 10020, message: "请求过于频繁，请稍后再试" } }, "THROTTLED"],
  ] as const)("HTTP %i %j → %s", (status, json, expected) => {
    const verdict = classifyZhihuResponse(answerOf(status, json));
    if (expected === true) expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });
});

describe("zhihu html to text", () => {
  it("drops tags, decodes entities and collapses spaces", () => {
    expect(htmlToText("<p>a</p><p>b&amp;c&quot;&#39;</p><br/>d")).toBe("a b&c\"' d");
    expect(htmlToText(undefined)).toBe("");
  });
});
