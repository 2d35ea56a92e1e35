/**
 * download_media in a real crawl: xhs's stand-in (tests/fixtures/xhs/, with its CDN origin
 * serving real JPEG and MP4 bytes) crawled in real Chromium through crawlMedia, each post's
 * pictures and video stored by the downloader into the one-machine store. Checks the files
 * and their digests, the caps, a refused type and a refused address, and that a post is
 * stored whatever happened to its files.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskMediaDownloader, type TaskMediaDownloaderOptions } from "../../core/media/download.js";
import { FileMediaStore } from "../../core/media/fileStore.js";
import { xhsPlatform, xhsTaskInput } from "../../core/platforms/xhs/index.js";
import { XHS_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { MEDIA_BYTES, sha256Hex } from "../support/mediaBytes.js";
import { mediaHarness, ofType } from "../support/mediaHarness.js";

let xhs: XhsStandIn;
let dir: string;
let store: FileMediaStore;
const { task, run, pointBaseUrls } = mediaHarness({
  platform: xhsPlatform,
  schema: xhsTaskInput,
  account: ACCOUNT,
  taskId: "01CRAWLMEDIA",
});

beforeAll(async () => {
  xhs = await startXhsStandIn({ serveMedia: true, notesPerKeyword: 6, commentsPerNote: 0 });
  pointBaseUrls({ WWW: xhs.baseUrl, API: xhs.apiUrl, SHORT: `${xhs.baseUrl}/short` });
  dir = mkdtempSync(join(tmpdir(), "media-crawl-"));
  store = new FileMediaStore(dir, "media-crawl-test-secret-000", () => "http://127.0.0.1:1");
});
afterAll(async () => {
  await xhs?.close();
  rmSync(dir, { recursive: true, force: true });
});

const downloader = (taskId: string, options: Partial<TaskMediaDownloaderOptions> = {}) =>
  new TaskMediaDownloader({
    taskId,
    store,
    maxFileBytes: 1024 * 1024,
    maxTaskBytes: 1024 * 1024,
    policy: { allowPrivate: true },
    ...options,
  });

type MediaFile = { key: string; content_type: string; bytes: number; sha256: string; source_url: string };
type MediaError = { source_url: string; code: string; message: string };

describe("xhs with download_media", () => {
  it("stores each post's pictures and video, with sizes and digests of the bytes served", async () => {
    const { items } = await run(
      task({ crawler_type: "search", keywords: "相机", max_notes_count: 6, download_media: true }),
      {
        context: { media: downloader("01CRAWL1") },
      },
    );
    const posts = ofType(items, "content");
    expect(posts).toHaveLength(6);
    for (const post of posts) {
      const files = post.data.media_files as MediaFile[];
      const video = post.data.type === "video";
      expect(post.data.media_errors, JSON.stringify(post.data.media_errors)).toBeUndefined();
      // Two pictures each (data.ts), and the video's file for a video note.
      expect(files.map((file) => file.content_type)).toEqual([
        "image/jpeg",
        "image/jpeg",
        ...(video ? ["video/mp4"] : []),
      ]);
      expect(files.map((file) => file.source_url)).toEqual([
        ...(post.data.image_list as string[]),
        ...(video ? [post.data.video_url] : []),
      ]);
      files.forEach((file, n) => {
        const bytes = file.content_type === "video/mp4" ? MEDIA_BYTES.mp4 : MEDIA_BYTES.jpg;
        expect(file.key).toBe(`01CRAWL1/${post.item_key}/${n}.${file.content_type === "video/mp4" ? "mp4" : "jpg"}`);
        expect(file.bytes).toBe(bytes.length);
        expect(file.sha256).toBe(sha256Hex(bytes));
        expect(sha256Hex(readFileSync(join(dir, ...file.key.split("/"))))).toBe(file.sha256);
      });
    }
    expect(posts.some((post) => post.data.type === "video")).toBe(true);
    // Comments and the like are never downloaded for.
    for (const item of items.filter((item) => item.data.item_type !== "content"))
      expect(item.data.media_files).toBeUndefined();
  });

  it("stops storing at the task's cap, and keeps every post", async () => {
    const cap = 3 * MEDIA_BYTES.jpg.length;
    const { items } = await run(
      task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 3, download_media: true }),
      {
        context: { media: downloader("01CRAWL2", { maxTaskBytes: cap }) },
      },
    );
    const posts = ofType(items, "content");
    expect(posts).toHaveLength(3);
    const stored = posts.flatMap((post) => (post.data.media_files as MediaFile[]) ?? []);
    expect(stored.reduce((sum, file) => sum + file.bytes, 0)).toBeLessThanOrEqual(cap);
    // The first note (a video: two pictures and its MP4) fits; the next picture does not.
    expect(stored.map((file) => file.content_type)).toEqual(["image/jpeg", "image/jpeg", "video/mp4"]);
    const errors = posts.flatMap((post) => (post.data.media_errors as MediaError[]) ?? []);
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(["MEDIA_TASK_CAP"]));
    expect(await store.bytesUnder("01CRAWL2/")).toBe(stored.reduce((sum, file) => sum + file.bytes, 0));
  });

  it("records a refused type and a refused address on the post, which is stored", async () => {
    // Notes made from here on point at the CDN's /wrong/ path: HTML labelled image/jpeg.
    xhs.data.serveMediaFrom(`${xhs.urls.cdn}/wrong`);
    const { items } = await run(
      task({ crawler_type: "search", keywords: "拿铁", max_notes_count: 1, download_media: true }),
      {
        context: { media: downloader("01CRAWL3") },
      },
    );
    const [post] = ofType(items, "content");
    expect(post?.data.media_files).toEqual([]);
    // Two pictures and, for this video note, its stream: all HTML labelled as media.
    expect((post?.data.media_errors as MediaError[]).map((error) => error.code)).toEqual([
      "MEDIA_BAD_TYPE",
      "MEDIA_BAD_TYPE",
      "MEDIA_BAD_TYPE",
    ]);
    xhs.data.serveMediaFrom(xhs.urls.cdn as string);

    const { items: strict } = await run(
      task({ crawler_type: "search", keywords: "茶", max_notes_count: 1, download_media: true }),
      {
        context: { media: downloader("01CRAWL4", { policy: { allowPrivate: false } }) },
      },
    );
    const [blocked] = ofType(strict, "content");
    expect(blocked?.ok).toBe(true);
    expect(blocked?.data.media_files).toEqual([]);
    expect((blocked?.data.media_errors as MediaError[]).every((error) => error.code === "MEDIA_BLOCKED")).toBe(true);
    expect(await store.bytesUnder("01CRAWL4/")).toBe(0);
  });

  it("without download_media, downloads nothing", async () => {
    const { items } = await run(task({ crawler_type: "search", keywords: "相机", max_notes_count: 2 }), {
      context: { media: downloader("01CRAWL5") },
    });
    expect(ofType(items, "content").every((post) => post.data.media_files === undefined)).toBe(true);
    expect(await store.bytesUnder("01CRAWL5/")).toBe(0);
  });
});
