/**
 * Every relative link in README.md and docs/** resolves: the file or folder exists, and an
 * anchor (`page.md#anchor`, or `#anchor` on the same page) is a heading of the target as
 * GitHub names it. Links to other sites are not fetched.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { docFiles, githubSlug, headings, markdownLinks, REPO_ROOT, section } from "../support/markdown.js";

const files = docFiles();
const anchorsOf = new Map<string, Set<string>>();

/** The anchors of a Markdown file of the repository (path from the root). */
function anchors(path: string): Set<string> {
  let found = anchorsOf.get(path);
  if (found === undefined) {
    found = new Set(headings(readFileSync(join(REPO_ROOT, path), "utf8")).map((h) => h.anchor));
    anchorsOf.set(path, found);
  }
  return found;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:, …
  const hash = target.indexOf("#");
  const pathPart = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  if (pathPart.startsWith("/")) return "is absolute; use a path relative to the page";
  const path =
    pathPart === ""
      ? file
      : normalize(join(dirname(file), decodeURIComponent(pathPart)))
          .split("\\")
          .join("/");
  if (path.startsWith("..")) return `points outside the repository (${path})`;
  if (!existsSync(join(REPO_ROOT, path))) return `${path} does not exist`;
  if (anchor === undefined) return undefined;
  if (statSync(join(REPO_ROOT, path)).isDirectory() || !path.endsWith(".md"))
    return `has an anchor, but ${path} is not a Markdown file`;
  return anchors(path).has(anchor) ? undefined : `${path} has no heading with the anchor #${anchor}`;
}

describe("links in README.md and docs/", () => {
  it("reads README.md and the docs pages", () => {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "README.md",
        "docs/README.md",
        "docs/api.md",
        "docs/platforms/README.md",
        "docs/platforms/xhs.md",
      ]),
    );
    expect(files.flatMap((f) => markdownLinks(f.text)).length).toBeGreaterThan(100);
  });

  it("every relative link and anchor resolves", () => {
    const broken = files.flatMap(({ path, text }) =>
      markdownLinks(text).flatMap((link) => {
        const problem = brokenLink(path, link.target);
        return problem === undefined ? [] : [`${path} line ${link.line}: (${link.target}) ${problem}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it("the docs index links to every page under docs/", () => {
    const index = files.find((f) => f.path === "docs/README.md")!;
    const linked = new Set(
      markdownLinks(index.text).map((link) =>
        normalize(join("docs", link.target.split("#")[0]!))
          .split("\\")
          .join("/"),
      ),
    );
    const pages = files.map((f) => f.path).filter((path) => path.startsWith("docs/") && path !== "docs/README.md");
    expect(pages.filter((path) => !linked.has(path))).toEqual([]);
  });
});

describe("the link checker", () => {
  it("names anchors as GitHub does", () => {
    expect(githubSlug("OpenAPI document and `/docs`")).toBe("openapi-document-and-docs");
    expect(githubSlug("robots.txt and sitemaps")).toBe("robotstxt-and-sitemaps");
    expect(githubSlug("Render modes: HTTP or Chromium")).toBe("render-modes-http-or-chromium");
    expect(githubSlug("What a crawl costs on AWS (estimate)")).toBe("what-a-crawl-costs-on-aws-estimate");
    expect(githubSlug("A running task, and cancel")).toBe("a-running-task-and-cancel");
    expect(githubSlug("`sst dev`")).toBe("sst-dev");
    expect(githubSlug("小红书 (xhs)")).toBe("小红书-xhs");
    expect(githubSlug("snake_case and two  spaces")).toBe("snake_case-and-two--spaces");
  });

  it("numbers repeated headings and skips code blocks", () => {
    const markdown = ["# Title", "## Examples", "```sh", "# not a heading", "```", "## Examples", "### Examples"].join(
      "\n",
    );
    expect(headings(markdown).map((h) => h.anchor)).toEqual(["title", "examples", "examples-1", "examples-2"]);
  });

  it("finds links outside code, and not inside code spans or blocks", () => {
    const markdown = [
      "See [the API](api.md#task-object) and ![a picture](screenshots/tasks.png).",
      "`[not](a-link.md)`",
      "```",
      "[nor](this.md)",
      "```",
    ].join("\n");
    expect(markdownLinks(markdown).map((l) => [l.line, l.target, l.image])).toEqual([
      [1, "api.md#task-object", false],
      [1, "screenshots/tasks.png", true],
    ]);
  });

  it("finds a missing file and a missing anchor", () => {
    expect(brokenLink("docs/api.md", "getting-started.md#quick-start")).toBeUndefined();
    expect(brokenLink("docs/api.md", "#task-object")).toBeUndefined();
    expect(brokenLink("docs/api.md", "no-such-page.md")).toMatch(/does not exist/);
    expect(brokenLink("docs/api.md", "#no-such-heading")).toMatch(/no heading with the anchor #no-such-heading/);
    expect(brokenLink("docs/platforms/xhs.md", "README.md#creator-privacy")).toBeUndefined();
    expect(brokenLink("docs/platforms/xhs.md", "../../core/platforms/xhs/FLOW.md")).toBeUndefined();
    expect(brokenLink("README.md", "https://example.com/#whatever")).toBeUndefined();
  });

  it("cuts a section at the next heading of its level, not at a comment in a code block", () => {
    const markdown = [
      "# Deploying",
      "text",
      "```sh",
      "# 1. a comment",
      "```",
      "## Sub",
      "more",
      "# Next",
      "other",
    ].join("\n");
    expect(section(markdown, "Deploying")).toBe(
      ["# Deploying", "text", "```sh", "# 1. a comment", "```", "## Sub", "more"].join("\n"),
    );
  });
});
