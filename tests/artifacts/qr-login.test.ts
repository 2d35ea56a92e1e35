/**
 * Sign in by QR code through the built artifacts, under their IAM roles: the API artifact starts
 * a session (its item in the accounts table, its message on the task queue), the crawler
 * artifact takes the message, opens the login stand-in in the Chromium it installed, stores
 * the QR code and, once the test confirms on the "phone", the account (PutItem on the accounts
 * table, which infra/crawler.ts grants for this).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedFunction, LocalCloud } from "../../build/lambda/cloud.js";
import { startQrLoginStandIn } from "../fixtures/qrLogin/server.js";
import { callApi, SECRETS } from "./support.js";

let cloud: LocalCloud;
let api: DeployedFunction;
let crawler: DeployedFunction;
let zhihu: Awaited<ReturnType<typeof startQrLoginStandIn>>;

beforeAll(async () => {
  zhihu = await startQrLoginStandIn("zhihu");
  // As tests/artifacts/support.ts startCloud, and the login page pointed at the stand-in.
  cloud = await LocalCloud.start({
    secrets: SECRETS,
    extraEnvironment: { ALLOW_PRIVATE_TARGETS: "1", ZHIHU_BASE_URL_WWW: zhihu.baseUrl },
    ...(process.env.ARTIFACT_LOGS ? { onLog: (fn, line) => console.log(`[${fn}] ${line}`) } : {}),
  });
  [api, crawler] = await Promise.all([cloud.deploy(cloud.byHandler("api")), cloud.deploy(cloud.byHandler("crawler"))]);
}, 300_000);

afterAll(async () => {
  await cloud?.close();
  await zhihu?.close();
});

async function sessionIn(id: string, state: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const session = (await callApi(api, "GET", `/api/v1/accounts/login/${id}`)).body.data;
    if (session.state === state && (state !== "waiting" || session.qr_image !== undefined)) return session;
    if (Date.now() > deadline) throw new Error(`session ${id} is ${session.state}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("QR login through the artifacts", () => {
  it("stores the QR code and then the account, under the functions' roles", async () => {
    const started = await callApi(api, "POST", "/api/v1/accounts/login", { body: { platform: "zhihu" } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.data.session_id as string;

    const polled = cloud.pollQueue(crawler);
    const shown = await sessionIn(id, "waiting");
    expect(shown.qr_text).toBe(zhihu.qrText);
    await zhihu.scan();
    await sessionIn(id, "scanned");
    await zhihu.confirm();
    const { invocation, event } = (await polled)!;
    expect(invocation.error, invocation.logs.join("\n")).toBeUndefined();
    expect(event.Records[0]!.body).toBe(JSON.stringify({ login_session_id: id }));
    expect(invocation.result).toEqual({ batchItemFailures: [] });

    const done = await sessionIn(id, "done");
    const account = await callApi(api, "GET", `/api/v1/accounts/${done.account_id}`);
    expect(account.body.data).toMatchObject({ platform: "zhihu", status: "active", cookie_count: 1 });
    expect(cloud.denied()).toEqual([]);
  }, 180_000);
});
