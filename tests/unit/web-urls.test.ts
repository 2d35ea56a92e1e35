import { describe, expect, it } from "vitest";
import { createLinkFilter, MAX_ITEM_KEY_BYTES, normaliseUrl, pageItemKey } from "../../core/platforms/web/urls.js";

describe("normaliseUrl", () => {
  it("drops the fragment, lower-cases the host and drops the default port, keeping the query", () => {
    expect(normaliseUrl("HTTP://Example.COM:80/A/b?x=1&y=2#top")).toBe("http://example.com/A/b?x=1&y=2");
    expect(normaliseUrl("https://example.com:443")).toBe("https://example.com/");
    expect(normaliseUrl("https://example.com:8443/a#")).toBe("https://example.com:8443/a");
  });

  it("drops an empty query but keeps a real one", () => {
    expect(normaliseUrl("http://example.com/a?")).toBe("http://example.com/a");
    expect(normaliseUrl("http://example.com/a?page=2#x")).toBe("http://example.com/a?page=2");
  });

  it("resolves relative URLs against a base", () => {
    expect(normaliseUrl("../c?q#f", "http://example.com/a/b/")).toBe("http://example.com/a/c?q");
  });

  it("rejects non-http(s) and unparsable URLs", () => {
    expect(normaliseUrl("mailto:someone@example.com")).toBeUndefined();
    expect(normaliseUrl("javascript:void(0)")).toBeUndefined();
    expect(normaliseUrl("not a url")).toBeUndefined();
    expect(normaliseUrl("ftp://example.com/")).toBeUndefined();
  });
});

describe("createLinkFilter", () => {
  const base = { allowedOrigins: ["http://site.test"], sameOrigin: true, include: [], exclude: [] };

  it("keeps same-origin links only, unless sameOrigin is off", () => {
    const sameOrigin = createLinkFilter(base);
    expect(sameOrigin("http://site.test/a")).toBe(true);
    expect(sameOrigin("http://site.test:8080/a")).toBe(false);
    expect(sameOrigin("https://site.test/a")).toBe(false);
    expect(sameOrigin("http://other.test/a")).toBe(false);
    expect(createLinkFilter({ ...base, sameOrigin: false })("http://other.test/a")).toBe(true);
  });

  it("tests include and exclude against pathname + search", () => {
    const filter = createLinkFilter({ ...base, include: ["^/blog/", "\\?page=\\d+$"], exclude: ["/drafts/"] });
    expect(filter("http://site.test/blog/post")).toBe(true);
    expect(filter("http://site.test/list?page=2")).toBe(true);
    expect(filter("http://site.test/about")).toBe(false);
    expect(filter("http://site.test/blog/drafts/x")).toBe(false);
    // The host is not part of the tested path.
    expect(createLinkFilter({ ...base, include: ["site"] })("http://site.test/a")).toBe(false);
  });

  it("never accepts non-http links", () => {
    expect(createLinkFilter({ ...base, sameOrigin: false })("mailto:x@site.test")).toBe(false);
  });
});

describe("pageItemKey", () => {
  it("keys a page by its normalised URL, hashing keys over the byte limit", () => {
    expect(pageItemKey("http://site.test/a")).toBe("page:http://site.test/a");
    const long = `http://site.test/${"é".repeat(500)}`;
    const key = pageItemKey(long);
    expect(key).toMatch(/^page:sha256:[0-9a-f]{64}$/);
    expect(pageItemKey(long)).toBe(key);
    expect(Buffer.byteLength(`page:${long}`)).toBeGreaterThan(MAX_ITEM_KEY_BYTES);
  });
});
