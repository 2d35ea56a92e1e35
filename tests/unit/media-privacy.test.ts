import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NonRetryableCrawlError } from "../../core/errors.js";
import {
  baseUrlEnvName,
  creatorFields,
  creatorHash,
  creatorHashSecret,
  maskNickname,
  mediaItemKey,
  resolveBaseUrls,
  resumeCursorOf,
  toResultItem,
} from "../../core/platforms/media/index.js";
import { covers, siteCookieDomain } from "../../core/platforms/media/cookies.js";
import { ensureCreatorHashKey } from "../../local/creator-hash-key.js";

const SECRET = process.env.CREATOR_HASH_SECRET as string;

describe("creator privacy", () => {
  it("hashes '<platform>:<user_id>' with the deployment's key: stable, per platform, per key", () => {
    const hash = creatorHash("xhs", "5f1a", SECRET);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(creatorHash("xhs", "5f1a", SECRET)).toBe(hash);
    expect(creatorHash("dy", "5f1a", SECRET)).not.toBe(hash);
    expect(creatorHash("xhs", "5f1a", "another-secret-0123456789")).not.toBe(hash);
  });

  it("masks a nickname to its first character (whole code point) and three stars", () => {
    expect(maskNickname("小红薯123")).toBe("小***");
    expect(maskNickname("😀smile")).toBe("😀***");
    expect(maskNickname("")).toBe("");
    expect(maskNickname("   ")).toBe("");
  });

  it("stores hash and masked nickname by default, the site's values with keep_user_info", () => {
    const creator = { user_id: "5f1a", nickname: "小红薯123", avatar: "https://a/1.jpg", ip_location: "上海" };
    expect(creatorFields("xhs", creator, false)).toEqual({
      creator_hash: creatorHash("xhs", "5f1a", SECRET),
      creator_nickname: "小***",
    });
    expect(creatorFields("xhs", creator, true)).toEqual({
      user_id: "5f1a",
      nickname: "小红薯123",
      avatar: "https://a/1.jpg",
      ip_location: "上海",
    });
    expect(creatorFields("xhs", undefined, false)).toEqual({ creator_hash: null, creator_nickname: null });
    expect(creatorFields("xhs", { user_id: "5f1a" }, true)).toEqual({
      user_id: "5f1a",
      nickname: null,
      avatar: null,
      ip_location: null,
    });
  });

  it("refuses to hash without a long enough key, naming the variable", () => {
    expect(() => creatorHashSecret({})).toThrow(NonRetryableCrawlError);
    expect(() => creatorHashSecret({ CREATOR_HASH_SECRET: "short" })).toThrow(/CREATOR_HASH_SECRET must be set/);
  });
});

describe("media items", () => {
  it("keys items '<platform>:<item_type>:<id>', creators by hash unless user info is kept", () => {
    const record = {
      item_type: "creator" as const,
      id: "5f1a",
      fields: { desc: "hi" },
      creator: { user_id: "5f1a", nickname: "小红薯" },
    };
    expect(toResultItem("xhs", record, false).item_key).toBe(`xhs:creator:${creatorHash("xhs", "5f1a", SECRET)}`);
    expect(toResultItem("xhs", record, true).item_key).toBe("xhs:creator:5f1a");
    const content = toResultItem(
      "xhs",
      { item_type: "content", id: "n1", fields: { note_id: "n1", platform: "spoofed" } },
      false,
    );
    expect(content).toMatchObject({
      item_key: "xhs:content:n1",
      ok: true,
      data: { item_type: "content", platform: "xhs", note_id: "n1" },
    });
    expect(Date.parse(content.data.crawled_at as string)).not.toBeNaN();
    expect(mediaItemKey("xhs", "comment", "x".repeat(2000))).toMatch(/^xhs:comment:sha256:[0-9a-f]{64}$/);
  });

  it("stores a record with an error as a failed item", () => {
    const item = toResultItem(
      "xhs",
      { item_type: "content", id: "n1", fields: {}, error: { code: "NOTE_UNAVAILABLE", message: "gone" } },
      false,
    );
    expect(item.ok).toBe(false);
    expect(item.data.error).toEqual({ code: "NOTE_UNAVAILABLE", message: "gone" });
  });

  it("reads a saved cursor back, and nothing from what is not one", () => {
    expect(resumeCursorOf({ inputIndex: 1, page: 3, notesDone: 40 })).toEqual({
      inputIndex: 1,
      page: 3,
      notesDone: 40,
    });
    expect(resumeCursorOf({ inputIndex: 0, page: null })).toEqual({ inputIndex: 0, page: null, notesDone: 0 });
    expect(resumeCursorOf({ frontier: [] })).toBeUndefined();
    expect(resumeCursorOf(undefined)).toBeUndefined();
  });
});

describe("base URLs and cookies", () => {
  it("takes <PLATFORM>_BASE_URL_<KEY> overrides, trailing slash dropped, and refuses non-URLs", () => {
    const defaults = { www: "https://www.xiaohongshu.com", api: "https://edith.xiaohongshu.com" };
    expect(baseUrlEnvName("xhs", "www")).toBe("XHS_BASE_URL_WWW");
    expect(resolveBaseUrls("xhs", defaults, { XHS_BASE_URL_WWW: "http://127.0.0.1:1234/" })).toEqual({
      www: "http://127.0.0.1:1234",
      api: "https://edith.xiaohongshu.com",
    });
    expect(() => resolveBaseUrls("xhs", defaults, { XHS_BASE_URL_API: "127.0.0.1:1" })).toThrow(/XHS_BASE_URL_API/);
  });

  it("keeps a cookie's domain only where it reaches the site", () => {
    expect(covers(".xiaohongshu.com", "www.xiaohongshu.com")).toBe(true);
    expect(covers("xiaohongshu.com", "xiaohongshu.com")).toBe(true);
    expect(covers(".xiaohongshu.com", "127.0.0.1")).toBe(false);
    expect(covers("hongshu.com", "www.xiaohongshu.com")).toBe(false);
  });

  it("sets a cookie without a covering domain on the site's two-label domain, or on a stand-in's host", () => {
    expect(siteCookieDomain("www.xiaohongshu.com")).toBe(".xiaohongshu.com");
    expect(siteCookieDomain("m.weibo.cn")).toBe(".weibo.cn");
    expect(siteCookieDomain("tieba.baidu.com")).toBe(".baidu.com");
    expect(siteCookieDomain("127.0.0.1")).toBe("127.0.0.1");
    expect(siteCookieDomain("localhost")).toBe("localhost");
    expect(siteCookieDomain("::1")).toBe("::1");
  });

  it("gives an edition of a site its own override names", () => {
    const defaults = { www: "https://www.rednote.com" };
    expect(resolveBaseUrls("xhs", defaults, { XHS_BASE_URL_WWW: "http://127.0.0.1:1" }, "international")).toEqual(
      defaults,
    );
    expect(
      resolveBaseUrls("xhs", defaults, { XHS_BASE_URL_INTERNATIONAL_WWW: "http://127.0.0.1:2" }, "international"),
    ).toEqual({ www: "http://127.0.0.1:2" });
  });
});

describe("one-machine creator hash key", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates a private key file once and reuses it; the variable wins", () => {
    dir = mkdtempSync(join(tmpdir(), "creator-key-"));
    const created = ensureCreatorHashKey(dir, {});
    expect(created.source).toBe("created");
    expect(statSync(join(dir, "creator-hash.key")).mode & 0o777).toBe(0o600);
    expect(ensureCreatorHashKey(dir, {})).toEqual({ key: created.key, source: "file" });
    expect(readFileSync(join(dir, "creator-hash.key"), "utf8").trim()).toBe(created.key);
    expect(ensureCreatorHashKey(dir, { CREATOR_HASH_SECRET: "from-the-environment-123" })).toEqual({
      key: "from-the-environment-123",
      source: "env",
    });
  });
});
