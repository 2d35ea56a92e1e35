import { describe, expect, it } from "vitest";
import type { Page } from "puppeteer-core";
import { classifyXhsPage, classifyXhsResponse } from "../../core/platforms/xhs/access.js";
import type { CapturedResponse } from "../../core/platforms/media/types.js";

/** xhs answers and what they mean for the account (core/platforms/xhs/access.ts cites each). */
describe("xhs access classification", () => {
  const answer = (status: number, json?: unknown): CapturedResponse => ({
    url: new URL("https://edith.xiaohongshu.com/api/sns/web/v1/search/notes"),
    method: "POST",
    status,
    json,
  });

  it.each([
    [461, undefined, "RISK_CONTROL"],
    [471, { code: 0 }, "RISK_CONTROL"],
    [403, undefined, "RISK_CONTROL"],
    [200, { code: 300011, success: false, msg: "当前账号存在异常" }, "RISK_CONTROL"],
    [200, { code: 300015, success: false }, "RISK_CONTROL"],
    [429, undefined, "THROTTLED"],
    [200, { code: 300012, success: false, msg: "IP存在风险" }, "THROTTLED"],
    [200, { code: 300013, success: false, msg: "访问频次异常" }, "THROTTLED"],
    [200, { code: -100, success: false, msg: "登录已过期" }, "ACCOUNT_EXPIRED"],
    [200, { code: -101, success: false, msg: "无登录信息" }, "ACCOUNT_REQUIRED"],
    [401, undefined, "ACCOUNT_REQUIRED"],
  ])("HTTP %i %j → %s", (status, json, code) => {
    expect(classifyXhsResponse(answer(status, json))).toMatchObject({ ok: false, code });
  });

  it("passes successes, post-level failures and refused signatures (those are read where the body is)", () => {
    expect(classifyXhsResponse(answer(200, { code: 0, success: true, data: {} }))).toEqual({ ok: true });
    expect(classifyXhsResponse(answer(200, { code: -510001, success: false, msg: "笔记状态异常" }))).toEqual({
      ok: true,
    });
    expect(classifyXhsResponse(answer(406, { code: -1, success: false }))).toEqual({ ok: true });
  });
});

describe("xhs page classification", () => {
  const page = (url: string) => ({ url: () => url }) as unknown as Page;
  const document = (status: number): CapturedResponse => ({
    url: new URL("https://www.xiaohongshu.com/user/profile/u"),
    method: "GET",
    status,
    json: undefined,
  });

  it("judges where the navigation ended and the document's status", async () => {
    expect(
      await classifyXhsPage(page("https://www.xiaohongshu.com/website-login/captcha?redirectPath=x")),
    ).toMatchObject({ ok: false, code: "RISK_CONTROL" });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/login"))).toMatchObject({
      ok: false,
      code: "ACCOUNT_REQUIRED",
    });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/user/profile/u"), document(403))).toMatchObject({
      ok: false,
      code: "RISK_CONTROL",
    });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/user/profile/u"), document(429))).toMatchObject({
      ok: false,
      code: "THROTTLED",
    });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/user/profile/u"), document(461))).toMatchObject({
      ok: false,
      code: "RISK_CONTROL",
    });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/user/profile/u"), document(404))).toEqual({
      ok: true,
    });
    expect(await classifyXhsPage(page("https://www.xiaohongshu.com/explore/n"), document(200))).toEqual({ ok: true });
  });
});
