import { describe, expect, it } from "vitest";
import { RetryableCrawlError } from "../../core/errors.js";
import { assertDyAnswerOk, assertDyOk, classifyDyResponse } from "../../core/platforms/dy/access.js";
import { assertKsAnswerOk, assertKsOk, classifyKsResponse } from "../../core/platforms/ks/access.js";
import { SiteChangedError } from "../../core/platforms/media/drift.js";
import type { CapturedResponse } from "../../core/platforms/media/types.js";

function answer(path: string, json: unknown, requestBody?: string, status = 200, text?: string): CapturedResponse {
  return {
    url: new URL(`https://www.example.com${path}`),
    method: requestBody === undefined ? "GET" : "POST",
    status,
    json,
    ...(text === undefined ? {} : { text }),
    ...(requestBody === undefined ? {} : { requestBody }),
  };
}

const DY_SEARCH = "/aweme/v1/web/general/search/single/";
const DY_STREAM = "/aweme/v1/web/general/search/stream/";
const verdict = (result: ReturnType<typeof classifyDyResponse>) => (result.ok ? "ok" : result.code);
/** A stream body: bare hex frame-size lines around JSON documents. */
const frames = (...docs: unknown[]) =>
  docs.map((doc) => `${Buffer.byteLength(JSON.stringify(doc)).toString(16)}\r\n${JSON.stringify(doc)}\r\n`).join("") +
  "0\r\n\r\n";

describe("dy classify", () => {
  it.each([
    ["a normal answer", DY_SEARCH, { status_code: 0, data: [{ aweme_info: { aweme_id: "1" } }], has_more: 1 }, "ok"],
    ["an empty search that is really empty", DY_SEARCH, { status_code: 0, data: [], has_more: 0 }, "ok"],
    [
      "status_code 8 用户未登录",
      "/aweme/v1/web/comment/list/",
      { status_code: 8, status_msg: "用户未登录" },
      "ACCOUNT_REQUIRED",
    ],
    [
      "search_nil_type login",
      DY_SEARCH,
      { status_code: 0, data: [], search_nil_info: { search_nil_type: "login" } },
      "ACCOUNT_REQUIRED",
    ],
    [
      "search_nil_item invalid_login",
      DY_SEARCH,
      { status_code: 0, data: [], search_nil_info: { search_nil_type: "login", search_nil_item: "invalid_login" } },
      "ACCOUNT_EXPIRED",
    ],
    [
      "verify_check",
      DY_SEARCH,
      {
        status_code: 0,
        data: [],
        search_nil_info: {
          search_nil_type: "verify_check",
          search_nil_item: "verify_check",
          is_load_more: "first_flush",
        },
      },
      "RISK_CONTROL",
    ],
    ["an empty body", "/aweme/v1/web/aweme/detail/", undefined, "RISK_CONTROL"],
    ["a JSON array", "/aweme/v1/web/aweme/post/", [], "RISK_CONTROL"],
    [
      "another status code (not an access problem)",
      "/aweme/v1/web/aweme/detail/",
      { status_code: 5, status_msg: "服务繁忙" },
      "ok",
    ],
  ])("%s → %s", (_name, path, json, expected) => {
    expect(verdict(classifyDyResponse(answer(path, json)))).toBe(expected);
  });

  it("reads a streamed search page's frames before judging it", () => {
    const stream = (text: string) => verdict(classifyDyResponse(answer(DY_STREAM, undefined, undefined, 200, text)));
    expect(
      stream(
        frames(
          { status_code: 0, data: [{ aweme_info: { aweme_id: "1" } }] },
          { status_code: 0, data: [], has_more: 1, cursor: 1 },
        ),
      ),
    ).toBe("ok");
    expect(stream(frames({ status_code: 8, status_msg: "用户未登录" }))).toBe("ACCOUNT_REQUIRED");
    expect(
      stream(
        frames(
          { status_code: 0, data: [] },
          { status_code: 0, data: [], search_nil_info: { search_nil_type: "verify_check" } },
        ),
      ),
    ).toBe("RISK_CONTROL");
    expect(stream("blocked")).toBe("RISK_CONTROL");
  });

  it("turns a non-zero status_code that is not an access problem into a retryable platform error, before any shape check", () => {
    expect(() => assertDyOk({ status_code: 5, status_msg: "服务繁忙" }, "post detail")).toThrow(RetryableCrawlError);
    expect(() => assertDyOk({ status_code: 0 }, "post detail")).not.toThrow();
    expect(() => assertDyAnswerOk(answer("/aweme/v1/web/aweme/detail/", { status_code: 5 }), "post detail")).toThrow(
      /status_code 5/,
    );
    expect(() =>
      assertDyAnswerOk(answer(DY_STREAM, undefined, undefined, 200, frames({ status_code: 0, data: [] })), "search"),
    ).not.toThrow();
  });
});

describe("ks classify", () => {
  const gql = (operationName: string, data: unknown, errors?: unknown) =>
    answer("/graphql", { data, ...(errors ? { errors } : {}) }, JSON.stringify({ operationName, variables: {} }));
  const rest = (path: string, json: unknown) => answer(path, json, "{}");

  it.each([
    ["a REST search page", rest("/rest/v/search/feed", { result: 1, feeds: [], pcursor: "no_more" }), "ok"],
    ["a REST creator page", rest("/rest/v/profile/feed", { result: 1, feeds: [], pcursor: "no_more" }), "ok"],
    ["result 2 on a list (throttling, MC client.py:150-157)", rest("/rest/v/search/feed", { result: 2 }), "THROTTLED"],
    ["result 2 on comments", rest("/rest/v/photo/comment/list", { result: 2 }), "THROTTLED"],
    ["result 2 on a GraphQL operation", gql("visionProfile", { visionProfile: { result: 2 } }), "THROTTLED"],
    [
      "result 50 (an unsigned list request: not about the account)",
      rest("/rest/v/profile/feed", { result: 50, error_msg: "签名验证失败" }),
      "ok",
    ],
    ["result 109 (login needed)", rest("/rest/v/profile/feed", { result: 109 }), "ACCOUNT_REQUIRED"],
    [
      "GraphQL result 109",
      gql("visionProfilePhotoList", { visionProfilePhotoList: { result: 109 } }),
      "ACCOUNT_REQUIRED",
    ],
    [
      "GraphQL result 400002 (captcha)",
      gql("visionSearchPhoto", { visionSearchPhoto: { result: 400002 } }),
      "RISK_CONTROL",
    ],
    [
      "a GraphQL No Login error",
      gql("visionVideoDetail", { visionVideoDetail: null }, [{ message: "No Login" }]),
      "ACCOUNT_REQUIRED",
    ],
    [
      "a GraphQL error about verification",
      gql("visionVideoDetail", { visionVideoDetail: null }, [{ message: "需要验证 captcha" }]),
      "RISK_CONTROL",
    ],
    [
      "an empty body to a watched operation",
      answer("/graphql", undefined, JSON.stringify({ operationName: "visionVideoDetail" })),
      "RISK_CONTROL",
    ],
    [
      "another operation's refusal (not ours to judge)",
      gql("visionProfileUserList", { visionProfileUserList: { result: 109 } }),
      "ok",
    ],
    [
      "comment list result 2001",
      rest("/rest/v/photo/comment/list", { result: 2001, error_msg: "[2001] antispam need captcha" }),
      "RISK_CONTROL",
    ],
    ["sub list empty body", rest("/rest/v/photo/comment/sublist", undefined), "RISK_CONTROL"],
  ])("%s → %s", (_name, response, expected) => {
    const result = classifyKsResponse(response);
    expect(result.ok ? "ok" : result.code).toBe(expected);
  });

  it("makes result 50 SITE_CHANGED, another result a retryable platform error, and judges results before shapes", () => {
    expect(() => assertKsOk({ result: 1 }, "search: first result page", "/rest/v/search/feed")).not.toThrow();
    expect(() =>
      assertKsOk({ result: 50, error_msg: "签名验证失败" }, "search: first result page", "/rest/v/search/feed"),
    ).toThrow(SiteChangedError);
    expect(() => assertKsOk({ result: 7 }, "comments: page", "/rest/v/photo/comment/list")).toThrow(
      RetryableCrawlError,
    );
    expect(() =>
      assertKsAnswerOk(rest("/rest/v/search/feed", { result: 50 }), "search: first result page", "/rest/v/search/feed"),
    ).toThrow(/result 50/);
    expect(() =>
      assertKsAnswerOk(
        gql("visionSearchPhoto", { visionSearchPhoto: { result: 50 } }),
        "search",
        "/graphql visionSearchPhoto",
        "visionSearchPhoto",
      ),
    ).toThrow(SiteChangedError);
    // No result to judge (a changed body): left to the shape check.
    expect(() =>
      assertKsAnswerOk(rest("/rest/v/search/feed", { photos: [] }), "search", "/rest/v/search/feed"),
    ).not.toThrow();
  });
});
