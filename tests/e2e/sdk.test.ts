/**
 * The SDKs as their users get them, against the real one-machine stack and a local website:
 * the TypeScript package is built and packed (`npm pack`), installed from its tarball into an
 * empty folder (offline: it has no dependencies), and its example program run there with Node;
 * a small TypeScript program is compiled against the packed .d.ts. The Python package is built
 * as a source distribution (setuptools, from its pyproject.toml) and its example runs with python3
 * on what was unpacked from it. The examples' output is what docs/sdk.md shows, byte for byte.
 */
import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/markdown.js";
import { startTestSite, type TestSite } from "../support/site.js";
import { startStack, type RunningStack } from "../support/stack.js";

const run = promisify(execFile);
const SDK_TS = join(REPO_ROOT, "sdk/typescript");
const SDK_PYTHON = join(REPO_ROOT, "sdk/python");
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
const workDir = mkdtempSync(join(tmpdir(), "crawl-sdk-"));
const consumerDir = join(workDir, "consumer");

let site: TestSite;
let stack: RunningStack;

/** The fenced block right after `<!-- output of <file> -->` in docs/sdk.md. */
function documentedOutput(file: string): string {
  const docs = readFileSync(join(REPO_ROOT, "docs/sdk.md"), "utf8");
  const marker = `<!-- output of ${file} -->`;
  const at = docs.indexOf(marker);
  if (at === -1) throw new Error(`docs/sdk.md has no "${marker}"`);
  const match = /```text\n([\s\S]*?)```/.exec(docs.slice(at + marker.length));
  if (!match) throw new Error(`docs/sdk.md: no text block after "${marker}"`);
  return match[1]!;
}

/** Runs a program to its end; rejects with its stderr when it exits non-zero. */
function program(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, API_URL: stack.url, SITE_URL: site.url, API_KEY: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("close", (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}\n${stdout}`)),
    );
  });
}

beforeAll(async () => {
  // Packed first (a build of the package), while nothing else runs: the machine is small.
  const packDir = join(workDir, "pack");
  mkdirSync(packDir);
  await run("npm", ["pack", "--pack-destination", packDir, "--silent"], { cwd: SDK_TS });
  const tarball = readdirSync(packDir).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error("npm pack made no tarball");
  mkdirSync(consumerDir);
  writeFileSync(join(consumerDir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packDir, tarball)], { cwd: consumerDir });

  site = await startTestSite(undefined, { slowPageDelayMs: 60_000 });
  stack = await startStack({ env: { CRAWL_CONCURRENCY: "1" } });
}, 240_000);

afterAll(async () => {
  await stack?.kill();
  await site?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe("the TypeScript package (crawl-tasks), installed from its tarball", () => {
  it("ships only dist/ (JS and .d.ts), its README and package.json, with no dependencies", () => {
    const installed = join(consumerDir, "node_modules/crawl-tasks");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(manifest.name).toBe("crawl-tasks");
    expect(manifest.dependencies).toBeUndefined();
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
    expect(readdirSync(join(installed, "dist"))).toEqual(
      expect.arrayContaining(["index.js", "index.d.ts", "client.js", "openapi.d.ts"]),
    );
  });

  it("runs its example against the stack: create, wait, results over pages, csv/jsonl, 400/404, cancel, delete", async () => {
    copyFileSync(join(SDK_TS, "examples/quickstart.mjs"), join(consumerDir, "quickstart.mjs"));
    const { stdout, stderr } = await program(process.execPath, ["quickstart.mjs"], { cwd: consumerDir });
    expect(stderr).toBe("");
    expect(stdout).toBe(documentedOutput("sdk/typescript/examples/quickstart.mjs"));
    // The files it wrote are the whole export: one CSV header, every item once.
    const csv = readFileSync(join(consumerDir, "results.csv"), "utf8");
    expect(csv.match(/^task_id,item_key,ok/gm)).toHaveLength(1);
    const lines = readFileSync(join(consumerDir, "results.jsonl"), "utf8").trimEnd().split("\n");
    expect(new Set(lines.map((line) => JSON.parse(line).item_key)).size).toBe(lines.length);
  }, 240_000);

  it("scrapes a page in one call: ended, with its items", async () => {
    writeFileSync(
      join(consumerDir, "scrape.mjs"),
      [
        'import { CrawlTasksClient } from "crawl-tasks";',
        "const client = new CrawlTasksClient({ baseUrl: process.env.API_URL });",
        'const answer = await client.scrape({ urls: [new URL("/", process.env.SITE_URL).href], timeout_ms: 20000 });',
        "const urls = answer.ended ? answer.items.map((item) => item.url) : [];",
        "console.log(JSON.stringify({ ended: answer.ended, status: answer.task.status, origin: answer.task.origin, urls }));",
      ].join("\n"),
    );
    const { stdout } = await program(process.execPath, ["scrape.mjs"], { cwd: consumerDir });
    expect(JSON.parse(stdout)).toEqual({
      ended: true,
      status: "completed",
      origin: "scrape",
      urls: [new URL("/", site.url).href],
    });
  }, 120_000);

  it("type-checks a consumer against the packed .d.ts, and refuses what the document refuses", async () => {
    writeFileSync(
      join(consumerDir, "consumer.ts"),
      [
        'import { ApiError, CrawlTasksClient, type Task, type TaskInput, type TaskStatus } from "crawl-tasks";',
        'const client = new CrawlTasksClient({ baseUrl: "http://127.0.0.1:8888" });',
        'const input: TaskInput = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"], max_pages: 5 };',
        "const task: Task = await client.createTask(input);",
        "const status: TaskStatus = task.status;",
        "const pages: number = task.progress.pages_done;",
        "for await (const item of client.results(task.task_id)) { const ok: boolean = item.ok; void ok; }",
        "try { await client.getTask(task.task_id); } catch (e) { if (e instanceof ApiError) { const s: number = e.status; void s; } }",
        "// @ts-expect-error: no such platform",
        'void client.createTask({ platform: "nope", crawler_type: "crawl", urls: [] });',
        "// @ts-expect-error: a web task needs urls",
        'void client.createTask({ platform: "web", crawler_type: "crawl" });',
        "// @ts-expect-error: not a status",
        'const wrong: TaskStatus = "done";',
        "void status; void pages; void wrong;",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(consumerDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ["consumer.ts"],
      }),
    );
    // tsc exits non-zero on any error, including an @ts-expect-error that has nothing to expect.
    await expect(run(process.execPath, [TSC, "-p", consumerDir], { cwd: consumerDir })).resolves.toBeDefined();
  }, 60_000);
});

describe("the Python package (crawl_tasks), from its source distribution", () => {
  let unpacked: string;

  it("builds an sdist named crawl-tasks with the package, py.typed and no dependencies", async () => {
    // A copy: setuptools writes its egg-info beside the sources.
    const source = join(workDir, "python-source");
    cpSync(SDK_PYTHON, source, { recursive: true });
    const dist = join(workDir, "python-dist");
    mkdirSync(dist);
    const build = `from setuptools import build_meta; print(build_meta.build_sdist(${JSON.stringify(dist)}))`;
    const { stdout } = await run("python3", ["-c", build], { cwd: source });
    const name = stdout.trim().split("\n").at(-1)!;
    expect(name).toMatch(/^crawl[-_]tasks-\d+\.\d+\.\d+\.tar\.gz$/);
    await run("tar", ["xzf", join(dist, name), "-C", dist]);
    unpacked = join(dist, name.replace(/\.tar\.gz$/, ""));
    const info = readFileSync(join(unpacked, "PKG-INFO"), "utf8");
    expect(info).toMatch(/^Name: crawl-tasks$/m);
    expect(info).not.toMatch(/^Requires-Dist:/m);
    expect(readdirSync(join(unpacked, "src/crawl_tasks")).sort()).toEqual(
      expect.arrayContaining(["__init__.py", "client.py", "errors.py", "models.py", "py.typed"]),
    );
  }, 60_000);

  it("scrapes a page in one call: ended, with its items", async () => {
    const script = [
      "import json, os, urllib.parse",
      "from crawl_tasks import Client",
      'answer = Client(os.environ["API_URL"]).scrape({"urls": [urllib.parse.urljoin(os.environ["SITE_URL"], "/")], "timeout_ms": 20000})',
      'print(json.dumps({"ended": answer.ended, "status": answer.task.status, "origin": answer.task.origin, "urls": [item["url"] for item in answer.items]}))',
    ].join("\n");
    const { stdout } = await program("python3", ["-c", script], {
      cwd: workDir,
      env: { PYTHONPATH: join(unpacked, "src"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(JSON.parse(stdout)).toEqual({
      ended: true,
      status: "completed",
      origin: "scrape",
      urls: [new URL("/", site.url).href],
    });
  }, 120_000);

  it("runs its example against the stack: create, wait, results over pages, csv/jsonl, 400/404, cancel, delete", async () => {
    const dir = join(workDir, "python");
    mkdirSync(dir);
    const { stdout, stderr } = await program("python3", [join(SDK_PYTHON, "examples/quickstart.py")], {
      cwd: dir,
      env: { PYTHONPATH: join(unpacked, "src"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(stderr).toBe("");
    expect(stdout).toBe(documentedOutput("sdk/python/examples/quickstart.py"));
    const csv = readFileSync(join(dir, "results.csv"), "utf8");
    expect(csv.match(/^task_id,item_key,ok/gm)).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(["results.csv", "results.jsonl"]);
  }, 240_000);
});
