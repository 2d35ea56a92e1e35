/**
 * Sign in by QR code through the running one-machine stack: the CLI (`accounts login`, a child
 * process as users run it) and the dashboard (real headless Chromium) each start a session,
 * the stack's worker opens a platform's login stand-in (tests/fixtures/qrLogin), and the test
 * plays the phone. `SHOW_OUTPUT=1` prints what the CLI printed (docs/accounts-and-proxies.md).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoAccountStore } from "../../core/accounts/store.js";
import { launchChromium } from "../../core/browser/index.js";
import { startQrLoginStandIn } from "../fixtures/qrLogin/server.js";
import { api } from "../support/api.js";
import { type RunningStack, stackAws, startStack } from "../support/stack.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(root, "cli/bin.js");

let stack: RunningStack;
let xhs: Awaited<ReturnType<typeof startQrLoginStandIn>>;
let bili: Awaited<ReturnType<typeof startQrLoginStandIn>>;
let browser: Browser;
let page: Page;
let doc: DynamoDBDocumentClient;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  [xhs, bili] = await Promise.all([startQrLoginStandIn("xhs"), startQrLoginStandIn("bili")]);
  stack = await startStack({
    env: { CRAWL_CONCURRENCY: "1", XHS_BASE_URL_WWW: xhs.baseUrl, BILI_BASE_URL_WWW: bili.baseUrl },
    readyTimeoutMs: 120_000,
  });
  browser = await launchChromium({ egress: false, singleProcess: false });
  page = await browser.newPage();
  const aws = stackAws(stack.dataDir);
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: aws.dynamoEndpoint, region: aws.region, credentials: aws.credentials }),
  );
}, 180_000);

afterAll(async () => {
  doc?.destroy();
  await browser?.close();
  await stack?.stop();
  await xhs?.close();
  await bili?.close();
});

describe("sign in by QR code", () => {
  it("CLI: prints the QR code, follows the phone, exits 0 with the new account's id on stdout", async () => {
    const child = spawn(process.execPath, [BIN, "accounts", "login", "--platform", "xhs"], {
      cwd: root,
      env: { ...process.env, API_URL: stack.url, API_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exit = new Promise<number | null>((resolve) => child.once("close", resolve));

    await until(() => stderr.includes("waiting: scan the QR code"), 60_000, "the QR code in the terminal");
    // The terminal drawing is of the stand-in's code: qrcode's utf8 renderer uses block characters.
    expect(stderr).toMatch(/[█▀▄]{7}/);
    await xhs.scan();
    await until(() => stderr.includes("scanned: confirm the login on the phone"), 20_000, "scanned");
    await xhs.confirm();
    expect(await exit).toBe(0);
    if (process.env.SHOW_OUTPUT) console.log(`--- stderr\n${stderr}--- stdout\n${stdout}`);
    expect(stderr).toContain("done: signed in");
    const accountId = stdout.trim();
    expect(accountId).toMatch(/^[0-9A-Z]{26}$/);
    const { body } = await api<{ platform: string; status: string }>(stack.url, "GET", `/api/v1/accounts/${accountId}`);
    expect(body.data).toMatchObject({ platform: "xhs", status: "active" });
  }, 120_000);

  it("dashboard: Sign in by QR code shows the image and the state until done, then lists the account", async () => {
    await page.goto(`${stack.url}/#/accounts`, { waitUntil: "networkidle0" });
    await page.waitForSelector("#login-start");
    await page.select("#login-platform", "bili");
    await page.click("#login-start");
    await page.waitForSelector("#login-qr:not([hidden])", { timeout: 60_000 });
    const src = await page.$eval("#login-qr", (image) => (image as HTMLImageElement).src);
    expect(src).toMatch(/^data:image\/png;base64,/);
    await bili.scan();
    await page.waitForSelector('#login-state[data-state="scanned"]', { timeout: 20_000 });
    await bili.confirm();
    await page.waitForSelector('#login-state[data-state="done"]', { timeout: 20_000 });
    const state = await page.$eval("#login-state", (element) => element.textContent ?? "");
    const accountId = /Account ([0-9A-Z]{26})/.exec(state)?.[1];
    expect(accountId).toBeDefined();
    await page.waitForSelector(`tr[data-account-id="${accountId}"]`, { timeout: 10_000 });
  }, 120_000);

  it("dashboard: Sign in again on an expired account gives it the new cookies and makes it active", async () => {
    const created = await api<{ account_id: string; fingerprint: string }>(stack.url, "POST", "/api/v1/accounts", {
      platform: "bili",
      cookies: "SESSDATA=stale-0001; DedeUserID=1",
    });
    const accountId = created.body.data.account_id;
    // As a crawl marks it when the site asks for a login (core/accounts/pool.ts).
    await new DynamoAccountStore(doc, "accounts").update(accountId, {
      status: "expired",
      status_reason: "ACCOUNT_EXPIRED: bili: login required",
    });
    bili.reset();
    // The page is on #/accounts already: load it again to list the account as expired.
    await page.reload({ waitUntil: "networkidle0" });
    const relogin = `tr[data-account-id="${accountId}"] button[data-action="relogin"]`;
    await page.waitForSelector(relogin, { timeout: 10_000 });
    await page.click(relogin);
    await page.waitForSelector("#login-qr:not([hidden])", { timeout: 60_000 });
    await bili.scan();
    await bili.confirm();
    await page.waitForSelector('#login-state[data-state="done"]', { timeout: 20_000 });
    expect(await page.$eval("#login-state", (element) => element.textContent ?? "")).toContain(`Account ${accountId}`);
    const account = await api<{ status: string; fingerprint: string }>(
      stack.url,
      "GET",
      `/api/v1/accounts/${accountId}`,
    );
    expect(account.body.data.status).toBe("active");
    expect(account.body.data.fingerprint).not.toBe(created.body.data.fingerprint);
    await page.waitForSelector(`tr[data-account-id="${accountId}"] [data-status="active"]`, { timeout: 10_000 });
  }, 120_000);
});
