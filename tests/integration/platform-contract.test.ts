/**
 * The contract every media platform keeps, run against each platform's stand-in
 * (tests/fixtures/<platform>) in one real Chromium: search, detail and creator store items
 * of the expected kinds; comments come only with enable_comments; a site that keeps
 * asking to slow down ends RATE_LIMITED (retryable, the account not banned); a login wall
 * is the platform's access error naming the account; a changed answer shape is
 * SITE_CHANGED. How each platform is asked and what differs between them is data, one row
 * per platform in CONTRACTS; what only one platform does stays in its
 * platform-<platform>.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WarmBrowser } from "../../core/browser/index.js";
import { isRetryable } from "../../core/errors.js";
import { biliPlatform, biliTaskInput } from "../../core/platforms/bili/index.js";
import { dyPlatform, dyTaskInput } from "../../core/platforms/dy/index.js";
import { ksPlatform, ksTaskInput } from "../../core/platforms/ks/index.js";
import {
  PlatformAccessError,
  PlatformThrottledError,
  SiteChangedError,
  type CrawlAccount,
} from "../../core/platforms/media/index.js";
import type { MediaTaskParams } from "../../core/platforms/media/types.js";
import { tiebaPlatform } from "../../core/platforms/tieba/index.js";
import { tiebaTaskInput } from "../../core/platforms/tieba/schema.js";
import { wbPlatform, wbTaskInput } from "../../core/platforms/wb/index.js";
import { xhsPlatform, xhsTaskInput } from "../../core/platforms/xhs/index.js";
import { zhihuPlatform } from "../../core/platforms/zhihu/index.js";
import { zhihuTaskInput } from "../../core/platforms/zhihu/schema.js";
import { bvidOf } from "../fixtures/bili/data.js";
import { startBiliStandIn } from "../fixtures/bili/server.js";
import { DY_DATA } from "../fixtures/dy/data.js";
import { startDyStandIn } from "../fixtures/dy/server.js";
import { KS_DATA } from "../fixtures/ks/data.js";
import { startKsStandIn } from "../fixtures/ks/server.js";
import {
  BILI_ACCOUNT,
  DY_ACCOUNT,
  KS_ACCOUNT,
  TIEBA_ACCOUNT,
  WB_ACCOUNT,
  XHS_ACCOUNT,
  ZHIHU_ACCOUNT,
} from "../fixtures/shared/accounts.js";
import { CREATOR as TIEBA_CREATOR, searchThreadIds } from "../fixtures/tieba/data.js";
import { startTiebaStandIn } from "../fixtures/tieba/server.js";
import { creatorPosts, wbStandInDefaults } from "../fixtures/wb/data.js";
import { startWbStandIn } from "../fixtures/wb/server.js";
import { ENDPOINT as XHS_ENDPOINT, startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { CREATOR as ZHIHU_CREATOR, searchPosts } from "../fixtures/zhihu/data.js";
import { startZhihuStandIn } from "../fixtures/zhihu/server.js";
import { type MediaHarness, mediaHarness, ofType } from "../support/mediaHarness.js";
import type { StandIn } from "../support/standIn.js";

type Fields = Record<string, unknown>;
type AnyStandIn = StandIn<string, string>;

/** One platform's row: how to reach its stand-in, what to ask it, and how it says no. */
interface PlatformContract<S extends AnyStandIn = AnyStandIn> {
  name: string;
  account: CrawlAccount;
  harness(browser: WarmBrowser, account: CrawlAccount): MediaHarness<MediaTaskParams>;
  start(): Promise<S>;
  /** The `<PLATFORM>_BASE_URL_<KEY>` values that point the crawler at the stand-in. */
  baseUrls(standIn: S): Record<string, string>;
  /** Task fields (beyond crawler_type) of a detail and a creator crawl (search: {@link SEARCH}). */
  detail(standIn: S): Fields;
  creator(standIn: S): Fields;
  /** The item kinds a creator crawl stores ("creator": the profile record). */
  creatorKinds: string[];
  /** Makes the site keep asking to slow down, and the crawl that meets it; or why the platform has none. */
  throttle: { setUp(standIn: S): void; mode: "search" | "detail" } | { none: string };
  /** Optional fields the stand-in leaves out on purpose, as the site does (their drift warnings are expected). */
  fieldsLeftOut?: string[];
  /** The drift that changes an answer's shape, and the crawl that reads it; default {@link SHAPE_DRIFT}. */
  shapeDrift?: { kind: string; mode: "search" | "detail" };
}

const SEARCH: Fields = { keywords: "咖啡", max_notes_count: 2 };
const SHAPE_DRIFT = { kind: "shape", mode: "search" } as const;

/** Each row typed by its own stand-in, then listed with the rest. */
const row = <S extends AnyStandIn>(contract: PlatformContract<S>) => contract as unknown as PlatformContract;
const harnessFor =
  <Params extends MediaTaskParams>(
    platform: Parameters<typeof mediaHarness<Params>>[0]["platform"],
    schema: Parameters<typeof mediaHarness<Params>>[0]["schema"],
  ) =>
  (browser: WarmBrowser, account: CrawlAccount) =>
    mediaHarness({ platform, schema, account, browser }) as unknown as MediaHarness<MediaTaskParams>;

const CONTRACTS: PlatformContract[] = [
  row({
    name: "xhs",
    account: XHS_ACCOUNT,
    harness: harnessFor(xhsPlatform, xhsTaskInput),
    start: startXhsStandIn,
    baseUrls: (xhs) => ({ WWW: xhs.baseUrl, API: xhs.apiUrl }),
    detail: (xhs: XhsStandIn) => {
      const note = xhs.data.notesFor("面包")[0];
      return {
        specified_ids: [`https://www.xiaohongshu.com/explore/${note?.note_id}?xsec_token=${note?.xsec_token}`],
      };
    },
    creator: (xhs: XhsStandIn) => ({ creator_ids: [xhs.data.users[1]?.user_id], max_notes_count: 2 }),
    creatorKinds: ["creator", "content"],
    throttle: { setUp: (xhs: XhsStandIn) => xhs.force(XHS_ENDPOINT.comments, { status: 429 }, 100), mode: "detail" },
    shapeDrift: { kind: "search-shape", mode: "search" },
  }),
  row({
    name: "dy",
    account: DY_ACCOUNT,
    harness: harnessFor(dyPlatform, dyTaskInput),
    start: startDyStandIn,
    baseUrls: (dy) => ({ WWW: dy.baseUrl }),
    detail: () => ({ specified_ids: ["7300000000000099001"] }),
    creator: () => ({ creator_ids: DY_DATA.secUserId, max_notes_count: 2, keep_user_info: true }),
    creatorKinds: ["creator", "content"],
    throttle: { none: "no source shows a 抖音 slow-down answer (core/platforms/dy/access.ts)" },
  }),
  row({
    name: "ks",
    account: KS_ACCOUNT,
    harness: harnessFor(ksPlatform, ksTaskInput),
    start: startKsStandIn,
    baseUrls: (ks) => ({ WWW: ks.baseUrl }),
    detail: () => ({ specified_ids: ["3xdetail0001"] }),
    creator: () => ({ creator_ids: KS_DATA.userId, max_notes_count: 2 }),
    creatorKinds: ["creator", "content"],
    throttle: { setUp: (ks) => ks.answerWith("throttled", { afterRequests: 1 }), mode: "detail" },
  }),
  row({
    name: "bili",
    account: BILI_ACCOUNT,
    harness: harnessFor(biliPlatform, biliTaskInput),
    start: startBiliStandIn,
    baseUrls: (bili) => ({ WWW: bili.baseUrl, SEARCH: bili.baseUrl, SPACE: bili.baseUrl, API: bili.baseUrl }),
    detail: () => ({ specified_ids: [bvidOf(301006)] }),
    creator: () => ({ creator_ids: ["9001"], max_notes_count: 2 }),
    creatorKinds: ["creator", "content"],
    throttle: { setUp: (bili) => bili.answerWith("throttled"), mode: "search" },
    // B站 shows no IP location for some commenters (fixtures/bili/responses.ts, odd comments).
    fieldsLeftOut: ["reply_control.location"],
  }),
  row({
    name: "wb",
    account: WB_ACCOUNT,
    harness: harnessFor(wbPlatform, wbTaskInput),
    start: startWbStandIn,
    baseUrls: (wb) => ({ M: wb.baseUrl }),
    detail: () => ({ specified_ids: [creatorPosts("1001", wbStandInDefaults)[6]?.mid] }),
    creator: () => ({ creator_ids: ["1001"], max_notes_count: 2 }),
    creatorKinds: ["creator", "content"],
    throttle: { setUp: (wb) => wb.answerWith("too_frequent", { afterRequests: 1 }), mode: "search" },
  }),
  row({
    name: "tieba",
    account: TIEBA_ACCOUNT,
    harness: harnessFor(tiebaPlatform, tiebaTaskInput),
    start: startTiebaStandIn,
    baseUrls: (tieba) => ({ WWW: tieba.baseUrl }),
    detail: () => ({ specified_ids: [searchThreadIds(0)[1]] }),
    creator: () => ({ creator_ids: [TIEBA_CREATOR.portrait], max_notes_count: 2 }),
    creatorKinds: ["content", "creator"],
    throttle: { setUp: (tieba) => tieba.answerWith("throttled"), mode: "detail" },
    shapeDrift: { kind: "shape", mode: "detail" },
  }),
  row({
    name: "zhihu",
    account: ZHIHU_ACCOUNT,
    harness: harnessFor(zhihuPlatform, zhihuTaskInput),
    start: startZhihuStandIn,
    baseUrls: (zhihu) => ({ WWW: zhihu.baseUrl, ZHUANLAN: zhihu.baseUrl }),
    detail: (zhihu) => {
      const answer = searchPosts(0).find((post) => post.type === "answer");
      return { specified_ids: [`${zhihu.baseUrl}/question/${answer?.questionId}/answer/${answer?.id}`] };
    },
    creator: () => ({ creator_ids: [ZHIHU_CREATOR.url_token], max_notes_count: 2 }),
    creatorKinds: ["creator", "content"],
    throttle: { setUp: (zhihu) => zhihu.answerWith("throttled"), mode: "search" },
  }),
];

const warm = new WarmBrowser();
beforeAll(() => warm.browser());
afterAll(() => warm.close());

/** The item kinds among `items`, sorted. */
const kinds = (items: { data: Record<string, unknown> }[]) =>
  [...new Set(items.map((item) => String(item.data.item_type)))].sort();

describe.each(CONTRACTS)("the $name platform keeps the media contract", (contract) => {
  const { task, run, failure, pointBaseUrls } = contract.harness(warm, contract.account);
  let standIn: AnyStandIn;
  const crawl = (mode: "search" | "detail" | "creator", extra: Fields = {}) =>
    task({
      crawler_type: mode,
      ...(mode === "search" ? SEARCH : mode === "detail" ? contract.detail(standIn) : contract.creator(standIn)),
      ...extra,
    });

  beforeAll(async () => {
    standIn = await contract.start();
    pointBaseUrls(contract.baseUrls(standIn));
  });
  afterAll(() => standIn?.close());
  beforeEach(() => standIn.reset());
  /** Drift warnings other than the optional fields this stand-in leaves out on purpose. */
  const unexpected = (warnings: string[]) =>
    warnings.filter(
      (warning) =>
        !(contract.fieldsLeftOut ?? []).some(
          (field) => warning.includes("missing optional field") && warning.endsWith(`.${field}`),
        ),
    );

  // Each crawl of the unchanged site also reports no drift warning: every answer has its expected shape.
  it("search stores the posts it finds, up to max_notes_count", async () => {
    const { items, warnings } = await run(crawl("search"));
    expect(unexpected(warnings)).toEqual([]);
    expect(kinds(items)).toEqual(["content"]);
    expect(items).toHaveLength(2);
    expect(items.every((item) => item.ok)).toBe(true);
  });

  it("detail stores the post asked for, and no comments unless enable_comments", async () => {
    const { items, warnings } = await run(crawl("detail"));
    expect(unexpected(warnings)).toEqual([]);
    expect(kinds(items)).toEqual(["content"]);
    expect(items).toHaveLength(1);
    expect(items[0]?.ok).toBe(true);
  });

  it("with enable_comments (and replies), detail stores the post's comments after it, up to max_comments_count", async () => {
    const { items, warnings } = await run(
      crawl("detail", { enable_comments: true, enable_sub_comments: true, max_comments_count: 3 }),
    );
    expect(unexpected(warnings)).toEqual([]);
    expect(items[0]?.data.item_type).toBe("content");
    expect(ofType(items, "comment")).toHaveLength(3);
  });

  it("creator stores the creator's posts (and its profile where the site has one)", async () => {
    const { items, warnings } = await run(crawl("creator"));
    expect(unexpected(warnings)).toEqual([]);
    expect(kinds(items)).toEqual([...contract.creatorKinds].sort());
    expect(ofType(items, "content")).toHaveLength(2);
  });

  const { throttle } = contract;
  it.skipIf("none" in throttle)(
    `a site that keeps asking to slow down ends RATE_LIMITED, retryable, the account not banned${"none" in throttle ? ` (none: ${throttle.none})` : ""}`,
    async () => {
      if ("none" in throttle) return;
      throttle.setUp(standIn);
      const { error } = await failure(crawl(throttle.mode, { enable_comments: true, max_comments_count: 3 }));
      expect(error).toBeInstanceOf(PlatformThrottledError);
      expect(error).not.toBeInstanceOf(PlatformAccessError);
      expect(error).toMatchObject({ code: "RATE_LIMITED", account_id: contract.account.account_id });
      expect(isRetryable(error)).toBe(true);
    },
  );

  it("sends the account's cookies with every API request; without an account, a site that wants a login is ACCOUNT_REQUIRED", async () => {
    const cookies = Object.fromEntries(contract.account.cookies.map((cookie) => [cookie.name, cookie.value]));
    // The first cookie of each test account is the site's login cookie (fixtures/shared/accounts.ts).
    standIn.requireCookie(contract.account.cookies[0]?.name);
    await run(crawl("search"));
    expect(standIn.apiRequests().length).toBeGreaterThan(0);
    for (const request of standIn.apiRequests()) expect(request.cookies).toMatchObject(cookies);

    const { error, items } = await failure(crawl("search"), { account: null });
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({ code: "ACCOUNT_REQUIRED", platform: contract.name, account_id: undefined });
  });

  it("a login wall is ACCOUNT_EXPIRED naming the account", async () => {
    // Every stand-in answers "login_required" in its site's words (fixtures/<platform>/server.ts).
    standIn.answerWith("login_required");
    const { error } = await failure(crawl("search"));
    expect(error).toBeInstanceOf(PlatformAccessError);
    expect(error).toMatchObject({
      code: "ACCOUNT_EXPIRED",
      platform: contract.name,
      account_id: contract.account.account_id,
    });
  });

  it("an answer of another shape is SITE_CHANGED, not an empty result", async () => {
    const { kind, mode } = contract.shapeDrift ?? SHAPE_DRIFT;
    standIn.drift(kind);
    const { error } = await failure(crawl(mode));
    expect(error).toBeInstanceOf(SiteChangedError);
    // The message names the platform and the step that read the changed answer.
    expect(error).toMatchObject({ code: "SITE_CHANGED", message: expect.stringMatching(`^${contract.name} \\w+`) });
  });
});
