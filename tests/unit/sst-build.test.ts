/**
 * build/sstBuild.ts copies SST's Node build; these check the copy against the sst CLI that
 * package.json installs: the banner lines and the esbuild version are strings inside the
 * sst binary, and the esbuild the build uses is that version.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/infraModel.js";
import { SST_ESBUILD_VERSION, SST_ESM_BANNER_LINES, sstCliVersion } from "../../build/sstBuild.js";

const binary = resolve(
  ROOT,
  `node_modules/sst-${process.platform}-${process.arch === "x64" ? "x64" : process.arch}/bin/sst`,
);

describe.skipIf(!existsSync(binary))("build/sstBuild.ts against the sst binary", () => {
  const text = readFileSync(binary).toString("latin1");

  it("uses the banner the binary prepends, line for line", () => {
    for (const line of SST_ESM_BANNER_LINES) expect(text.includes(line), line).toBe(true);
  });

  it("uses the esbuild version the binary was built with", () => {
    expect(text).toContain(`evanw/esbuild@v${SST_ESBUILD_VERSION}`);
    const esbuild = createRequire(import.meta.url)("esbuild-sst/package.json") as { version: string };
    expect(esbuild.version).toBe(SST_ESBUILD_VERSION);
  });

  it("targets the sst version package.json pins", () => {
    const pinned = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).devDependencies.sst as string;
    expect(pinned.replace(/^\^/, "")).toBe(sstCliVersion());
    expect(sstCliVersion()).toMatch(/^4\.17\./);
  });
});
