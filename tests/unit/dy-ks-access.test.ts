import { describe, expect, it } from "vitest";
import { RetryableCrawlError } from "../../core/errors.js";
import { assertDyOk, classifyDyResponse } from "../../core/platforms/dy/access.js";
import { assertKsRestOk, classifyKsResponse, ksOperationData } from "../../core/platforms/ks/access.js";
import type { CapturedResponse } from "../../core/platforms/media/types.js";

function answer(path: string, json: unknown, requestBody?: string, status = 200): CapturedResponse {
  return { url: new URL(`https://www.example.com${path}`), method: requestBody === undefined ? "GET" : "POST", status, json, ...(requestBody === undefined ? {} : { requestBody }) };
}

const DY_SEARCH = "/aweme/v1/web/general/search/single/";
const verdict = (result: ReturnType<typeof classifyDyResponse>) => (result.ok ? "ok" : result.code);

describe("dy classify", () => {
  it.each([
    ["a normal answer", DY_SEARCH, { status_code: 0, data: [{ aweme_info: { aweme_id: "1" } }], has_more: 1 }, "ok"],
    ["an empty search that is really empty", DY_SEARCH, { status_code: 0, data: [], has_more: 0 }, "ok"],
    ["status_code 8 用户未登录", "/aweme/v1/web/comment/list/", { status_code: 8, status_msg: "用户未登录" }, "ACCOUNT_REQUIRED"],
    ["search_nil_type login", DY_SEARCH, { status_code: 0, data: [], search_nil_info: { search_nil_type: "login" } }, "ACCOUNT_REQUIRED"],
    ["search_nil_item invalid_login", DY_SEARCH, { status_code: 0, data: [], search_nil_info: { search_nil_type: "login", search_nil_item: "invalid_login" } }, "ACCOUNT_EXPIRED"],
    ["verify_check", DY_SEARCH, { status_code: 0, data: [], search_nil_info: { search_nil_type: "verify_check", search_nil_item: "verify_check", is_load_more: "first_flush" } }, "RISK_CONTROL"],
    ["an empty body", "/aweme/v1/web/aweme/detail/", undefined, "RISK_CONTROL"],
    ["a JSON array", "/aweme/v1/web/aweme/post/", [], "RISK_CONTROL"],
    ["another status code (not an access problem)", "/aweme/v1/web/aweme/detail/", { status_code: 5, status_msg: "服务繁忙" }, "ok"],
  ])("%s → %s", (_name, path, json, expected) => {
    expect(verdict(classifyDyResponse(answer(path, json)))).toBe(expected);
  });

  it("turns a non-zero status_code that is not an access problem into a retryable platform error", () => {
    expect(() => assertDyOk({ status_code: 5, status_msg: "服务繁忙" }, "post detail")).toThrow(RetryableCrawlError);
    expect(() => assertDyOk({ status_code: 0 }, "post detail")).not.toThrow();
  });
});

describe("ks classify", () => {
  const gql = (operationName: string, data: unknown, errors?: unknown) => answer("/graphql", { data, ...(errors ? { errors } : {}) }, JSON.stringify({ operationName, variables: {} }));

  it.each([
    ["a search page", gql("visionSearchPhoto", { visionSearchPhoto: { result: 1, feeds: [], pcursor: "no_more" } }), "ok"],
    ["result 109 (login needed)", gql("visionProfilePhotoList", { visionProfilePhotoList: { result: 109 } }), "ACCOUNT_REQUIRED"],
    ["result 400002 (captcha)", gql("visionSearchPhoto", { visionSearchPhoto: { result: 400002 } }), "RISK_CONTROL"],
    ["result 2 (antispam)", gql("visionProfile", { visionProfile: { result: 2 } }), "RISK_CONTROL"],
    ["a GraphQL error about login", gql("visionVideoDetail", { visionVideoDetail: null }, [{ message: "请先登录" }]), "ACCOUNT_REQUIRED"],
    ["a GraphQL error about verification", gql("visionVideoDetail", { visionVideoDetail: null }, [{ message: "需要验证 captcha" }]), "RISK_CONTROL"],
    ["an empty body to a watched operation", answer("/graphql", undefined, JSON.stringify({ operationName: "visionSearchPhoto" })), "RISK_CONTROL"],
    ["another operation's refusal (not ours to judge)", gql("visionProfileUserList", { visionProfileUserList: { result: 109 } }), "ok"],
    ["comment list result 1", answer("/rest/v/photo/comment/list", { result: 1, rootCommentsV2: [] }, "{}"), "ok"],
    ["comment list result 2001", answer("/rest/v/photo/comment/list", { result: 2001, error_msg: "[2001] antispam need captcha" }, "{}"), "RISK_CONTROL"],
    ["sub list result 109", answer("/rest/v/photo/comment/sublist", { result: 109 }, "{}"), "ACCOUNT_REQUIRED"],
    ["sub list empty body", answer("/rest/v/photo/comment/sublist", undefined, "{}"), "RISK_CONTROL"],
  ])("%s → %s", (_name, response, expected) => {
    const result = classifyKsResponse(response);
    expect(result.ok ? "ok" : result.code).toBe(expected);
  });

  it("reads an operation's data, and makes a missing part or another result a retryable platform error", () => {
    expect(ksOperationData({ data: { visionProfile: { result: 1 } } }, "visionProfile")).toEqual({ result: 1 });
    expect(() => ksOperationData({ data: { visionProfile: null }, errors: [{ message: "boom" }] }, "visionProfile")).toThrow(/boom/);
    expect(() => ksOperationData({ data: { visionProfile: { result: 50 } } }, "visionProfile")).toThrow(RetryableCrawlError);
    expect(() => assertKsRestOk({ result: 50 }, "comments")).toThrow(/result 50/);
  });
});
