/**
 * The accounts API through the real API handler, against real dynalite: create in every
 * cookie format, list with filters, get, delete, activate — and not one response carrying
 * a cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountPool, AccountsKeyring, DynamoAccountStore } from "../../core/accounts/index.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;
let pool: AccountPool;

type Json = { code: number; message: string; data: any };
/** Every response body this file saw: checked at the end for cookies. */
const seen: string[] = [];
/** Every cookie value this file sent. */
const SECRETS = ["xhs-sess-0001", "xhs-sess-0002", "dy-sess-0003", "dy-sess-0004", "refreshed-0005", "too-many-0006"];

async function call(method: string, path: string, body?: unknown) {
  const response = await handler(
    httpEvent(method, path, body === undefined ? {} : { body: body as object }),
    lambdaContext(),
  );
  seen.push(response.body ?? "");
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? "") as Json,
    headers: response.headers ?? {},
  };
}

beforeAll(async () => {
  aws = await startTestAws();
  process.env.ACCOUNTS_ENCRYPTION_KEY = AccountsKeyring.generateKey();
  ({ handler } = await import("../../functions/api/handler.js"));
  const store = new DynamoAccountStore(aws.clients.doc, aws.accountsTable);
  pool = new AccountPool({ accounts: store, keyring: () => AccountsKeyring.fromEnv() });
});

afterAll(async () => {
  delete process.env.ACCOUNTS_ENCRYPTION_KEY;
  await aws?.close();
});

const ACCOUNT_FIELDS = [
  "account_id",
  "platform",
  "note",
  "status",
  "created_at",
  "updated_at",
  "use_count",
  "fingerprint",
  "cookie_count",
];

describe("POST /api/v1/accounts", () => {
  it("stores an account from a Cookie header: 201, active, a fingerprint and a count, no cookies", async () => {
    const { status, body, headers } = await call("POST", "/api/v1/accounts", {
      platform: "xhs",
      cookies: "web_session=xhs-sess-0001; a1=abc",
      note: "main account",
    });
    expect(status).toBe(201);
    expect(headers.location).toBe(`/api/v1/accounts/${body.data.account_id}`);
    expect(body).toMatchObject({ code: 0, message: "account created" });
    expect(Object.keys(body.data).sort()).toEqual([...ACCOUNT_FIELDS].sort());
    expect(body.data).toMatchObject({
      platform: "xhs",
      note: "main account",
      status: "active",
      use_count: 0,
      cookie_count: 2,
    });
    expect(body.data.account_id).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.data.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("takes a browser export and the export as a JSON string; the same cookies twice are a 409", async () => {
    const exported = [
      {
        name: "sessionid",
        value: "dy-sess-0003",
        domain: ".douyin.com",
        path: "/",
        expirationDate: 1_900_000_000,
        httpOnly: true,
        secure: true,
        sameSite: "no_restriction",
      },
      { name: "ttwid", value: "t-1", domain: ".douyin.com" },
    ];
    const first = await call("POST", "/api/v1/accounts", { platform: "dy", cookies: exported });
    expect(first.status).toBe(201);
    expect(first.body.data.cookie_count).toBe(2);
    const twin = await call("POST", "/api/v1/accounts", { platform: "dy", cookies: JSON.stringify(exported) });
    expect(twin.status).toBe(409);
    expect(twin.body.message).toBe(
      `cookies: an account with the same cookies already exists (${first.body.data.account_id})`,
    );
    const header = await call("POST", "/api/v1/accounts", {
      platform: "dy",
      cookies: "ttwid=t-1; sessionid=dy-sess-0003",
    });
    expect(header.status).toBe(409);
    const other = await call("POST", "/api/v1/accounts", {
      platform: "dy",
      cookies: JSON.stringify([{ name: "sessionid", value: "dy-sess-0004" }]),
    });
    expect(other.status).toBe(201);
  });

  it.each([
    ["no cookies", { platform: "xhs" }, "cookies: "],
    ["the web platform", { platform: "web", cookies: "a=xhs-sess-0002" }, "(accounts are for the media platforms)"],
    ["an unknown field", { platform: "xhs", cookies: "a=xhs-sess-0002", password: "x" }, 'unknown field "password"'],
    [
      "a note over 200 characters",
      { platform: "xhs", cookies: "a=xhs-sess-0002", note: "n".repeat(201) },
      "note: must be at most 200 characters",
    ],
    [
      "more than 200 cookies",
      { platform: "xhs", cookies: Array.from({ length: 201 }, (_, i) => ({ name: `c${i}`, value: "too-many-0006" })) },
      "cookies: must have at most 200 cookies",
    ],
    [
      "a pair without '='",
      { platform: "xhs", cookies: "a=1; xhs-sess-0002" },
      'entry 2 of the Cookie header has no "="',
    ],
  ])("answers 400 for %s, naming the field", async (_case, body, message) => {
    const { status, body: answer } = await call("POST", "/api/v1/accounts", body);
    expect(status).toBe(400);
    expect(answer.data.error).toBe("VALIDATION_FAILED");
    expect(answer.message).toContain(message);
  });

  it("answers 503 naming accounts_key when ACCOUNTS_ENCRYPTION_KEY is missing; reading still works", async () => {
    const key = process.env.ACCOUNTS_ENCRYPTION_KEY;
    delete process.env.ACCOUNTS_ENCRYPTION_KEY;
    try {
      const { status, body } = await call("POST", "/api/v1/accounts", { platform: "xhs", cookies: "a=xhs-sess-0002" });
      expect(status).toBe(503);
      expect(body).toMatchObject({
        message: "accounts are unavailable: ACCOUNTS_ENCRYPTION_KEY is not set",
        data: { dependency: "accounts_key" },
      });
      expect((await call("GET", "/api/v1/accounts")).status).toBe(200);
    } finally {
      process.env.ACCOUNTS_ENCRYPTION_KEY = key;
    }
  });
});

describe("GET /api/v1/accounts", () => {
  it("lists every media platform's accounts oldest first, or one platform's, or one status", async () => {
    const all = (await call("GET", "/api/v1/accounts")).body.data.items as Array<{
      account_id: string;
      platform: string;
    }>;
    expect(all.map((a) => a.platform)).toEqual(["xhs", "dy", "dy"]);
    expect(all.map((a) => a.account_id)).toEqual([...all.map((a) => a.account_id)].sort());

    const dy = await call("GET", "/api/v1/accounts?platform=dy");
    expect(dy.body.data.items.map((a: { platform: string }) => a.platform)).toEqual(["dy", "dy"]);

    await pool.mark(all[1]!.account_id, "banned", "RISK_CONTROL: dy: captcha page");
    const banned = await call("GET", "/api/v1/accounts?status=banned");
    expect(banned.body.data.items).toEqual([
      expect.objectContaining({
        account_id: all[1]!.account_id,
        status: "banned",
        status_reason: "RISK_CONTROL: dy: captcha page",
      }),
    ]);
    expect((await call("GET", "/api/v1/accounts?platform=dy&status=active")).body.data.items).toHaveLength(1);
  });

  it.each([
    ["?platform=web", "platform: must be one of"],
    ["?status=deleted", 'status: must be one of "active", "expired", "banned"'],
    ["?limit=5", 'unknown field "limit"'],
  ])("answers 400 for %s", async (query, message) => {
    const { status, body } = await call("GET", `/api/v1/accounts${query}`);
    expect(status).toBe(400);
    expect(body.message).toContain(message);
  });
});

describe("one account", () => {
  it("is shown, re-activated (with refreshed cookies), deleted, then 404", async () => {
    const created = (await call("POST", "/api/v1/accounts", { platform: "xhs", cookies: "web_session=xhs-sess-0002" }))
      .body.data;
    const id = created.account_id as string;
    expect((await call("GET", `/api/v1/accounts/${id}`)).body.data).toEqual(created);

    await pool.mark(id, "expired", "ACCOUNT_EXPIRED: xhs: login expired");
    const plain = await call("POST", `/api/v1/accounts/${id}/activate`);
    expect(plain.status).toBe(200);
    expect(plain.body.data).toMatchObject({ status: "active", fingerprint: created.fingerprint });
    expect(plain.body.data.status_reason).toBeUndefined();

    await pool.mark(id, "expired", "ACCOUNT_EXPIRED: xhs: login expired");
    const refreshed = await call("POST", `/api/v1/accounts/${id}/activate`, {
      cookies: "web_session=refreshed-0005; a1=z",
    });
    expect(refreshed.body.data).toMatchObject({ status: "active", cookie_count: 2 });
    expect(refreshed.body.data.fingerprint).not.toBe(created.fingerprint);
    expect((await pool.pick("xhs", id))?.cookies).toEqual([
      { name: "web_session", value: "refreshed-0005" },
      { name: "a1", value: "z" },
    ]);

    const deleted = await call("DELETE", `/api/v1/accounts/${id}`);
    expect(deleted).toMatchObject({ status: 200, body: { message: "account deleted", data: { account_id: id } } });
    expect((await call("DELETE", `/api/v1/accounts/${id}`)).status).toBe(404);
    expect((await call("GET", `/api/v1/accounts/${id}`)).status).toBe(404);
    expect((await call("POST", `/api/v1/accounts/${id}/activate`)).status).toBe(404);
  });

  it("answers 404 for an id that is not one", async () => {
    const { status, body } = await call("GET", "/api/v1/accounts/not-an-id");
    expect(status).toBe(404);
    expect(body.message).toBe('account_id: account "not-an-id" not found');
  });
});

describe("secrecy", () => {
  it("never sent a cookie value back, in any response of this file", () => {
    expect(seen.length).toBeGreaterThan(20);
    const everything = seen.join("\n");
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/sealed_cookies|"cookies":\s*\[/);
  });
});
