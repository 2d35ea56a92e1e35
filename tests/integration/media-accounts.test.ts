/**
 * Accounts and proxies in whole task runs: runTask with real dynalite and SQS, real
 * Chromium and the xhs stand-in (tests/fixtures/xhs). Tasks take the platform's stored
 * accounts in turn, the site sees the account's cookies, a refusal marks the account and
 * fails the task with its code, and a task's proxy carries its requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { AccountService } from "../../core/accounts/index.js";
import type { WarmBrowser } from "../../core/browser/index.js";
import type { RunTaskDeps } from "../../core/crawl/index.js";
import { ProxyPool } from "../../core/net/index.js";
import type { TaskService } from "../../core/tasks/index.js";
import { startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { startUpstreamProxy, type UpstreamProxyStandIn } from "../support/upstreamProxy.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { crawlerParts } from "../../core/wiring/crawler.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";

let aws: TestAws;
let xhs: XhsStandIn;
let upstream: UpstreamProxyStandIn;
let browser: WarmBrowser;
let tasks: TaskService;
let accounts: AccountService;
let deps: RunTaskDeps;
let runTask: typeof import("../../core/crawl/index.js").runTask;

beforeAll(async () => {
  [aws, xhs, upstream] = await Promise.all([startTestAws(), startXhsStandIn(), startUpstreamProxy()]);
  process.env.ACCOUNTS_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString("base64");
  process.env.XHS_BASE_URL_WWW = xhs.baseUrl;
  process.env.XHS_BASE_URL_API = xhs.apiUrl;
  const [crawl, browserModule] = await Promise.all([
    import("../../core/crawl/index.js"),
    import("../../core/browser/index.js"),
  ]);
  runTask = crawl.runTask;
  browser = new browserModule.WarmBrowser();
  const dependencies = buildDependencies({
    ...taskParts,
    ...taskServiceParts,
    ...accountParts,
    ...crawlerParts(browser),
  });
  tasks = dependencies.taskService;
  accounts = dependencies.accountService;
  deps = { ...dependencies.runDeps, accounts: dependencies.accountPool, proxies: new ProxyPool([]) };
});

afterAll(async () => {
  for (const name of ["ACCOUNTS_ENCRYPTION_KEY", "XHS_BASE_URL_WWW", "XHS_BASE_URL_API"]) delete process.env[name];
  await browser?.close();
  await Promise.all([xhs?.close(), upstream?.close(), aws?.close()]);
});

beforeEach(async () => {
  xhs.reset();
  // Each test starts with no xhs account, and no message left from the last one.
  for (const account of (await accounts.list({ platform: "xhs" })).items) await accounts.delete(account.account_id);
  for (;;) {
    const got = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!got.Messages?.length) break;
    for (const message of got.Messages)
      await aws.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
  }
});

/** Creates and runs one xhs search task to its end; returns the stored task. */
async function run(fields: Record<string, unknown> = {}) {
  const { task } = await tasks.create({
    platform: "xhs",
    crawler_type: "search",
    keywords: "咖啡",
    max_notes_count: 3,
    max_attempts: 1,
    ...fields,
  });
  const outcome = await runTask(task.task_id, deps);
  expect(outcome.kind).not.toBe("skipped");
  return tasks.get(task.task_id);
}

/** The web_session cookie values the stand-in's API saw. */
const sessionsSeen = () => [...new Set(xhs.apiCalls().map((call) => call.cookies.web_session))];

describe("accounts in task runs", () => {
  it("takes the platform's active accounts in turn, and the site sees each one's cookies", async () => {
    const first = await accounts.create({ platform: "xhs", cookies: "web_session=session-one; a1=x" });
    const second = await accounts.create({
      platform: "xhs",
      cookies: [{ name: "web_session", value: "session-two", domain: ".xiaohongshu.com" }],
    });

    expect(await run()).toMatchObject({ status: "completed", result_count: 3 });
    expect(sessionsSeen()).toEqual(["session-one"]);
    xhs.requests.length = 0;
    expect((await run()).status).toBe("completed");
    expect(sessionsSeen()).toEqual(["session-two"]);

    expect(await accounts.get(first.account_id)).toMatchObject({ status: "active", use_count: 1 });
    expect(await accounts.get(second.account_id)).toMatchObject({ status: "active", use_count: 1 });
  });

  it("marks an account whose login expired, and fails the task ACCOUNT_EXPIRED (not an empty success)", async () => {
    const account = await accounts.create({ platform: "xhs", cookies: "web_session=expired" });
    const task = await run();
    expect(task.status).toBe("failed");
    expect(task.error?.code).toBe("ACCOUNT_EXPIRED");
    expect(await accounts.get(account.account_id)).toMatchObject({
      status: "expired",
      status_reason: expect.stringMatching(/^ACCOUNT_EXPIRED: xhs: /),
    });
  });

  it("marks the account banned on a risk-control answer, and fails the task RISK_CONTROL", async () => {
    const account = await accounts.create({ platform: "xhs", cookies: "web_session=session-three" });
    // The verification page (a 461 API answer is the xhs tests' business).
    xhs.answerWith("captcha_page");
    const task = await run();
    expect(task).toMatchObject({ status: "failed", error: { code: "RISK_CONTROL" } });
    expect(await accounts.get(account.account_id)).toMatchObject({
      status: "banned",
      status_reason: expect.stringMatching(/^RISK_CONTROL: /),
    });

    // Asked for by id while banned: refused before anything is fetched.
    xhs.answerWith("ok");
    xhs.requests.length = 0;
    const refused = await run({ account: account.account_id });
    expect(refused).toMatchObject({ status: "failed", error: { code: "ACCOUNT_REQUIRED" } });
    expect(refused.error?.message).toContain(`POST /api/v1/accounts/${account.account_id}/activate`);
    expect(xhs.requests).toHaveLength(0);
  });

  it("without an active account runs without cookies, and the login wall fails the task ACCOUNT_REQUIRED", async () => {
    const task = await run();
    expect(task).toMatchObject({ status: "failed", error: { code: "ACCOUNT_REQUIRED" } });
    expect(sessionsSeen()).toEqual([undefined]);
  });
});

describe("a task's proxy", () => {
  it("carries the task's requests; a task without one goes direct", async () => {
    await accounts.create({ platform: "xhs", cookies: "web_session=session-proxied" });
    const before = upstream.forwarded.length;
    expect((await run({ proxy: upstream.url })).status).toBe("completed");
    const through = upstream.forwarded.slice(before);
    expect(through.some((request) => request.startsWith(xhs.baseUrl))).toBe(true);
    expect(through.some((request) => request.startsWith(xhs.apiUrl))).toBe(true);

    const count = upstream.forwarded.length;
    expect((await run()).status).toBe("completed");
    expect(upstream.forwarded.length).toBe(count);
  });

  it("from the pool when the task has none", async () => {
    await accounts.create({ platform: "xhs", cookies: "web_session=session-pooled" });
    const before = upstream.forwarded.length;
    const pooled = { ...deps, proxies: new ProxyPool([upstream.url]) };
    const { task } = await tasks.create({
      platform: "xhs",
      crawler_type: "search",
      keywords: "咖啡",
      max_notes_count: 2,
      max_attempts: 1,
    });
    expect((await runTask(task.task_id, pooled)).kind).toBe("completed");
    expect(upstream.forwarded.length).toBeGreaterThan(before);
  });
});
