/**
 * The crawler function end to end inside one process: a task created through the
 * service, its real SQS message handed to the real handler, real Chromium crawling a
 * site served here, results in real dynalite.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { startTestAws, type TestAws } from "../support/aws.js";
import { lambdaContext } from "../support/events.js";
import type { TaskService } from "../../core/tasks/index.js";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";

let aws: TestAws;
let site: { url: string; hits: Map<string, number>; server: Server };
let crawler: typeof import("../../functions/crawler/handler.js");
let service: TaskService;

const pages: Record<string, string> = {
  "/": `<title>Home</title><meta name="description" content="the start"><a href="/a">a</a> <a href="/b">b</a> <a href="/missing">gone</a>`,
  "/a": `<title>A</title><p>page a</p><a href="/">home</a>`,
  "/b": `<title>B</title><div id="late"></div><script>document.getElementById("late").textContent = ["made", "by", "script"].join(" ")</script>`,
};

function startSite(): Promise<typeof site> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = pages[path];
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "<title>Not found</title>nothing here");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server }),
    ),
  );
}

async function takeMessage(): Promise<SQSEvent> {
  const got = await aws.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: aws.queueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 1,
      AttributeNames: ["All"],
    }),
  );
  const message = got.Messages?.[0];
  if (!message) throw new Error("no message in the queue");
  await aws.clients.sqs.send(
    new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
  return sqsEvent(message.MessageId!, message.Body!);
}

function sqsEvent(messageId: string, body: string): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: "rh",
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: String(Date.now()),
          SenderId: "local",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
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

beforeAll(async () => {
  aws = await startTestAws();
  site = await startSite();
  crawler = await import("../../functions/crawler/handler.js");
  service = buildDependencies({ ...taskParts, ...taskServiceParts }).taskService;
});

afterAll(async () => {
  await crawler?.shutdownCrawler();
  site?.server.close();
  await aws?.close();
});

describe("crawler handler", () => {
  it("crawls a task from its queue message to completed, with one result per page", async () => {
    const { task } = await service.create({
      platform: "web",
      crawler_type: "crawl",
      urls: [`${site.url}/`],
      max_depth: 1,
    });
    const response = await crawler.handler(await takeMessage(), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });

    const done = await service.get(task.task_id);
    expect(done).toMatchObject({
      status: "completed",
      attempts: 1,
      result_count: 4,
      progress: { pages_done: 4, items: 4, errors: 1 },
    });
    expect(done.finished_at! >= done.started_at!).toBe(true);

    const { items } = await service.results(task.task_id, { limit: "100" });
    const byPath = new Map(items.map((item) => [new URL(String(item.url)).pathname, item]));
    expect([...byPath.keys()].sort()).toEqual(["/", "/a", "/b", "/missing"]);
    expect(byPath.get("/")).toMatchObject({
      title: "Home",
      description: "the start",
      status: 200,
      depth: 0,
      links: 3,
      ok: true,
    });
    expect(byPath.get("/b")?.text).toContain("made by script");
    expect(byPath.get("/missing")).toMatchObject({ status: 404, ok: false, error: { code: "HTTP_404" } });
  });

  it("acknowledges a second delivery of a finished task without crawling again", async () => {
    const { task } = await service.create({ platform: "web", crawler_type: "detail", urls: [`${site.url}/a`] });
    const event = await takeMessage();
    await crawler.handler(event, lambdaContext());
    const hitsAfterFirst = site.hits.get("/a");
    const again = await crawler.handler(event, lambdaContext());
    expect(again).toEqual({ batchItemFailures: [] });
    expect(site.hits.get("/a")).toBe(hitsAfterFirst);
    expect((await service.get(task.task_id)).attempts).toBe(1);
  });

  it("acknowledges a message it cannot read instead of retrying it forever", async () => {
    const response = await crawler.handler(sqsEvent("m-poison", "this is not json"), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it("fails a task whose every page fails, naming the first error", async () => {
    const { task } = await service.create({
      platform: "web",
      crawler_type: "detail",
      urls: [`${site.url}/missing`, `${site.url}/nope`],
    });
    await crawler.handler(await takeMessage(), lambdaContext());
    const failed = await service.get(task.task_id);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("ALL_PAGES_FAILED");
    expect(failed.error?.message).toMatch(/all 2 pages failed; first error \(HTTP_404\)/);
    expect(failed.result_count).toBe(2);
  });
});
