/**
 * download_media in a real dy crawl: the stand-in (tests/fixtures/dy/, serveMedia) answers
 * real JPEG and MP4 bytes at the picture and video URLs its posts carry; an image post's
 * pictures are stored, else the video, as MediaCrawler does (core/media/sources.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TaskMediaDownloader } from "../../core/media/download.js";
import { FileMediaStore } from "../../core/media/fileStore.js";
import { dyPlatform, dyTaskInput } from "../../core/platforms/dy/index.js";
import { startDyStandIn, type DyStandIn } from "../fixtures/dy/server.js";
import { DY_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { MEDIA_BYTES, sha256Hex } from "../support/mediaBytes.js";
import { mediaHarness, ofType } from "../support/mediaHarness.js";

let dy: DyStandIn;
let dir: string;
let store: FileMediaStore;
const { task, run, pointBaseUrls } = mediaHarness({ platform: dyPlatform, schema: dyTaskInput, account: ACCOUNT });

beforeAll(async () => {
  dy = await startDyStandIn({ serveMedia: true });
  pointBaseUrls({ WWW: dy.baseUrl, SHORT: `${dy.baseUrl}/short` });
  dir = mkdtempSync(join(tmpdir(), "media-dy-"));
  store = new FileMediaStore(dir, "media-dy-test-secret-0000", () => "");
});
afterAll(async () => {
  await dy?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("stores an image post's pictures, and another post's video, with the digests of the bytes served", async () => {
  const media = new TaskMediaDownloader({
    taskId: "01DYMEDIA",
    store,
    maxFileBytes: 1024 * 1024,
    maxTaskBytes: 10 * 1024 * 1024,
    policy: { allowPrivate: true },
  });
  const { items } = await run(
    task({ crawler_type: "search", keywords: "咖啡", max_notes_count: 12, download_media: true }),
    {
      context: { media },
    },
  );
  const posts = ofType(items, "content");
  expect(posts.length).toBeGreaterThan(0);
  let images = 0;
  let videos = 0;
  for (const post of posts) {
    const files = post.data.media_files as Array<{
      key: string;
      content_type: string;
      sha256: string;
      source_url: string;
    }>;
    expect(post.data.media_errors).toBeUndefined();
    const pictures = post.data.note_download_url as string[];
    if (pictures.length > 0) {
      images++;
      expect(files.map((file) => file.source_url)).toEqual(pictures);
      expect(
        files.every((file) => file.content_type === "image/jpeg" && file.sha256 === sha256Hex(MEDIA_BYTES.jpg)),
      ).toBe(true);
    } else {
      videos++;
      expect(files).toEqual([
        expect.objectContaining({
          content_type: "video/mp4",
          source_url: post.data.video_download_url,
          sha256: sha256Hex(MEDIA_BYTES.mp4),
        }),
      ]);
    }
    for (const file of files) expect(sha256Hex(readFileSync(join(dir, ...file.key.split("/"))))).toBe(file.sha256);
  }
  expect(images).toBeGreaterThan(0);
  expect(videos).toBeGreaterThan(0);
});
