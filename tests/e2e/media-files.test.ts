/**
 * download_media through `npm start`: the stack crawls xhs's stand-in (serving real JPEG
 * and MP4 bytes), stores the files under DATA_DIR/media, answers results with signed links
 * its gateway serves, refuses the field on a platform without file URLs, and deletes the
 * files with the task. MEDIA_E2E_PRINT=1 prints the answers docs/media-files.md quotes.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { MEDIA_BYTES, sha256Hex } from "../support/mediaBytes.js";
import { startStack, type RunningStack } from "../support/stack.js";

let xhs: XhsStandIn;
let stack: RunningStack;
const show = (label: string, value: unknown) => {
  if (process.env.MEDIA_E2E_PRINT)
    console.log(`--- ${label}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}`);
};

beforeAll(async () => {
  xhs = await startXhsStandIn({ serveMedia: true, notesPerKeyword: 3, commentsPerNote: 0 });
  stack = await startStack({
    env: {
      CRAWL_CONCURRENCY: "1",
      XHS_BASE_URL_WWW: xhs.baseUrl,
      XHS_BASE_URL_API: xhs.apiUrl,
      ALLOW_PRIVATE_TARGETS: "1",
      CREATOR_HASH_SECRET: "media-e2e-creator-hash-secret-0123456789",
      MEDIA_DELAY_SCALE: "0",
    },
  });
  const created = await fetch(`${stack.url}/api/v1/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ platform: "xhs", cookies: "web_session=040069b5-media-session; a1=18f0c0ffee" }),
  });
  expect(created.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.kill();
  await xhs?.close();
});

async function waitEnded(taskId: string): Promise<{ status: string }> {
  for (const started = Date.now(); Date.now() - started < 120_000; ) {
    const task = ((await (await fetch(`${stack.url}/api/v1/tasks/${taskId}`)).json()) as { data: { status: string } })
      .data;
    if (["completed", "failed", "cancelled"].includes(task.status)) return task;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("task did not end");
}

describe("download_media on the one-machine stack", () => {
  it("refuses it where posts carry no file URLs, naming the field", async () => {
    const answer = await fetch(`${stack.url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ platform: "zhihu", crawler_type: "search", keywords: "相机", download_media: true }),
    });
    const body = await answer.json();
    show("zhihu refused", { status: answer.status, body });
    expect(answer.status).toBe(400);
    expect(body).toMatchObject({
      code: 400,
      message: expect.stringMatching(/^download_media: /),
      data: { field: "download_media" },
    });
  });

  it("stores the files, links them in results and exports, serves the links, deletes them with the task", async () => {
    const created = await fetch(`${stack.url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        platform: "xhs",
        crawler_type: "search",
        keywords: "相机",
        max_notes_count: 1,
        download_media: true,
      }),
    });
    expect(created.status).toBe(201);
    const taskId = ((await created.json()) as { data: { task_id: string } }).data.task_id;
    expect((await waitEnded(taskId)).status).toBe("completed");

    const results = (await (await fetch(`${stack.url}/api/v1/tasks/${taskId}/results`)).json()) as {
      data: { items: Array<Record<string, unknown>> };
    };
    const post = results.data.items.find((item) => item.item_type === "content") as Record<string, unknown>;
    show("results item", { ...post, desc: "…" });
    const files = post.media_files as Array<{
      key: string;
      url: string;
      url_expires_at: string;
      sha256: string;
      content_type: string;
    }>;
    expect(files.map((file) => file.content_type)).toEqual(["image/jpeg", "image/jpeg", "video/mp4"]);
    for (const file of files) {
      expect(file.key.startsWith(`${taskId}/xhs:content:`)).toBe(true);
      expect(file.url.startsWith(`${stack.url}/media/${taskId}/`)).toBe(true);
      const download = await fetch(file.url);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe(file.content_type);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(sha256Hex(bytes)).toBe(file.sha256);
      expect(file.sha256).toBe(sha256Hex(file.content_type === "video/mp4" ? MEDIA_BYTES.mp4 : MEDIA_BYTES.jpg));
    }
    const first = files[0] as { url: string };
    const tampered = await fetch(first.url.replace(/sig=./, (s) => (s.endsWith("0") ? "sig=1" : "sig=0")));
    const refusal = await tampered.json();
    show("tampered link", { status: tampered.status, body: refusal });
    expect(tampered.status).toBe(403);

    const csv = await (await fetch(`${stack.url}/api/v1/tasks/${taskId}/results?format=csv`)).text();
    const [header, row] = csv.split("\r\n");
    show("csv header", header);
    expect(header).toContain("media_urls,media_sha256,media_errors");
    expect(row).toContain(`${stack.url}/media/${taskId}/`);

    const folder = join(stack.dataDir, "media", taskId);
    expect(readdirSync(folder)).toHaveLength(1);
    const deleted = await fetch(`${stack.url}/api/v1/tasks/${taskId}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(existsSync(folder)).toBe(false);
    expect((await fetch(first.url)).status).toBe(404);
  }, 150_000);
});
