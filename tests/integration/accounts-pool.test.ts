/**
 * Stored accounts against real dynalite: the store (cookies only ever sealed in the
 * table), the pool handing accounts out in turn — also to crawls picking at the same
 * moment — and the marks a platform's refusal leaves on an account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import {
  AccountCookiesUnreadableError,
  AccountPool,
  AccountService,
  AccountsKeyring,
  AccountUnavailableError,
  DynamoAccountStore,
  sealCookies,
  type Account,
} from "../../core/accounts/index.js";
import { markAccountAfterFailure, prepareMediaCrawl } from "../../core/crawl/mediaSetup.js";
import { NonRetryableCrawlError } from "../../core/errors.js";
import { ProxyPool } from "../../core/net/index.js";
import { PlatformAccessError, PlatformThrottledError } from "../../core/platforms/media/index.js";
import type { Task } from "../../core/tasks/index.js";
import { startTestAws, type TestAws } from "../support/aws.js";

let aws: TestAws;
let store: DynamoAccountStore;
let service: AccountService;
let pool: AccountPool;
const keyring = AccountsKeyring.fromEnv({ ACCOUNTS_ENCRYPTION_KEY: AccountsKeyring.generateKey() });

beforeAll(async () => {
  aws = await startTestAws();
  store = new DynamoAccountStore(aws.clients.doc, aws.accountsTable);
  service = new AccountService({ accounts: store, keyring: () => keyring });
  pool = new AccountPool({ accounts: store, keyring: () => keyring });
});

afterAll(async () => {
  await aws?.close();
});

/** `count` accounts of `platform`, in creation order; cookie values are unique per account. */
async function accounts(platform: string, count: number): Promise<Account[]> {
  const created: Account[] = [];
  for (let i = 0; i < count; i++)
    created.push(await service.create({ platform, cookies: `sid=${platform}-secret-${i}-${Math.random()}; a1=x` }));
  return created;
}

function task(platform: string, params: Record<string, unknown> = {}): Task {
  return { task_id: "01J00000000000000000000000", platform, crawler_type: "search", params } as unknown as Task;
}

describe("the store", () => {
  it("keeps cookies sealed: no cookie name or value anywhere in the table", async () => {
    const [account] = await accounts("zhihu", 1);
    const raw = JSON.stringify((await aws.clients.doc.send(new ScanCommand({ TableName: aws.accountsTable }))).Items);
    expect(raw).toContain(account!.account_id);
    expect(raw).not.toContain("zhihu-secret");
    expect(raw).not.toMatch(/"sid|a1=/);
    const stored = await store.get(account!.account_id);
    expect(stored).toMatchObject({
      platform: "zhihu",
      status: "active",
      use_count: 0,
      cookie_count: 2,
      sealed_cookies: { alg: "A256GCM", key_id: keyring.currentKeyId },
    });
    expect(stored?.last_used_at).toBeUndefined();
  });

  it("lists one platform through its index, filtered by status, and deletes returning the old item", async () => {
    const [first, second] = await accounts("tieba", 2);
    await store.update(second!.account_id, { status: "banned", status_reason: "RISK_CONTROL: test" });
    expect((await store.list({ platform: "tieba" })).map((a) => a.account_id)).toEqual([
      first!.account_id,
      second!.account_id,
    ]);
    expect((await store.list({ platform: "tieba", status: "banned" })).map((a) => a.account_id)).toEqual([
      second!.account_id,
    ]);
    expect((await store.delete(first!.account_id))?.account_id).toBe(first!.account_id);
    expect(await store.delete(first!.account_id)).toBeUndefined();
    expect(await store.update(first!.account_id, { status: "active" })).toBeUndefined();
  });
});

describe("picking in turn", () => {
  it("hands out the least recently used active account of the platform, each in turn, cookies decrypted", async () => {
    const xhs = await accounts("xhs", 3);
    await accounts("dy", 1);
    const picked: string[] = [];
    for (let i = 0; i < 6; i++) picked.push((await pool.pick("xhs"))!.account_id);
    const ids = xhs.map((a) => a.account_id);
    expect(picked).toEqual([...ids, ...ids]);

    const stored = await store.get(ids[0]!);
    expect(stored).toMatchObject({ use_count: 2 });
    expect(Date.parse(stored!.last_used_at!)).toBeGreaterThan(Date.now() - 10_000);

    const account = await pool.pick("xhs");
    expect(account?.platform).toBe("xhs");
    expect(account?.cookies).toEqual([
      { name: "sid", value: expect.stringMatching(/^xhs-secret-0-/) },
      { name: "a1", value: "x" },
    ]);
  });

  it("gives crawls picking at the same moment different accounts", async () => {
    const ks = await accounts("ks", 3);
    const picked = await Promise.all([pool.pick("ks"), pool.pick("ks"), pool.pick("ks")]);
    expect(new Set(picked.map((a) => a?.account_id))).toEqual(new Set(ks.map((a) => a.account_id)));
  });

  it("shares accounts rather than fail when more crawls than accounts pick at once", async () => {
    const bili = await accounts("bili", 2);
    const picked = await Promise.all(Array.from({ length: 5 }, () => pool.pick("bili")));
    expect(picked.every((a) => a !== undefined)).toBe(true);
    const counts = await Promise.all(bili.map(async (a) => (await store.get(a.account_id))!.use_count));
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(5);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
  });

  it("skips marked accounts and runs without one when none is active", async () => {
    const [a, b] = await accounts("wb", 2);
    await pool.mark(a!.account_id, "expired", "ACCOUNT_EXPIRED: wb: login expired");
    expect((await pool.pick("wb"))?.account_id).toBe(b!.account_id);
    expect((await pool.pick("wb"))?.account_id).toBe(b!.account_id);
    await pool.mark(b!.account_id, "banned", "RISK_CONTROL: wb: captcha");
    expect(await pool.pick("wb")).toBeUndefined();
    expect(await store.get(a!.account_id)).toMatchObject({
      status: "expired",
      status_reason: "ACCOUNT_EXPIRED: wb: login expired",
    });
  });
});

describe("a requested account", () => {
  it("is used when it is an active account of the platform, and refused clearly otherwise", async () => {
    const [mine] = await accounts("xhs", 1);
    const [other] = await accounts("dy", 1);
    expect((await pool.pick("xhs", mine!.account_id))?.account_id).toBe(mine!.account_id);

    await expect(pool.pick("xhs", other!.account_id)).rejects.toThrow(
      `account ${other!.account_id} is a dy account, not xhs`,
    );
    await expect(pool.pick("xhs", "01J0000000000000000000ZZZZ")).rejects.toThrow(
      "account 01J0000000000000000000ZZZZ not found",
    );

    await pool.mark(mine!.account_id, "banned", "RISK_CONTROL: xhs: 461");
    const refusal = pool.pick("xhs", mine!.account_id);
    await expect(refusal).rejects.toBeInstanceOf(AccountUnavailableError);
    await expect(refusal).rejects.toMatchObject({
      code: "ACCOUNT_REQUIRED",
      message: `account ${mine!.account_id} is banned (RISK_CONTROL: xhs: 461); refresh its cookies and POST /api/v1/accounts/${mine!.account_id}/activate`,
    });
  });

  it("whose cookies were sealed with a key no longer configured fails as ACCOUNT_UNREADABLE", async () => {
    const [account] = await accounts("zhihu", 1);
    const otherKey = AccountsKeyring.fromEnv({ ACCOUNTS_ENCRYPTION_KEY: AccountsKeyring.generateKey() });
    await store.update(account!.account_id, {
      sealed_cookies: sealCookies(otherKey, account!, [{ name: "a", value: "b" }]),
    });
    await expect(pool.pick("zhihu", account!.account_id)).rejects.toBeInstanceOf(AccountCookiesUnreadableError);
  });
});

describe("a media task's setup and its failure", () => {
  it("gets an account and a proxy for media platforms, nothing for the web", async () => {
    const [account] = await accounts("dy", 1);
    const proxies = new ProxyPool(["http://u:p@127.0.0.1:3128"], 0);
    expect(
      await prepareMediaCrawl(task("web", { urls: ["https://example.com/"] }), { accounts: pool, proxies }),
    ).toEqual({});
    const setup = await prepareMediaCrawl(task("dy", { account: account!.account_id }), { accounts: pool, proxies });
    expect(setup.account?.account_id).toBe(account!.account_id);
    expect(setup.proxy).toBe("http://u:p@127.0.0.1:3128");
    expect(
      (await prepareMediaCrawl(task("dy", { proxy: "http://own:1@127.0.0.1:9" }), { accounts: pool, proxies })).proxy,
    ).toBe("http://own:1@127.0.0.1:9");
    await expect(
      prepareMediaCrawl(task("dy", { proxy: "socks5://127.0.0.1:1080" }), { proxies }),
    ).rejects.toMatchObject({ code: "PROXY_INVALID" });
    await expect(prepareMediaCrawl(task("dy", { account: account!.account_id }), {})).rejects.toMatchObject({
      code: "ACCOUNT_REQUIRED",
    });
  });

  it.each([
    ["ACCOUNT_EXPIRED", "expired"],
    ["ACCOUNT_REQUIRED", "expired"],
    ["RISK_CONTROL", "banned"],
  ] as const)("marks the account %s → %s when the platform refused it", async (code, status) => {
    const [account] = await accounts("ks", 1);
    const crawlAccount = { account_id: account!.account_id, platform: "ks" as const, cookies: [] };
    const refusal = new PlatformAccessError("ks", code, "the stand-in said so", { account_id: account!.account_id });
    await markAccountAfterFailure(pool, crawlAccount, refusal, () => undefined);
    expect(await store.get(account!.account_id)).toMatchObject({
      status,
      status_reason: `${code}: ks: the stand-in said so`,
    });
  });

  it("leaves the account alone for failures that say nothing about it", async () => {
    const [account] = await accounts("ks", 1);
    const crawlAccount = { account_id: account!.account_id, platform: "ks" as const, cookies: [] };
    await markAccountAfterFailure(
      pool,
      crawlAccount,
      new NonRetryableCrawlError("ALL_PAGES_FAILED", "nothing"),
      () => undefined,
    );
    await markAccountAfterFailure(pool, crawlAccount, new Error("browser crashed"), () => undefined);
    expect(await store.get(account!.account_id)).toMatchObject({ status: "active" });
  });

  it("never bans an account for throttling: it stays active, and rests only after repeated throttled crawls", async () => {
    const [account, other] = await accounts("tieba", 2);
    const crawlAccount = { account_id: account!.account_id, platform: "tieba" as const, cookies: [] };
    const throttled = new PlatformThrottledError("tieba", "result 2");
    for (let crawl = 1; crawl <= 2; crawl++) {
      await markAccountAfterFailure(pool, crawlAccount, throttled, () => undefined);
      expect(await store.get(account!.account_id)).toMatchObject({ status: "active", throttle_strikes: crawl });
    }
    // Both accounts are still picked in turn.
    const picked = new Set([(await pool.pick("tieba"))?.account_id, (await pool.pick("tieba"))?.account_id]);
    expect(picked).toEqual(new Set([account!.account_id, other!.account_id]));
    await markAccountAfterFailure(pool, crawlAccount, throttled, () => undefined);
    const rested = await store.get(account!.account_id);
    expect(rested).toMatchObject({
      status: "active",
      throttle_strikes: 0,
      rest_until: expect.any(String),
      status_reason: expect.stringContaining("RATE_LIMITED: resting until"),
    });
    // While it rests, crawls get the other one only.
    for (let i = 0; i < 3; i++) expect((await pool.pick("tieba"))?.account_id).toBe(other!.account_id);
  });

  it("counts throttled crawls in a row only when each came within an hour of the last", async () => {
    const [account] = await accounts("bili", 1);
    const id = account!.account_id;
    const start = Date.parse("2026-12-01T10:00:00Z");
    expect(await pool.noteThrottled(id, "429", new Date(start))).toBe(false);
    expect(await pool.noteThrottled(id, "429", new Date(start + 2 * 3600_000))).toBe(false);
    expect(await store.get(id)).toMatchObject({ throttle_strikes: 1 });
  });
});
