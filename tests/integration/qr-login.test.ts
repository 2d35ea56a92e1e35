/**
 * Sign in by QR code, end to end in one process: the real API handler starts a session, its
 * real SQS message goes to the real crawler handler, which opens the login page of each
 * platform's stand-in (tests/fixtures/<platform>, with tests/fixtures/qrLogin) in real
 * Chromium, stores the QR code, and waits while the test plays the phone (scan, confirm or
 * decline). Accounts land in real dynalite, sealed; a search task then crawls the same
 * stand-in with the new account, whose API refuses requests without the signed-in cookie.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import jsqr from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountPool, AccountsKeyring, DynamoAccountStore } from "../../core/accounts/index.js";
import { LoginService } from "../../core/accounts/loginService.js";
import { DynamoLoginSessionStore } from "../../core/accounts/loginSession.js";
import { runQrLogin } from "../../core/accounts/qrLogin.js";
import { AccountService } from "../../core/accounts/service.js";
import { WarmBrowser } from "../../core/browser/index.js";
import { baseUrlEnvName } from "../../core/platforms/media/baseUrls.js";
import { ACCOUNT_PLATFORMS, type AccountPlatformName } from "../../core/platforms/registry.js";
import { SqsTaskQueue } from "../../core/queue/taskQueue.js";
import { startBiliStandIn } from "../fixtures/bili/server.js";
import { startDyStandIn } from "../fixtures/dy/server.js";
import { startKsStandIn } from "../fixtures/ks/server.js";
import { SIGNED_IN_COOKIES } from "../fixtures/qrLogin/server.js";
import { startTiebaStandIn } from "../fixtures/tieba/server.js";
import { startWbStandIn } from "../fixtures/wb/server.js";
import { startXhsStandIn } from "../fixtures/xhs/server.js";
import { startZhihuStandIn } from "../fixtures/zhihu/server.js";
import type { StandIn } from "../support/standIn.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let api: typeof import("../../functions/api/handler.js").handler;
let crawler: typeof import("../../functions/crawler/handler.js");
let store: DynamoAccountStore;
let pool: AccountPool;
type AnyStandIn = StandIn<string, string>;
const standIns = new Map<AccountPlatformName, AnyStandIn>();

/**
 * Each platform's stand-in, the base URLs that point both the login and a crawl at it
 * (as tests/integration/platform-contract.test.ts does), and the cookie its API then insists on.
 */
const PLATFORMS: Record<
  AccountPlatformName,
  { start(): Promise<AnyStandIn>; baseUrls(standIn: AnyStandIn): Record<string, string>; cookie: string }
> = {
  xhs: {
    start: startXhsStandIn,
    baseUrls: (xhs) => ({ WWW: xhs.baseUrl, API: xhs.urls.api ?? "" }),
    cookie: "web_session",
  },
  dy: { start: startDyStandIn, baseUrls: (dy) => ({ WWW: dy.baseUrl }), cookie: "sessionid" },
  ks: { start: startKsStandIn, baseUrls: (ks) => ({ WWW: ks.baseUrl }), cookie: "kuaishou.server.web_st" },
  bili: {
    start: startBiliStandIn,
    baseUrls: (bili) => ({ WWW: bili.baseUrl, SEARCH: bili.baseUrl, SPACE: bili.baseUrl, API: bili.baseUrl }),
    cookie: "SESSDATA",
  },
  wb: { start: startWbStandIn, baseUrls: (wb) => ({ M: wb.baseUrl, PASSPORT: wb.baseUrl }), cookie: "SUB" },
  tieba: { start: startTiebaStandIn, baseUrls: (tieba) => ({ WWW: tieba.baseUrl }), cookie: "BDUSS" },
  zhihu: {
    start: startZhihuStandIn,
    baseUrls: (zhihu) => ({ WWW: zhihu.baseUrl, ZHUANLAN: zhihu.baseUrl }),
    cookie: "z_c0",
  },
};
const envNames: string[] = [];

type Json = { code: number; message: string; data: any };

async function call(method: string, path: string, body?: unknown) {
  const response = await api(
    httpEvent(method, path, body === undefined ? {} : { body: body as object }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? "") as Json,
    headers: response.headers ?? {},
  };
}

/** The queue's next message, as the SQS event Lambda would hand the crawler. */
async function takeMessage(): Promise<SQSEvent> {
  const got = await aws.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
  );
  const message = got.Messages?.[0];
  if (!message?.Body || !message.MessageId) throw new Error("no message in the queue");
  await aws.clients.sqs.send(
    new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: message.MessageId,
        receiptHandle: "rh",
        body: message.Body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: now,
          SenderId: "local",
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:crawl-tasks",
        awsRegion: "us-east-1",
      },
    ],
  };
}

/** Starts a session through the API and hands its message to the crawler, which keeps running. */
async function startLogin(body: Record<string, unknown>, timeoutMs = 60_000) {
  const started = await call("POST", "/api/v1/accounts/login", body);
  expect(started.status).toBe(202);
  const event = await takeMessage();
  expect(JSON.parse(event.Records[0]?.body ?? "")).toEqual({ login_session_id: started.body.data.session_id });
  const crawl = crawler.handler(event, lambdaContext(timeoutMs));
  return { started, crawl, id: started.body.data.session_id as string };
}

/** Polls the session as a client would until it is in one of `states` (waiting: with its QR code). */
async function sessionIn(id: string, states: string[]): Promise<Json["data"]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const last = (await call("GET", `/api/v1/accounts/login/${id}`)).body.data;
    if (states.includes(last.state) && (last.state !== "waiting" || last.qr_image !== undefined)) return last;
    if (Date.now() > deadline) throw new Error(`session ${id} is ${last.state}, not ${states.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function decodeDataUrl(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64"));
  return jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

beforeAll(async () => {
  aws = await startTestAws();
  process.env.ACCOUNTS_ENCRYPTION_KEY = AccountsKeyring.generateKey();
  for (const platform of ACCOUNT_PLATFORMS) {
    const standIn = await PLATFORMS[platform].start();
    standIns.set(platform, standIn);
    for (const [key, url] of Object.entries(PLATFORMS[platform].baseUrls(standIn))) {
      const name = baseUrlEnvName(platform, key);
      process.env[name] = url;
      envNames.push(name);
    }
  }
  ({ handler: api } = await import("../../functions/api/handler.js"));
  crawler = await import("../../functions/crawler/handler.js");
  store = new DynamoAccountStore(aws.clients.doc, aws.accountsTable);
  pool = new AccountPool({ accounts: store, keyring: () => AccountsKeyring.fromEnv() });
});

afterAll(async () => {
  await crawler?.shutdownCrawler();
  for (const standIn of standIns.values()) await standIn.close();
  for (const name of envNames) delete process.env[name];
  delete process.env.ACCOUNTS_ENCRYPTION_KEY;
  await aws?.close();
});

describe.each(ACCOUNT_PLATFORMS.map((platform) => [platform]))("%s: sign in by QR code", (platform) => {
  it("stores the QR code, follows scan and confirm, and stores the cookies as an active account", async () => {
    const standIn = standIns.get(platform)!;
    standIn.reset();
    const phone = standIn.login;
    const { started, crawl, id } = await startLogin({ platform });
    expect(started.headers.location).toBe(`/api/v1/accounts/login/${id}`);
    expect(started.body.data).toMatchObject({ platform, state: "waiting" });
    expect(Date.parse(started.body.data.expires_at) - Date.parse(started.body.data.created_at)).toBe(180_000);

    const shown = await sessionIn(id, ["waiting"]);
    expect(shown.qr_image).toMatch(/^data:image\/png;base64,/);
    expect(decodeDataUrl(shown.qr_image)).toBe(phone.qrText);
    expect(shown.qr_text).toBe(phone.qrText);

    await phone.scan();
    await sessionIn(id, ["scanned"]);
    await phone.confirm();
    const done = await sessionIn(id, ["done"]);
    expect(await crawl).toEqual({ batchItemFailures: [] });

    const account = (await call("GET", `/api/v1/accounts/${done.account_id}`)).body.data;
    expect(account).toMatchObject({ platform, status: "active", note: "signed in by QR code" });
    // Usable by a crawl: the pool picks it and opens the cookies the platform's check looked for.
    const picked = await pool.pick(platform, done.account_id);
    const cookies = Object.fromEntries((picked?.cookies ?? []).map((cookie) => [cookie.name, cookie.value]));
    expect(cookies).toMatchObject(SIGNED_IN_COOKIES[platform]);

    // …and a crawl with it gets past an API that wants the signed-in cookie.
    standIn.requireCookie(PLATFORMS[platform].cookie);
    const task = await call("POST", "/api/v1/tasks", {
      platform,
      crawler_type: "search",
      keywords: "咖啡",
      max_notes_count: 2,
      account: done.account_id,
    });
    expect(task.status).toBe(201);
    expect(await crawler.handler(await takeMessage(), lambdaContext())).toEqual({ batchItemFailures: [] });
    const crawled = (await call("GET", `/api/v1/tasks/${task.body.data.task_id}`)).body.data;
    expect(crawled).toMatchObject({ status: "completed", result_count: 2 });
    const sent = standIn.apiRequests().filter((request) => request.cookies[PLATFORMS[platform].cookie] !== undefined);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]?.cookies[PLATFORMS[platform].cookie]).toBe(SIGNED_IN_COOKIES[platform][PLATFORMS[platform].cookie]);
  });
});

describe("the session's other endings", () => {
  it("ends as refused when the user declines on the phone", async () => {
    const phone = standIns.get("bili")!.login;
    phone.reset();
    const { crawl, id } = await startLogin({ platform: "bili" });
    await sessionIn(id, ["waiting"]);
    await phone.scan();
    await sessionIn(id, ["scanned"]);
    await phone.decline();
    const refused = await sessionIn(id, ["refused"]);
    expect(refused.reason).toBe("the login was declined on the phone");
    expect(refused.account_id).toBeUndefined();
    await crawl;
  });

  it("expires when the crawler's time runs short before anyone confirms", async () => {
    standIns.get("zhihu")!.login.reset();
    // 20 s left and a 15 s margin: the crawler waits about 5 s.
    const { crawl, id } = await startLogin({ platform: "zhihu" }, 20_000);
    await crawl;
    const expired = (await call("GET", `/api/v1/accounts/login/${id}`)).body.data;
    expect(expired).toMatchObject({
      state: "expired",
      reason: "the crawler's time ran out before the login was confirmed",
    });
  });

  it("expires at expires_at (the session's TTL), whatever time the function has left", async () => {
    standIns.get("ks")!.login.reset();
    const sessions = new DynamoLoginSessionStore(aws.clients.doc, aws.accountsTable);
    const service = new LoginService({
      sessions,
      accounts: store,
      queue: new SqsTaskQueue(aws.clients.sqs, aws.queueUrl),
      ttlSecs: 3,
    });
    const session = await service.start({ platform: "ks" });
    await takeMessage();
    const browser = new WarmBrowser();
    try {
      const outcome = await runQrLogin(session.session_id, {
        sessions,
        accounts: new AccountService({ accounts: store, keyring: () => AccountsKeyring.fromEnv() }),
        browser,
      });
      expect(outcome).toEqual({ kind: "ended", state: "expired" });
    } finally {
      await browser.close();
    }
    expect(await service.get(session.session_id)).toMatchObject({
      state: "expired",
      reason: "nobody confirmed the login in time",
    });
  });
});

describe("re-login of an expired account", () => {
  it("gives the same account the new cookies and makes it active again", async () => {
    const created = await call("POST", "/api/v1/accounts", {
      platform: "xhs",
      cookies: "web_session=stale-0001; a1=x",
    });
    const accountId = created.body.data.account_id as string;
    await store.update(accountId, { status: "expired", status_reason: "ACCOUNT_EXPIRED: xhs: login required" });

    const phone = standIns.get("xhs")!.login;
    phone.reset();
    phone.cookies = { web_session: "040069b1relogin000000000000000000" };
    const { crawl, id, started } = await startLogin({ platform: "xhs", account_id: accountId });
    expect(started.body.data.account_id).toBe(accountId);
    await sessionIn(id, ["waiting"]);
    await phone.scan();
    await phone.confirm();
    const done = await sessionIn(id, ["done"]);
    await crawl;
    expect(done.account_id).toBe(accountId);
    const account = (await call("GET", `/api/v1/accounts/${accountId}`)).body.data;
    expect(account).toMatchObject({ status: "active" });
    expect(account.status_reason).toBeUndefined();
    expect(account.fingerprint).not.toBe(created.body.data.fingerprint);
    const picked = await pool.pick("xhs", accountId);
    expect(picked?.cookies.find((cookie) => cookie.name === "web_session")?.value).toBe(
      "040069b1relogin000000000000000000",
    );
  });
});

describe("refusals: a 4xx envelope naming the field, nothing stored or queued", () => {
  it.each([
    [{ platform: "web" }, 400, /^platform: "web" has no QR login: must be one of "xhs"/],
    [{}, 400, /^platform: is required/],
    [{ platform: "xhs", extra: 1 }, 400, /extra/],
    [{ platform: "xhs", account_id: "nope" }, 400, /^account_id: must be an account id/],
    [
      { platform: "xhs", account_id: "01JAAAAAAAAAAAAAAAAAAAAAAA" },
      404,
      /^account_id: account "01JAAAAAAAAAAAAAAAAAAAAAAA" not found/,
    ],
  ])("POST %j → %i", async (body, status, message) => {
    const answer = await call("POST", "/api/v1/accounts/login", body);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toMatch(message);
    const queued = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
    );
    expect(queued.Messages ?? []).toEqual([]);
  });

  it("refuses the re-login of an active account (409) and of another platform's account (400)", async () => {
    const created = await call("POST", "/api/v1/accounts", { platform: "dy", cookies: "sessionid=dy-active-0001" });
    const accountId = created.body.data.account_id as string;
    const active = await call("POST", "/api/v1/accounts/login", { platform: "dy", account_id: accountId });
    expect(active.status).toBe(409);
    expect(active.body.message).toBe(
      `account_id: account ${accountId} is active; only an expired account signs in again`,
    );
    await store.update(accountId, { status: "expired" });
    const other = await call("POST", "/api/v1/accounts/login", { platform: "ks", account_id: accountId });
    expect(other.status).toBe(400);
    expect(other.body.message).toBe(`account_id: account ${accountId} is a "dy" account, not "ks"`);
  });

  it("answers 404 for an unknown session, and listing accounts never shows sessions", async () => {
    const unknown = await call("GET", "/api/v1/accounts/login/01JAAAAAAAAAAAAAAAAAAAAAAA");
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('session_id: login session "01JAAAAAAAAAAAAAAAAAAAAAAA" not found');
    const listed = (await call("GET", "/api/v1/accounts")).body.data.items as Array<{ account_id: string }>;
    expect(listed.every((account) => /^[0-9A-Z]{26}$/.test(account.account_id))).toBe(true);
  });
});
