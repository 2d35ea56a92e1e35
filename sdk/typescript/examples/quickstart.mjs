// The crawl-tasks SDK, start to end: create a crawl, wait for it, read its results page by page,
// export them as files, see how errors look, cancel and delete. docs/sdk.md shows its output
// (tests/e2e/sdk.test.ts runs it against the one-machine stack and checks that output).
//
//   npm install crawl-tasks
//   API_URL=http://127.0.0.1:8888 SITE_URL=https://example.com/ node quickstart.mjs
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { ApiError, CrawlTasksClient } from "crawl-tasks";

const client = new CrawlTasksClient({
  baseUrl: process.env.API_URL ?? "http://127.0.0.1:8888",
  apiKey: process.env.API_KEY, // only when the API has keys configured
});
const site = process.env.SITE_URL ?? "https://example.com/";

// 1. Create a crawl and wait until it ends (polling backs off from 1 s to 10 s).
const created = await client.createTask({
  platform: "web",
  crawler_type: "crawl",
  urls: [site],
  max_depth: 4,
  max_pages: 50,
});
console.log(`created ${created.platform} ${created.crawler_type}: ${created.status}`);
const task = await client.waitForTask(created.task_id, { timeoutMs: 5 * 60_000 });
console.log(
  `${task.status}: ${task.progress.pages_done} pages, ${task.result_count} results, ${task.progress.errors} errors`,
);

// 2. Every result, 4 per request: the iterator follows the cursor from page to page.
let items = 0;
let failed = 0;
for await (const item of client.results(task.task_id, { pageSize: 4 })) {
  items++;
  if (!item.ok) failed++;
}
console.log(`results: ${items} items (${failed} record a failure)`);

// 3. Export as files, streamed: csv and jsonl pages arrive as parts of one file.
let pages = 0;
await pipeline(
  client.exportResults(task.task_id, { format: "csv", pageSize: 4, onPage: () => pages++ }),
  createWriteStream("results.csv"),
);
const csv = await readFile("results.csv", "utf8");
console.log(`results.csv: ${pages} pages, header ${csv.slice(0, csv.indexOf(",ok") + 3)}`);
await pipeline(client.exportResults(task.task_id, { format: "jsonl" }), createWriteStream("results.jsonl"));
const jsonl = await readFile("results.jsonl", "utf8");
console.log(`results.jsonl: ${jsonl.trimEnd().split("\n").length} lines`);

// 4. Errors: an ApiError with the HTTP status, the stable code and the field to blame.
try {
  await client.createTask({ platform: "web", crawler_type: "crawl", urls: [site], max_pages: 0 });
} catch (error) {
  if (!(error instanceof ApiError)) throw error;
  console.log(`${error.status} ${error.code} (${error.field}): ${error.message}`);
}
try {
  await client.getTask("01M8HQ0000000000000000000X");
} catch (error) {
  if (!(error instanceof ApiError)) throw error;
  console.log(`${error.status} ${error.code}: ${error.message}`);
}

// 5. Cancel a task that is still running, then delete both tasks and their results.
const slow = await client.createTask({ platform: "web", crawler_type: "detail", urls: [new URL("/slow", site).href] });
console.log(`cancelled: ${(await client.cancelTask(slow.task_id)).status}`);
console.log(`deleted: ${(await client.deleteTask(task.task_id)).results_deleted} results`);
console.log(`deleted: ${(await client.deleteTask(slow.task_id)).results_deleted} results`);
