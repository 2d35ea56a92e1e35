/**
 * download_media on the API side, AWS-shaped: the task service over dynalite and the SQS
 * stand-in, with the S3 media store on s3rver (real clients throughout). Results answer
 * presigned links that download the stored bytes; the CSV carries them; deleting the task
 * deletes its files.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { S3MediaStore } from "../../core/media/s3Store.js";
import { SqsTaskQueue } from "../../core/queue/taskQueue.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { TaskService } from "../../core/tasks/service.js";
import { DynamoTaskStore } from "../../core/tasks/store.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { MEDIA_BYTES, sha256Hex } from "../support/mediaBytes.js";
import { startTestS3, type TestS3 } from "../support/s3.js";

let aws: TestAws;
let s3: TestS3;
let store: S3MediaStore;
let service: TaskService;
let tasks: DynamoTaskStore;
let results: DynamoResultStore;

beforeAll(async () => {
  [aws, s3] = await Promise.all([startTestAws(), startTestS3()]);
  store = new S3MediaStore(s3.client, await s3.bucket("media-service"));
  tasks = new DynamoTaskStore(aws.clients.doc, aws.tasksTable);
  results = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
  service = new TaskService(
    { tasks, results, queue: new SqsTaskQueue(aws.clients.sqs, aws.queueUrl), media: { store, linkTtlSecs: 120 } },
    { maxAttempts: 3 },
  );
});
afterAll(async () => {
  await s3?.close();
  await aws?.close();
});

it("links stored files in results and exports, and deletes them with the task", async () => {
  const { task } = await service.create({
    platform: "xhs",
    crawler_type: "search",
    keywords: "相机",
    download_media: true,
  });
  const key = `${task.task_id}/xhs:content:n1/0.jpg`;
  await store.put(key, MEDIA_BYTES.jpg, "image/jpeg");
  const file = {
    key,
    content_type: "image/jpeg",
    bytes: MEDIA_BYTES.jpg.length,
    sha256: sha256Hex(MEDIA_BYTES.jpg),
    source_url: "https://cdn.example/0.jpg",
  };
  await results.putMany(task.task_id, [
    {
      item_key: "xhs:content:n1",
      ok: true,
      data: { item_type: "content", platform: "xhs", note_id: "n1", media_files: [file] },
    },
  ]);

  const page = await service.results(task.task_id, {});
  const linked = (page.items[0]?.media_files as Array<Record<string, string>>)[0] as Record<string, string>;
  expect(linked).toMatchObject(file);
  expect(linked.url).toContain("X-Amz-Signature=");
  expect(Date.parse(linked.url_expires_at as string) - Date.now()).toBeLessThanOrEqual(120_000);
  const download = await fetch(linked.url as string);
  expect(download.status).toBe(200);
  expect(sha256Hex(Buffer.from(await download.arrayBuffer()))).toBe(file.sha256);
  // Nothing of the link is stored.
  const raw = await results.list(task.task_id, { limit: 10 });
  expect((raw.items[0]?.media_files as Array<Record<string, unknown>>)[0]).not.toHaveProperty("url");

  const csv = await service.results(task.task_id, { format: "csv" });
  expect(csv.columns).toEqual(expect.arrayContaining(["media_urls", "media_sha256", "media_errors"]));
  expect(String(csv.items[0]?.media_urls)).toContain(`/media-service/${encodeURIComponent(task.task_id)}/`);

  const stored = await tasks.get(task.task_id);
  await tasks.transition(stored!, ["pending"], "cancelled", { finished_at: new Date().toISOString() });
  await service.delete(task.task_id);
  expect(await store.bytesUnder(`${task.task_id}/`)).toBe(0);
  expect((await fetch(linked.url as string)).status).toBe(404);
});
