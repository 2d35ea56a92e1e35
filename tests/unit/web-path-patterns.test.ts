/**
 * include/exclude patterns run on RE2 (core/platforms/web/pathPatterns.ts): the ReDoS family
 * the issue found is matched, not hung on; ordinary patterns mean what they meant under
 * `new RegExp`; what RE2 cannot run or what costs too much is refused naming the index; the
 * link filter caps the tested path and gives a page's links a time budget.
 *
 * The ReDoS tests are not timed: each attack input took V8's backtracking engine from
 * seconds to minutes (164 s for 33 a's in the issue), so a regression shows as a test that
 * does not finish within vitest's timeout.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NonRetryableCrawlError } from "../../core/errors.js";
import { compilePathPatterns, MAX_TESTED_PATH_CHARS, type PathPattern } from "../../core/platforms/web/pathPatterns.js";
import { createLinkFilter, LinkFilter } from "../../core/platforms/web/urls.js";

function compileOne(source: string): PathPattern {
  const result = compilePathPatterns([source]);
  if ("problem" in result) throw new Error(`${source}: ${result.problem.message}`);
  return result.patterns[0]!;
}

/** The issue's patterns, and the classic ones, each with the input that makes a backtracking engine explode. */
const REDOS_FAMILY: Array<{ pattern: string; attack: (n: number) => string }> = [
  { pattern: "(a+)+$", attack: (n) => `/${"a".repeat(n)}!` },
  { pattern: "(a|a)*$", attack: (n) => `/${"a".repeat(n)}!` },
  { pattern: "(a|aa)+$", attack: (n) => `/${"a".repeat(n)}!` },
  { pattern: "(a|b|ab)*c", attack: (n) => `/${"ab".repeat(n)}` },
  { pattern: "(.*?,){30}z", attack: (n) => `/${"a,".repeat(n + 10)}` },
  { pattern: "(\\w+\\s?)*$", attack: (n) => `/${"a".repeat(n)}!` },
  { pattern: "(\\w*)*x", attack: (n) => `/${"a".repeat(n)}` },
];

describe("the ReDoS family", () => {
  it.each(REDOS_FAMILY)(
    "$pattern is accepted and matched on its attack input (33 and 2048 characters)",
    ({ pattern, attack }) => {
      const compiled = compileOne(pattern);
      // Small inputs are cheap for V8 too: the answers must agree.
      for (let n = 0; n <= 12; n++)
        expect(compiled.test(attack(n)), `${pattern} on ${attack(n)}`).toBe(new RegExp(pattern).test(attack(n)));
      // The issue's link: 33 repeats. And one at the tested-path cap.
      compiled.test(attack(33));
      compiled.test(attack(MAX_TESTED_PATH_CHARS).slice(0, MAX_TESTED_PATH_CHARS));
    },
  );
});

describe("ordinary patterns keep their meaning", () => {
  // Patterns of this project's tests, docs and CLI examples, and the usual path shapes.
  const ORDINARY = [
    "^/blog/",
    "\\.html$",
    "products?",
    "/(a|b)/",
    "[0-9]+",
    "^/chain/",
    "^/products",
    "^/chain/[34]$",
    "\\?page=\\d+$",
    "/drafts/",
    "^/docs",
    "\\.pdf$",
    "^/blog/\\d+",
    "/(en|de)/",
    "^/p/[a-z]+$",
    "^/docs/(v\\d+/)?[a-z-]+$",
    "\\?(.*&)?page=\\d+",
    "\\.(pdf|zip|png|jpe?g)$",
    "^/[a-z0-9-]{1,100}/[a-z0-9-]{1,100}/?$",
    "^/(?:tag|category)/[^/]+/?$",
    "\\bpost\\b",
    "^/$",
    "[?&]id=[0-9]{1,8}(&|$)",
    "^/a.c",
  ];
  /** Paths as URL parsing leaves them: ASCII, percent-encoded, a query sometimes. */
  const path = fc
    .tuple(
      fc.array(
        fc.constantFrom(
          "blog",
          "docs",
          "p",
          "v2",
          "products",
          "product",
          "chain",
          "3",
          "4",
          "en",
          "de",
          "tag",
          "post",
          "a",
          "b",
          "abc",
          "x.pdf",
          "y.html",
          "%C3%A9",
          "drafts",
          "a-b_c",
          "123",
        ),
        { maxLength: 5 },
      ),
      fc.option(fc.constantFrom("page=2", "id=17", "q=post&page=10", "a=1&id=123456789", "x"), { nil: undefined }),
    )
    .map(([segments, query]) => `/${segments.join("/")}${query === undefined ? "" : `?${query}`}`);

  it("RE2 and V8 agree on every ordinary pattern and generated path", () => {
    const compiled = ORDINARY.map((source) => [compileOne(source), new RegExp(source)] as const);
    fc.assert(
      fc.property(path, (tested) => {
        for (const [re2, v8] of compiled) expect(re2.test(tested), `${re2.source} on ${tested}`).toBe(v8.test(tested));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe("what RE2 cannot run, or what costs too much, is refused naming the index", () => {
  it.each([
    [["^/ok", "^/(?=x)"], 1, /^must be a valid regular expression in RE2 syntax.*\(\?=/],
    [["(?<!x)y"], 0, /RE2 syntax/],
    [["(a)\\1"], 0, /RE2 syntax.*\\1/],
    [["("], 0, /^must be a valid regular expression/],
    [["a{1001}"], 0, /invalid repeat count/],
    [["a{1000}b{1000}"], 0, /^must compile to at most 2000 instructions \(got 2002\)/],
    [
      ["^/x", ...Array.from({ length: 30 }, () => ".{1000}")],
      30,
      /^the list's patterns must compile to at most 30000 instructions together/,
    ],
  ])("%j → index %i", (sources, index, message) => {
    const result = compilePathPatterns(sources);
    expect("problem" in result && result.problem.index).toBe(index);
    if ("problem" in result) expect(result.problem.message).toMatch(message);
  });

  it("accepts the longest plain lists the schema allows: 50 patterns of 500 characters", () => {
    const result = compilePathPatterns(
      Array.from({ length: 50 }, (_, i) => `${"i".repeat(497)}${String(i).padStart(3, "0")}`),
    );
    expect("patterns" in result && result.patterns).toHaveLength(50);
  });

  it("stops at the first refused pattern: a list of costly patterns costs one compile", () => {
    const monster = Array.from(
      { length: 62 },
      (_, i) => `${"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i]}{1000}`,
    ).join("");
    const result = compilePathPatterns(Array.from({ length: 50 }, () => monster));
    expect("problem" in result && result.problem).toEqual({
      index: 0,
      message: expect.stringMatching(/^must compile to at most 2000 instructions \(got 62002\)/),
    });
  });

  it("never throws, whatever the source: a pattern compiles or comes back as a problem", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 3 }), (sources) => {
        const result = compilePathPatterns(sources);
        if ("patterns" in result)
          for (const pattern of result.patterns) expect(typeof pattern.test("/a/b?c=1")).toBe("boolean");
        else expect(result.problem.index).toBeLessThan(sources.length);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});

describe("LinkFilter bounds", () => {
  const base = {
    allowedOrigins: ["http://site.test"],
    sameOrigin: true,
    include: [] as string[],
    exclude: [] as string[],
  };
  const long = `http://site.test/${"a".repeat(MAX_TESTED_PATH_CHARS)}`;

  it(`does not follow a link whose path and query exceed ${MAX_TESTED_PATH_CHARS} characters while patterns are set`, () => {
    const atCap = `http://site.test/${"a".repeat(MAX_TESTED_PATH_CHARS - 1)}`;
    const withPatterns = new LinkFilter({ ...base, exclude: ["\\.pdf$"] });
    expect(withPatterns.accepts(atCap)).toBe(true);
    expect(withPatterns.accepts(long)).toBe(false);
    expect(withPatterns.select([long, atCap], 1_000)).toMatchObject({ follow: [atCap], tooLong: 1, overBudget: 0 });
    // Without patterns nothing is tested, so length does not matter.
    expect(new LinkFilter(base).accepts(long)).toBe(true);
  });

  it("stops testing when the page's budget is spent: the links left are not followed and counted", () => {
    let clock = 0;
    const tick = () => (clock += 1);
    const links = Array.from({ length: 50 }, (_, i) => `http://site.test/p/${i}`);
    const selection = new LinkFilter({ ...base, include: ["^/p/"] }).select(links, 20, tick);
    expect(selection.overBudget).toBeGreaterThan(0);
    expect(selection.follow.length + selection.overBudget).toBe(links.length);
    expect(selection.follow).toEqual(links.slice(0, selection.follow.length));
    expect(selection.elapsedMs).toBeGreaterThan(20);
  });

  it("refuses a stored pattern RE2 cannot compile as a non-retryable PATTERN_INVALID naming it", () => {
    expect(() => new LinkFilter({ ...base, exclude: ["^/ok", "(?!x)"] })).toThrow(NonRetryableCrawlError);
    expect(() => createLinkFilter({ ...base, exclude: ["^/ok", "(?!x)"] })).toThrow(
      /^exclude\.1: must be a valid regular expression in RE2 syntax/,
    );
  });
});
