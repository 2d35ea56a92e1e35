import { describe, expect, it } from "vitest";
import { getPlatform } from "../../core/platforms/registry.js";
import { webTaskInput } from "../../core/platforms/web/schema.js";
import { parseOrThrow } from "../../core/validation.js";
import { validationMessage } from "../support/validation.js";

const base = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/a"] };

const messageFor = (body: unknown) => validationMessage(webTaskInput, body);

describe("web task input", () => {
  it("fills in the documented defaults", () => {
    expect(parseOrThrow(webTaskInput, base)).toEqual({
      ...base,
      max_pages: 50,
      max_depth: 2,
      include: [],
      exclude: [],
      same_origin: true,
      wait_until: "settle",
      settle_max_secs: 5,
      page_timeout_secs: 30,
      block_resources: ["image", "media", "font", "tracker"],
      render: "auto",
      formats: ["text"],
      only_main_content: false,
      respect_robots_txt: true,
      sitemap: "skip",
    });
  });

  it("names the field of a choice that does not fit the rest of the task", () => {
    for (const [fields, path, message] of [
      [{ render: "never", wait_for: "#app" }, "wait_for", /needs a browser/],
      [{ crawler_type: "detail", sitemap: "include" }, "sitemap", /needs crawler_type "crawl"/],
      [{ formats: ["text", "text"] }, "formats", /must not repeat/],
      [{ formats: [] }, "formats", /at least one/],
      [{ formats: ["pdf"] }, "formats.0", /must be one of "text", "markdown", "html", "links"/],
      [{ render: "sometimes" }, "render", /must be "auto", "always" or "never"/],
    ] as const) {
      const result = webTaskInput.safeParse({ ...base, ...fields });
      expect(result.success, JSON.stringify(fields)).toBe(false);
      const issue = result.error!.issues[0]!;
      expect(issue.path.join("."), JSON.stringify(fields)).toBe(path);
      expect(issue.message, JSON.stringify(fields)).toMatch(message);
    }
  });

  it("accepts ordinary path patterns", () => {
    const parsed = parseOrThrow(webTaskInput, {
      ...base,
      include: ["^/blog/\\d+", "/(en|de)/", "^/p/[a-z]+$"],
      exclude: ["\\.pdf$"],
    });
    expect(parsed.include).toHaveLength(3);
  });

  it("accepts nested repeats that used to be refused: RE2 matches them in linear time", () => {
    const parsed = parseOrThrow(webTaskInput, { ...base, include: ["^/(a+)+$", "(\\w*)*x", "(a|a)*$"] });
    expect(parsed.include).toEqual(["^/(a+)+$", "(\\w*)*x", "(a|a)*$"]);
  });

  it("keeps given values", () => {
    const parsed = parseOrThrow(webTaskInput, {
      ...base,
      crawler_type: "detail",
      max_pages: 7,
      selectors: { price: ".price", next: "a.next@href" },
      wait_for: "#app",
      block_resources: [],
    });
    expect(parsed).toMatchObject({
      crawler_type: "detail",
      max_pages: 7,
      selectors: { price: ".price", next: "a.next@href" },
      wait_for: "#app",
      block_resources: [],
    });
  });

  it.each([
    [{ ...base, extra: true }, 'unknown field "extra"'],
    [{ ...base, urls: "https://example.com" }, "urls: must be an array of URLs"],
    [{ ...base, urls: ["/relative"] }, "urls.0: must be an absolute http or https URL"],
    [{ ...base, urls: ["javascript:alert(1)"] }, "urls.0: must be an absolute http or https URL"],
    [{ ...base, max_pages: 0 }, "max_pages: must be at least 1"],
    [{ ...base, max_pages: 20_000 }, "max_pages: must be at most 10000"],
    [{ ...base, page_timeout_secs: 500 }, "page_timeout_secs: must be at most 120"],
    [{ ...base, max_pages: 1.5 }, "max_pages: must be an integer"],
    [{ ...base, max_depth: 21 }, "max_depth: must be at most 20"],
    [{ ...base, same_origin: "yes" }, "same_origin: must be true or false"],
    [{ ...base, selectors: { "bad name": "h1" } }, "selectors.bad name: selector names are letters"],
    [{ ...base, selectors: { url: "h1" } }, "selectors.url: selector name is reserved"],
    [{ ...base, selectors: { price: "" } }, "selectors.price: must not be empty"],
    [{ ...base, exclude: ["[a-"] }, "exclude.0: must be a valid regular expression"],
    // RE2 cannot run lookarounds or backreferences in linear time, so it refuses them.
    [{ ...base, include: ["^/blog/", "^/(?=x)"] }, "include.1: must be a valid regular expression in RE2 syntax"],
    [{ ...base, exclude: ["(a)\\1"] }, "exclude.0: must be a valid regular expression in RE2 syntax"],
    [{ ...base, include: ["a{1000}b{1000}"] }, "include.0: must compile to at most 2000 instructions (got 2002)"],
    [
      { ...base, include: ["^/a", ...Array.from({ length: 30 }, () => ".{1000}")] },
      "include.30: the list's patterns must compile to at most 30000 instructions together",
    ],
    [{ ...base, block_resources: ["script"] }, "block_resources.0: "],
    [{ ...base, wait_until: "never" }, "wait_until: "],
  ])("rejects %j naming the field", (body, expected) => {
    expect(messageFor(body).startsWith(expected)).toBe(true);
  });
});

describe("platform registry", () => {
  it("knows web and every media platform, and names the valid ones for anything else", () => {
    for (const name of ["web", "xhs", "dy", "ks", "bili", "wb", "tieba", "zhihu"])
      expect(getPlatform(name).name).toBe(name);
    expect(() => getPlatform("facebook")).toThrow(/^platform: must be one of "web", "xhs"/);
    expect(() => getPlatform(undefined)).toThrow("platform: is required");
  });
});
