/**
 * The crawler function's artifact, built as SST builds it (puppeteer-core and
 * @sparticuz/chromium installed for linux/x64 beside the bundle), run in a Lambda-like
 * sandbox: it takes the SQS event of a task the API artifact created, launches the Chromium
 * that @sparticuz/chromium unpacks into the sandbox's /tmp, crawls pages this test serves,
 * stores results under its IAM role, and answers with batchItemFailures. With little time
 * left in the invocation it hands the task over to a new message.
 *
 * This is the test that fails when the crawler artifact stops loading: e.g. with
 * puppeteer-core bundled again (infra/crawler.ts nodejs.install), the bundle declares
 * `__dirname` twice and Lambda would fail every crawl at load.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedFunction, LocalCloud } from "../../build/lambda/cloud.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { callApi, startCloud } from "./support.js";

let cloud: LocalCloud;
let api: DeployedFunction;
let crawler: DeployedFunction;
let site: TestSite;

beforeAll(async () => {
  cloud = await startCloud();
  [api, crawler] = await Promise.all([cloud.deploy(cloud.byHandler("api")), cloud.deploy(cloud.byHandler("crawler"))]);
  site = await startTestSite();
}, 300_000);

afterAll(async () => {
  await cloud?.close();
  await site?.close();
});

async function createTask(body: object): Promise<string> {
  const created = await callApi(api, "POST", "/api/v1/tasks", { body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.data.task_id;
}

async function taskOf(taskId: string) {
  return (await callApi(api, "GET", `/api/v1/tasks/${taskId}`)).body.data;
}

describe("crawler artifact", () => {
  it("loads, crawls a task from its SQS event in the Chromium it installed, and stores the results", async () => {
    const taskId = await createTask({
      platform: "web",
      crawler_type: "crawl",
      urls: [site.url],
      max_pages: 4,
      max_depth: 1,
    });
    const polled = await cloud.pollQueue(crawler);
    expect(polled, "the API's message reached the task queue").toBeDefined();
    const { invocation, event } = polled!;
    expect(invocation.error, invocation.logs.join("\n")).toBeUndefined();
    expect(invocation.coldStart).toBe(true);
    expect(invocation.result).toEqual({ batchItemFailures: [] });
    expect(event.Records[0]!.body).toBe(JSON.stringify({ task_id: taskId }));

    const task = await taskOf(taskId);
    expect(task.status).toBe("completed");
    expect(task.result_count).toBe(4);
    const results = await callApi(api, "GET", `/api/v1/tasks/${taskId}/results`);
    expect(results.body.data.items).toHaveLength(4);
    expect(results.body.data.items.map((item: { url: string }) => item.url)).toContain(site.url);
    expect(site.requests).toContain("/");

    // Chromium came from the artifact's @sparticuz/chromium, unpacked into the sandbox's /tmp.
    expect(existsSync(join(crawler.sandbox.taskRoot, "node_modules/@sparticuz/chromium/bin/chromium.br"))).toBe(true);
    expect(existsSync(join(crawler.sandbox.tmp, "chromium"))).toBe(true);
    // …and puppeteer-core from its node_modules, not from the bundle.
    expect(readdirSync(join(crawler.sandbox.taskRoot, "node_modules"))).toContain("puppeteer-core");
    expect(cloud.denied()).toEqual([]);
  });

  it("crawls the next task warm, in the same sandbox and browser", async () => {
    const taskId = await createTask({
      platform: "web",
      crawler_type: "crawl",
      urls: [site.urlFor("/about")],
      max_pages: 1,
    });
    const { invocation } = (await cloud.pollQueue(crawler))!;
    expect(invocation.error, invocation.logs.join("\n")).toBeUndefined();
    expect(invocation.coldStart).toBe(false);
    expect((await taskOf(taskId)).status).toBe("completed");
  });

  it("a schedule's run with since_last_run reads and writes the schedule's record under its grants: the next run stores nothing unchanged", async () => {
    const scheduleId = "01ARTIFACTSINCELASTRUN0001";
    /** A task the API created, made a run of the schedule (as core/schedules/runner.ts creates it), then crawled. */
    const scheduledRun = async () => {
      const taskId = await createTask({
        platform: "web",
        crawler_type: "crawl",
        urls: [site.urlFor("/about")],
        max_pages: 1,
      });
      await cloud.admin.doc.send(
        new UpdateCommand({
          TableName: cloud.tableName("Tasks"),
          Key: { task_id: taskId },
          UpdateExpression: "SET schedule_id = :schedule, since_last_run = :yes, origin = :origin",
          ExpressionAttributeValues: { ":schedule": scheduleId, ":yes": true, ":origin": "schedule" },
        }),
      );
      const { invocation } = (await cloud.pollQueue(crawler))!;
      expect(invocation.error, invocation.logs.join("\n")).toBeUndefined();
      return taskOf(taskId);
    };
    const first = await scheduledRun();
    expect(first).toMatchObject({ status: "completed", result_count: 1, since_last_run: true });
    const stored = await callApi(api, "GET", `/api/v1/tasks/${first.task_id}/results`);
    const itemKey = stored.body.data.items[0]?.item_key;
    expect(itemKey).toEqual(expect.any(String));
    const entry = await cloud.admin.doc.send(
      new GetCommand({
        TableName: cloud.tableName("Schedules"),
        Key: { schedule_id: `seen#${scheduleId}#${itemKey}` },
      }),
    );
    expect(entry.Item?.hash).toEqual(expect.any(String));
    const second = await scheduledRun();
    expect(second).toMatchObject({ status: "completed", result_count: 0 });
    expect(cloud.denied()).toEqual([]);
  });

  it("hands a task over to a new message when the invocation's time runs short, and the next delivery finishes it", async () => {
    const slow = await startTestSite(
      Object.fromEntries([
        [
          "/",
          `<html><body>${Array.from({ length: 8 }, (_, i) => `<a href="/p${i}">p${i}</a>`).join("")}</body></html>`,
        ],
        ...Array.from({ length: 8 }, (_, i) => [
          `/p${i}`,
          { body: `<html><body><p>page ${i}</p></body></html>`, delayMs: 700 },
        ]),
      ]),
    );
    try {
      const taskId = await createTask({
        platform: "web",
        crawler_type: "crawl",
        urls: [slow.url],
        max_pages: 9,
        max_depth: 1,
        host_concurrency: 1,
      });
      // Four seconds left: the crawler stops with half of it to spare and queues a continuation.
      const short = (await cloud.pollQueue(crawler, { timeoutMs: 4_000 }))!;
      expect(short.invocation.error, short.invocation.logs.join("\n")).toBeUndefined();
      expect(short.invocation.result).toEqual({ batchItemFailures: [] });
      const handedOver = await taskOf(taskId);
      expect(handedOver.status).toBe("pending");
      expect(handedOver.continuations).toBe(1);
      expect(handedOver.result_count).toBeGreaterThan(0);
      expect(handedOver.result_count).toBeLessThan(9);

      const next = (await cloud.pollQueue(crawler))!;
      expect(next.invocation.error, next.invocation.logs.join("\n")).toBeUndefined();
      const finished = await taskOf(taskId);
      expect(finished.status).toBe("completed");
      expect(finished.result_count).toBe(9);
    } finally {
      await slow.close();
    }
  });
});
