/**
 * The two SDKs are released together under one version (docs/sdk.md#publishing): the npm
 * package, the Python distribution and `crawl_tasks.__version__` must say the same.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/markdown.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

describe("SDK versions", () => {
  it("are the same in sdk/typescript/package.json, sdk/python/pyproject.toml and crawl_tasks.__version__", () => {
    const npm = JSON.parse(read("sdk/typescript/package.json")) as { name: string; version: string; private?: boolean };
    const pyproject = /^version = "([^"]+)"$/m.exec(read("sdk/python/pyproject.toml"))?.[1];
    const dunder = /^__version__ = "([^"]+)"$/m.exec(read("sdk/python/src/crawl_tasks/__init__.py"))?.[1];
    expect(npm.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect({ pyproject, dunder }).toEqual({ pyproject: npm.version, dunder: npm.version });
  });

  it("publish as crawl-tasks; the repository root is private under another name", () => {
    const npm = JSON.parse(read("sdk/typescript/package.json")) as { name: string; private?: boolean };
    const root = JSON.parse(read("package.json")) as { name: string; private?: boolean };
    const lock = JSON.parse(read("package-lock.json")) as { name: string; packages: Record<string, { name?: string }> };
    expect(npm).toMatchObject({ name: "crawl-tasks" });
    expect(npm.private).toBeUndefined();
    expect(root).toMatchObject({ name: "crawl-tasks-platform", private: true });
    expect([lock.name, lock.packages[""]?.name]).toEqual([root.name, root.name]);
    expect(read("sdk/python/pyproject.toml")).toMatch(/^name = "crawl-tasks"$/m);
  });
});
