import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import { MEDIA_CSV_COLUMNS, withMediaLinks } from "../../core/media/links.js";
import { checkSignedMediaPath, signedMediaPath } from "../../core/media/linkSignature.js";
import { sniffMedia } from "../../core/media/sniff.js";
import { canDownloadMedia, mediaSourcesOf } from "../../core/media/sources.js";
import { isMediaKey, mediaFileKey } from "../../core/media/store.js";
import { platformExportColumns } from "../../core/platforms/registry.js";
import { parseTaskBody } from "../../core/tasks/schema.js";
import { MEDIA_BYTES } from "../support/mediaBytes.js";

const search = { crawler_type: "search", keywords: "相机" };

describe("download_media on a task", () => {
  it.each(["xhs", "dy", "ks", "bili", "wb"])("%s takes it (default false)", (platform) => {
    expect(parseTaskBody({ platform, ...search, download_media: true }).input.download_media).toBe(true);
    expect(parseTaskBody({ platform, ...search }).input.download_media).toBe(false);
  });

  it.each(["tieba", "zhihu"])("%s refuses it with a 400 naming the field: its posts carry no file URLs", (platform) => {
    let error: unknown;
    try {
      parseTaskBody({ platform, ...search, download_media: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(`download_media: ${platform} posts carry no image or video URLs to download`);
    expect(canDownloadMedia(platform)).toBe(false);
    // false is fine anywhere.
    expect(parseTaskBody({ platform, ...search, download_media: false }).input.download_media).toBe(false);
  });

  it("refuses a value that is not a boolean", () => {
    expect(() => parseTaskBody({ platform: "xhs", ...search, download_media: "yes" })).toThrow(
      /^download_media: must be true or false/,
    );
  });

  it("adds the media columns to the CSV only when asked", () => {
    const task = (params: Record<string, unknown>) => ({ platform: "xhs", crawler_type: "search", params });
    expect(platformExportColumns(task({ download_media: true }))).toEqual(
      expect.arrayContaining([...MEDIA_CSV_COLUMNS]),
    );
    expect(platformExportColumns(task({}))).not.toContain("media_urls");
  });
});

describe("what each platform downloads", () => {
  it("follows MediaCrawler: xhs pictures then video, dy pictures or else the video, bili the cover, wb pictures", () => {
    expect(mediaSourcesOf("xhs", { image_list: ["a", "b", "a"], video_url: "v" })).toEqual([
      { url: "a", kind: "image" },
      { url: "b", kind: "image" },
      { url: "v", kind: "video" },
    ]);
    expect(mediaSourcesOf("dy", { note_download_url: ["p"], video_download_url: "v", cover_url: "c" })).toEqual([
      { url: "p", kind: "image" },
    ]);
    expect(mediaSourcesOf("dy", { note_download_url: [], video_download_url: "v" })).toEqual([
      { url: "v", kind: "video" },
    ]);
    expect(mediaSourcesOf("ks", { video_cover_url: "c", video_play_url: "v" })).toEqual([
      { url: "c", kind: "image" },
      { url: "v", kind: "video" },
    ]);
    expect(mediaSourcesOf("bili", { video_cover_url: "c", video_url: "https://www.bilibili.com/video/av1" })).toEqual([
      { url: "c", kind: "image" },
    ]);
    expect(mediaSourcesOf("wb", { image_list: ["w"] })).toEqual([{ url: "w", kind: "image" }]);
    expect(mediaSourcesOf("zhihu", { content_url: "x" })).toEqual([]);
  });
});

describe("sniffing", () => {
  it("knows the fixture files and refuses text", () => {
    expect(sniffMedia(MEDIA_BYTES.jpg)).toMatchObject({ contentType: "image/jpeg", kind: "image" });
    expect(sniffMedia(MEDIA_BYTES.webp)).toMatchObject({ contentType: "image/webp", kind: "image" });
    expect(sniffMedia(MEDIA_BYTES.mp4)).toMatchObject({ contentType: "video/mp4", kind: "video" });
    expect(sniffMedia(Buffer.from("<html><body>404</body></html>"))).toBeUndefined();
  });
});

describe("keys and local links", () => {
  it("keys files per task and post, and accepts no path tricks", () => {
    expect(mediaFileKey("01T", "xhs:content:abc", 2, "mp4")).toBe("01T/xhs:content:abc/2.mp4");
    expect(mediaFileKey("01T", "wb:content:a/../b", 0, "jpg")).toBe("01T/wb:content:a_.._b/0.jpg");
    expect(isMediaKey("01T/../etc/0.jpg")).toBe(false);
    expect(isMediaKey("01T/xhs:content:abc/0.jpg")).toBe(true);
  });

  it("checks a link's signature before its expiry", () => {
    const path = signedMediaPath("secret-0123456789", "01T/xhs:content:abc/0.jpg", 2_000_000_000);
    const [pathname, query] = path.split("?") as [string, string];
    expect(checkSignedMediaPath("secret-0123456789", pathname, new URLSearchParams(query), 0)).toEqual({
      ok: true,
      key: "01T/xhs:content:abc/0.jpg",
    });
    expect(checkSignedMediaPath("another-secret-000", pathname, new URLSearchParams(query), 0).ok).toBe(false);
    expect(checkSignedMediaPath("secret-0123456789", pathname, new URLSearchParams(query), 2_000_000_001_000)).toEqual({
      ok: false,
      message: "expires: the link has expired; read the results again",
    });
  });

  it("adds links on read without touching rows that have no files", async () => {
    const store = {
      link: async (key: string) => ({ url: `https://x/${key}`, expires_at: "2030-01-01T00:00:00.000Z" }),
    } as never;
    const rows = [{ item_key: "a", media_files: [{ key: "k/0.jpg", sha256: "s" }] }, { item_key: "b" }];
    expect(await withMediaLinks(rows, store, 60, { csv: true })).toEqual([
      {
        item_key: "a",
        media_files: [
          { key: "k/0.jpg", sha256: "s", url: "https://x/k/0.jpg", url_expires_at: "2030-01-01T00:00:00.000Z" },
        ],
        media_urls: "https://x/k/0.jpg",
        media_sha256: "s",
      },
      { item_key: "b" },
    ]);
    expect(rows[0]).not.toHaveProperty("media_urls");
  });
});
