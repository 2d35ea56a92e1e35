/**
 * The stack's dashboard files (local/dashboard.ts) on a dist folder made here: which paths
 * it answers, with which headers, what it refuses to serve, and when dist counts as stale.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardFiles, staleReason, type DashboardStatus } from "../../local/dashboard.js";

const ROOT = join(import.meta.dirname, "../..");
let dir: string;
let dist: string;
let source: string;
const ready = (available = true): Promise<DashboardStatus> =>
  Promise.resolve({ available, summary: available ? "up to date" : "build failed: boom" });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dashboard-files-"));
  dist = join(dir, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(join(dist, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "secret.txt"), "outside dist");
  source = join(dir, "main.ts");
  writeFileSync(source, "export {}");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dashboardFiles", () => {
  it("answers / with index.html, revalidated, under a content security policy", async () => {
    const answer = await dashboardFiles(ready(), dist)("/");
    expect(answer?.statusCode).toBe(200);
    expect(answer?.body.toString()).toContain("<title>t</title>");
    expect(answer?.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer?.headers["cache-control"]).toBe("no-cache");
    expect(answer?.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("serves hashed assets as immutable with their content type", async () => {
    const answer = await dashboardFiles(ready(), dist)("/assets/index-abc123.js");
    expect(answer?.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(answer?.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it.each([
    "/api/v1/tasks",
    "/health",
    "/openapi.json",
    "/docs",
    "/docs/x",
    "/missing.js",
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/%E0%A4%A",
    "/.build-inputs.json",
  ])("leaves %s to the API", async (path) => {
    expect(await dashboardFiles(ready(), dist)(path)).toBeUndefined();
  });

  it("says why when there is no build to serve", async () => {
    const answer = await dashboardFiles(ready(false), join(dir, "no-dist"))("/");
    expect(answer?.statusCode).toBe(503);
    expect(answer?.body.toString()).toContain("build failed: boom");
    expect(answer?.body.toString()).toContain("npm run build:dashboard");
  });
});

describe("staleReason", () => {
  const stamp = (builtAt: number, files: string[]) =>
    writeFileSync(join(dist, ".build-inputs.json"), JSON.stringify({ builtAt, files }));

  it("is stale without a record of the last build's inputs", () => {
    rmSync(join(dist, ".build-inputs.json"), { force: true });
    expect(staleReason(dist)).toBe("last built outside the stack");
    expect(staleReason(join(dir, "nothing-here"))).toBe("not built yet");
  });

  it("is current until an input changes or goes", () => {
    const input = relative(ROOT, source);
    const savedAt = Date.now() - 60_000;
    utimesSync(source, savedAt / 1000, savedAt / 1000);
    stamp(savedAt + 1000, [input]);
    expect(staleReason(dist)).toBeUndefined();
    stamp(savedAt - 1000, [input]);
    expect(staleReason(dist)).toBe(`${input} changed`);
    stamp(savedAt + 1000, [input, "dashboard/src/gone.ts"]);
    expect(staleReason(dist)).toBe("dashboard/src/gone.ts is gone");
  });
});
