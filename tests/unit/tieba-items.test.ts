import { describe, expect, it } from "vitest";
import type { CapturedResponse } from "../../core/platforms/media/types.js";
import { classifyTiebaResponse } from "../../core/platforms/tieba/access.js";
import {
  contentText,
  fragmentTime,
  mapFloors,
  mapThread,
  replyRowRecord,
  threadRef,
  TIEBA_COMMENT_FIELDS,
  TIEBA_CONTENT_FIELDS,
} from "../../core/platforms/tieba/items.js";
import { tiebaThreadPageShape, type TiebaThreadPageResponse } from "../../core/platforms/tieba/shapes.js";

const BASE = "https://tieba.baidu.com";

/** A page_pc answer as the site gives it: floor 1 is also first_floor, ids as numbers. */
const page: TiebaThreadPageResponse = {
  error_code: 0,
  forum: { id: 52, name: "编程" },
  thread: { id: 9035641283, title: "  求助：\n数组越界 ", reply_num: 3, create_time: 1700000000, author_id: 7 },
  first_floor: {
    id: 150001,
    floor: 1,
    tid: 9035641283,
    author_id: 7,
    time: 1700000001,
    content: [
      { type: 0, text: "正文 " },
      { type: 2, c: "滑稽" },
    ],
  },
  page: { current_page: 1, total_page: 2 },
  post_list: [
    { id: 150001, floor: 1, author_id: 7, time: 1700000001, content: "正文" },
    {
      id: 150002,
      floor: 2,
      author_id: 8,
      time: 1700000100,
      content: [{ type: 0, text: "二楼" }],
      sub_post_number: 3,
      sub_post_list: {
        pid: 150002,
        sub_post_list: [{ id: 16000201, author_id: 7, time: 1700000200, content: [{ type: 0, text: "回复二楼" }] }],
      },
    },
    { id: 150003, floor: 3, author_id: 99, time: 1700000300, content: "三楼" },
  ],
  user_list: [
    { id: 7, name: "louzhu", name_show: "楼主", portrait: "tb.1.aaa?t=1700000000", ip_address: "广东" },
    { id: 8, name: "", name_show: "二楼君", portrait: "tb.1.bbb" },
  ],
};

describe("tieba thread mapper", () => {
  it("maps page_pc's thread to the content fields, with every field present", () => {
    const record = mapThread(page, "编程", { baseUrl: BASE, keepUserInfo: false });

    expect(record).toMatchObject({ item_type: "content", id: "9035641283" });
    expect(Object.keys(record?.fields ?? {}).sort()).toEqual([...TIEBA_CONTENT_FIELDS].sort());
    expect(record?.fields).toEqual({
      note_id: "9035641283",
      title: "求助： 数组越界",
      desc: "正文 [滑稽]",
      note_url: `${BASE}/p/9035641283`,
      publish_time: 1700000001,
      tieba_name: "编程吧",
      tieba_link: `${BASE}/f?kw=%E7%BC%96%E7%A8%8B`,
      total_replay_num: 3,
      total_replay_page: 2,
      source_keyword: "编程",
      user_link: null,
    });
    // Identity goes to the framework (hashed unless keep_user_info), never into fields; the
    // user id is the portrait (without its "?t=" suffix), which creator mode takes back.
    expect(record?.creator).toEqual({
      user_id: "tb.1.aaa",
      nickname: "楼主",
      avatar: "https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/tb.1.aaa",
      ip_location: "广东",
    });
  });

  it("gives the profile link only with keep_user_info", () => {
    expect(mapThread(page, "", { baseUrl: BASE, keepUserInfo: true })?.fields.user_link).toBe(
      `${BASE}/home/main?id=tb.1.aaa`,
    );
  });

  it("has no record for an answer without a thread", () => {
    expect(
      mapThread({ error_code: 0, page: {}, post_list: [] }, "", { baseUrl: BASE, keepUserInfo: false }),
    ).toBeUndefined();
  });

  it("accepts the page as its shape (shapes.ts), and refuses a page without its floors", () => {
    expect(tiebaThreadPageShape.safeParse(page).success).toBe(true);
    const { post_list: _floors, ...withoutFloors } = page;
    expect(tiebaThreadPageShape.safeParse(withoutFloors).success).toBe(false);
  });
});

describe("tieba floor mapper", () => {
  it("maps floors 2… as comments, skipping the thread's own first floor", () => {
    const records = mapFloors(page, "9035641283", false, { baseUrl: BASE, keepUserInfo: false });

    expect(records.map((record) => record.id)).toEqual(["150002", "150003"]);
    expect(Object.keys(records[0]?.fields ?? {}).sort()).toEqual([...TIEBA_COMMENT_FIELDS].sort());
    expect(records[0]?.fields).toMatchObject({
      parent_comment_id: null,
      content: "二楼",
      sub_comment_count: 3,
      note_id: "9035641283",
      tieba_id: "52",
      tieba_name: "编程吧",
    });
    expect(records[0]?.parentId).toBeUndefined();
    // An author missing from user_list: no creator rather than a wrong one.
    expect(records[1]?.creator).toBeUndefined();
  });

  it("puts each floor's carried replies right after it, naming the floor", () => {
    const records = mapFloors(page, "9035641283", true, { baseUrl: BASE, keepUserInfo: false });

    expect(records.map((record) => record.id)).toEqual(["150002", "16000201", "150003"]);
    expect(records[1]).toMatchObject({
      parentId: "150002",
      fields: { parent_comment_id: "150002", content: "回复二楼", sub_comment_count: 0 },
    });
  });

  it("maps a /p/comment reply row to a reply of its floor, its time read as Beijing time", () => {
    const thread = threadRef(page, "9035641283", BASE);
    const row = {
      field: { spid: 150726504693, showname: "可爱的搬运工94", user_name: "u94", portrait: "tb.1.f1b47a84.Rixjf6fMP" },
      content: "  陈芋汐水花也不小  ",
      time: "2024-8-6 22:12",
    };

    const record = replyRowRecord(row, "150002", thread, { baseUrl: BASE, keepUserInfo: true });

    expect(Object.keys(record.fields).sort()).toEqual([...TIEBA_COMMENT_FIELDS].sort());
    expect(record).toMatchObject({
      id: "150726504693",
      parentId: "150002",
      fields: {
        parent_comment_id: "150002",
        content: "陈芋汐水花也不小",
        publish_time: Date.UTC(2024, 7, 6, 14, 12) / 1000,
        tieba_id: "52",
        user_link: `${BASE}/home/main?id=tb.1.f1b47a84.Rixjf6fMP`,
      },
      creator: { user_id: "tb.1.f1b47a84.Rixjf6fMP", nickname: "可爱的搬运工94" },
    });
    expect(fragmentTime("昨天 12:00")).toBeNull();
  });

  it("joins rich text parts and collapses whitespace", () => {
    expect(
      contentText([
        { type: 0, text: "a\n\n b" },
        { type: 3, src: "x.jpg" },
        { type: 2, c: "哈哈" },
      ]),
    ).toBe("a b[哈哈]");
    expect(contentText(undefined)).toBe("");
  });
});

describe("tieba response verdicts", () => {
  const answer = (json: unknown, status = 200): CapturedResponse => ({
    url: new URL(`${BASE}/c/f/pb/page_pc`),
    method: "POST",
    status,
    json,
  });

  it.each([
    [{ error_code: 0 }, 200, true],
    [{ no: 0, error: "success" }, 200, true],
    [{ error_code: 4, error_msg: "贴子已被删除" }, 200, true],
    [{ error_code: "1", error_msg: "用户未登录" }, 200, "ACCOUNT_REQUIRED"],
    [{ no: 12, error: "请登录后再操作" }, 200, "ACCOUNT_REQUIRED"],
    [{ error_code: 220034, error_msg: "您的操作太频繁了！" }, 200, "THROTTLED"],
    [undefined, 429, "THROTTLED"],
    [{ error_code: 2150040, error_msg: "need vcode" }, 200, "RISK_CONTROL"],
    [{ error_code: 340011, error_msg: "请完成安全验证" }, 200, "RISK_CONTROL"],
    [undefined, 403, "ACCOUNT_REQUIRED"],
    [undefined, 200, true],
  ] as const)("%j (HTTP %i) → %s", (json, status, expected) => {
    const verdict = classifyTiebaResponse(answer(json, status));
    if (expected === true) expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });

  it('reads a /p/comment answer that ended on Baidu\'s captcha or login, or said "blocked"', () => {
    const at = (url: string, text?: string): CapturedResponse => ({
      url: new URL(url),
      method: "GET",
      status: 200,
      json: undefined,
      ...(text !== undefined ? { text } : {}),
    });
    expect(classifyTiebaResponse(at("https://wappass.baidu.com/static/captcha/tuxing.html?ak=1"))).toMatchObject({
      code: "RISK_CONTROL",
    });
    expect(classifyTiebaResponse(at("https://passport.baidu.com/v2/?login&u=x"))).toMatchObject({
      code: "ACCOUNT_REQUIRED",
    });
    expect(classifyTiebaResponse(at(`${BASE}/p/comment?tid=1`, "blocked"))).toMatchObject({ code: "RISK_CONTROL" });
    expect(classifyTiebaResponse(at(`${BASE}/p/comment?tid=1`, '<li class="lzl_single_post"></li>'))).toEqual({
      ok: true,
    });
  });
});
