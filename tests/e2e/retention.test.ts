/**
 * RESULT_RETENTION_DAYS through the whole one-machine stack (`npm start` as a child process):
 * a crawled task shows expires_at a day after it ended and its results carry a TTL the API
 * never shows; once the TTLs of a task, its results and its stored URL list are moved into
 * the past (as a day passing would), the stack's own sweep deletes them — dynalite would not
 * — and leaves another task alone.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allResults, api, isTerminal, waitForTask, type TaskView } from "../support/api.js";
import { stackAws, startStack, type RunningStack } from "../support/stack.js";
import { startTestSite, type TestSite } from "../support/site.js";

type Retained = TaskView & { expires_at: string | null; finished_at?: string; params: Record<string, unknown> };

let stack: RunningStack;
let site: TestSite;
let doc: DynamoDBDocumentClient;

/** A render-never detail task (no browser needed) over `urls`, run to its end. */
async function crawled(urls: string[]): Promise<Retained> {
  const created = await api<Retained>(stack.url, "POST", "/api/v1/tasks", {
    platform: "web",
    crawler_type: "detail",
    render: "never",
    urls,
  });
  expect(created.status).toBe(201);
  expect(created.body.data.expires_at).toBeNull();
  return (await waitForTask(stack.url, created.body.data.task_id, isTerminal, 90_000)) as Retained;
}

async function resultItems(taskId: string) {
  const page = await doc.send(
    new QueryCommand({
      TableName: "results",
      KeyConditionExpression: "task_id = :id",
      ExpressionAttributeValues: { ":id": taskId },
    }),
  );
  return page.Items ?? [];
}

/** Moves an item's TTL into the past, as if its retention had run out. */
function expireNow(table: string, key: Record<string, string>) {
  return doc.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: "SET expires_at = :past",
      ConditionExpression: "attribute_exists(expires_at)",
      ExpressionAttributeValues: { ":past": Math.floor(Date.now() / 1000) - 5 },
    }),
  );
}

beforeAll(async () => {
  site = await startTestSite();
  stack = await startStack({
    env: { CRAWL_CONCURRENCY: "1", RESULT_RETENTION_DAYS: "1", SWEEP_INTERVAL_SECS: "1" },
  });
  const aws = stackAws(stack.dataDir);
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: aws.dynamoEndpoint, region: aws.region, credentials: aws.credentials }),
  );
}, 90_000);

afterAll(async () => {
  doc?.destroy();
  await stack?.kill();
  await site?.close();
});

describe("retention on the one-machine stack", () => {
  it("deletes a task, its results and its URL list once their TTL passed, and nothing else", async () => {
    // More than 100 URLs: the list is stored beside the task (core/tasks/urlLists.ts).
    const many = Array.from({ length: 101 }, (_, i) => site.urlFor(`/products?id=${i}`));
    const [doomed, kept] = [await crawled(many), await crawled([site.urlFor("/about")])];
    expect(doomed.status).toBe("completed");
    expect(doomed.result_count).toBe(101);
    const ref = doomed.params.url_list as { id: string; pieces: number };
    expect(ref.pieces).toBeGreaterThan(0);

    // A day after it ended (the TTL is written with the status change, a moment after finished_at).
    const expiresAt = Date.parse(doomed.expires_at ?? "");
    const dayAfterEnd = Date.parse(doomed.finished_at ?? "") + 86_400_000;
    expect(Math.abs(expiresAt - dayAfterEnd)).toBeLessThan(2000);
    // The results carry their TTL in the table, at least the task's, and the API never shows it.
    const stored = await resultItems(doomed.task_id);
    expect(stored).toHaveLength(101);
    for (const item of stored) expect(item.expires_at * 1000).toBeGreaterThanOrEqual(expiresAt - 1000);
    expect((await allResults(stack.url, doomed.task_id)).some((item) => "expires_at" in item)).toBe(false);

    // A day passes for this task only.
    const pieces = Array.from({ length: ref.pieces }, (_, n) => `urls#${ref.id}#${n}`);
    await expireNow("tasks", { task_id: doomed.task_id });
    for (const key of pieces) await expireNow("tasks", { task_id: key });
    for (const item of stored) await expireNow("results", { task_id: doomed.task_id, item_key: item.item_key });

    const deadline = Date.now() + 20_000;
    while ((await api(stack.url, "GET", `/api/v1/tasks/${doomed.task_id}`)).status !== 404) {
      if (Date.now() > deadline) throw new Error(`the task was not swept within 20 s\n${stack.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitForEmpty(() => resultItems(doomed.task_id));
    for (const key of pieces)
      expect((await doc.send(new GetCommand({ TableName: "tasks", Key: { task_id: key } }))).Item).toBeUndefined();
    expect(stack.stdout()).toMatch(/^expiry: \d+ task item\(s\) and \d+ result\(s\) past their TTL deleted$/m);

    // The other task, its TTL a day away, is untouched.
    const other = await api<Retained>(stack.url, "GET", `/api/v1/tasks/${kept.task_id}`);
    expect(other.status).toBe(200);
    expect(other.body.data.expires_at).not.toBeNull();
    expect(await allResults(stack.url, kept.task_id)).toHaveLength(1);
  }, 180_000);
});

async function waitForEmpty(read: () => Promise<unknown[]>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await read()).length > 0) {
    if (Date.now() > deadline) throw new Error("items still there after 20 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
