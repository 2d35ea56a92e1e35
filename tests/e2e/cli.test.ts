/**
 * The `crawl-tasks` CLI as users run it: `node cli/bin.js …` as a child process against the
 * real one-machine stack and a local website. Exit codes, stdout and stderr are checked
 * as scripts would see them.
 */
import { parseCsv } from "../support/csv.js";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { toResultItem } from "../../core/platforms/media/crawl.js";
import { commentRecord, noteRecord } from "../../core/platforms/xhs/items.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { stackAws, startStack, type RunningStack } from "../support/stack.js";
import { DEFAULT_SITE_PAGES, startTestSite, type TestSite } from "../support/site.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(root, "cli/bin.js");
const SLOW_PAGE_MS = 60_000;
const workDir = mkdtempSync(join(tmpdir(), "crawl-cli-"));

let site: TestSite;
let stack: RunningStack;
let crawlId: string;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Started {
  child: ReturnType<typeof spawn>;
  stdout(): string;
  done: Promise<Run>;
}

/** Starts the CLI with this test's Node, talking to the stack through API_URL. */
function start(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, API_URL: stack.url, API_KEY: "", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin!.end(options.stdin ?? "");
  const done = new Promise<Run>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stdout: () => stdout, done };
}

const cli = (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => start(args, options).done;

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};
const sorted = (values: string[]) => [...values].sort();
const expectedPaths = sorted(DEFAULT_SITE_PAGES.map((page) => page.path));
const expectedErrors = DEFAULT_SITE_PAGES.filter((page) => page.status >= 400).length;

beforeAll(async () => {
  site = await startTestSite(undefined, { slowPageDelayMs: SLOW_PAGE_MS });
  stack = await startStack({ env: { CRAWL_CONCURRENCY: "1" } });
});

afterAll(async () => {
  await stack?.kill();
  await site?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe("crawl-tasks CLI against the one-machine stack", () => {
  it("creates a web crawl and prints only its id", async () => {
    const run = await cli([
      "tasks",
      "create",
      "--platform",
      "web",
      "--type",
      "crawl",
      "--url",
      site.url,
      "--max-depth",
      "4",
      "--max-pages",
      "50",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
    crawlId = run.stdout.trim();
  });

  it("watches it to the end: a line per change, the last one with the pages, exit 0", async () => {
    const run = await cli(["tasks", "watch", crawlId], {});
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    // Not a terminal: plain lines, no carriage returns or escape sequences.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what a terminal escape sequence starts with.
    expect(run.stdout).not.toMatch(/[\r\x1b]/);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^completed +pages ${DEFAULT_SITE_PAGES.length}/50  items ${DEFAULT_SITE_PAGES.length}  errors ${expectedErrors}  elapsed \\d+(s|m\\d\\ds)$`,
      ),
    );
    expect(new Set(lines).size).toBe(lines.length);
  });

  it("exports every result as JSON Lines, following the cursor across pages", async () => {
    const run = await cli(["tasks", "results", crawlId, "--format", "jsonl", "--page-size", "3"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const items = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { url: string; task_id: string });
    expect(sorted(items.map((item) => pathOf(item.url)))).toEqual(expectedPaths);
    expect(new Set(items.map((item) => item.task_id))).toEqual(new Set([crawlId]));
  });

  it("exports CSV as one file: one header, every item, a BOM only at the start", async () => {
    const run = await cli(["tasks", "results", crawlId, "--format", "csv", "--page-size", "3", "--bom"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith("\uFEFF")).toBe(true);
    expect(run.stdout.indexOf("\uFEFF", 1)).toBe(-1);
    const [header, ...rows] = parseCsv(run.stdout.slice(1));
    expect(header!.slice(0, 3)).toEqual(["task_id", "item_key", "ok"]);
    expect(rows.filter((row) => row.join(",") === header!.join(","))).toEqual([]);
    expect(rows.every((row) => row.length === header!.length)).toBe(true);
    const url = header!.indexOf("url");
    expect(sorted(rows.map((row) => pathOf(row[url]!)))).toEqual(expectedPaths);
  });

  it("exports JSON as one array, and --out writes the file only once complete", async () => {
    const file = join(workDir, "results.json");
    const run = await cli(["tasks", "results", crawlId, "--format", "json", "--page-size", "4", "--out", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(new RegExp(`^wrote 3 page\\(s\\), \\d+ bytes to ${file.replaceAll(".", "\\.")}\\n$`));
    const items = JSON.parse(readFileSync(file, "utf8")) as Array<{ url: string }>;
    expect(sorted(items.map((item) => pathOf(item.url)))).toEqual(expectedPaths);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it("prints JSON with --json: get, list and create", async () => {
    const got = await cli(["tasks", "get", crawlId, "--json"]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      task_id: crawlId,
      status: "completed",
      result_count: DEFAULT_SITE_PAGES.length,
    });

    const listed = await cli(["--json", "tasks", "list", "--status", "completed"]);
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: Array<{ task_id: string }>; next_cursor: string | null };
    expect(page.items.map((task) => task.task_id)).toContain(crawlId);

    const createArgs = [
      "tasks",
      "create",
      "--platform",
      "web",
      "--type",
      "detail",
      "--url",
      site.url,
      "--idempotency-key",
      `cli-${Date.now()}`,
      "--json",
    ];
    const created = await cli(createArgs);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    const task = JSON.parse(created.stdout) as { task_id: string; status: string; params: { urls: string[] } };
    expect(task).toMatchObject({ status: "pending", params: { urls: [site.url] } });
    // The same Idempotency-Key gives the first task back, and says so on stderr only.
    const repeated = await cli(createArgs);
    expect(repeated.code).toBe(0);
    expect((JSON.parse(repeated.stdout) as { task_id: string }).task_id).toBe(task.task_id);
    expect(repeated.stderr).toBe("note: task already created with this Idempotency-Key\n");
    expect((await cli(["tasks", "watch", task.task_id])).code).toBe(0);

    const human = await cli(["tasks", "list"]);
    expect(human.stdout.split("\n")[0]).toMatch(
      /^TASK_ID +PLATFORM +TYPE +TARGET +STATUS +PAGES +ITEMS +ERRORS +CREATED$/,
    );
    // The target column names what each task crawls: its first URL.
    expect(human.stdout).toMatch(
      new RegExp(
        `^${crawlId} +web +crawl +${site.url.replace(/[.]/g, "\\.")} +completed +${DEFAULT_SITE_PAGES.length} `,
        "m",
      ),
    );
  });

  it("refuses a bad flag with exit 2 and one line, sending nothing", async () => {
    const before = (await cli(["tasks", "list", "--json", "--limit", "100"])).stdout;
    const run = await cli(["tasks", "create", "--platform", "web", "--type", "crawl", "--urls", site.url]);
    expect(run).toMatchObject({ code: 2, stdout: "", stderr: "error: unknown option --urls\n" });
    expect((await cli(["tasks", "list", "--json", "--limit", "100"])).stdout).toBe(before);
  });

  it("reports the API's 400 in one line naming the field, exit 3", async () => {
    const run = await cli([
      "tasks",
      "create",
      "--platform",
      "web",
      "--type",
      "crawl",
      "--url",
      site.url,
      "--max-pages",
      "0",
    ]);
    expect(run).toMatchObject({ code: 3, stdout: "", stderr: "error: max_pages: must be at least 1 (HTTP 400)\n" });
  });

  it("reports an unreachable API in one line, exit 3; watch too, at once rather than after minutes of retries", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const command of [
      ["tasks", "get", crawlId],
      ["tasks", "watch", crawlId],
    ]) {
      const run = await cli(command, { env: { API_URL: url } });
      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        new RegExp(`^error: cannot reach the API at ${url.replaceAll(".", "\\.")}: [^\\n]+\\n$`),
      );
    }
  });

  it("Ctrl+C stops watching (130) without cancelling; a cancel ends another watch with exit 4", async () => {
    const created = await cli([
      "tasks",
      "create",
      "--platform",
      "web",
      "--type",
      "detail",
      "--url",
      site.urlFor("/slow"),
    ]);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();

    const first = start(["tasks", "watch", id]);
    await until(() => first.stdout().includes("running"), 90_000, "the slow task running");
    first.child.kill("SIGINT");
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toBe(
      `stopped watching; task ${id} keeps running (cancel it with: crawl-tasks tasks cancel ${id})\n`,
    );
    expect(JSON.parse((await cli(["tasks", "get", id, "--json"])).stdout)).toMatchObject({ status: "running" });

    const second = start(["tasks", "watch", id]);
    await until(() => second.stdout().includes("running"), 30_000, "the second watch");
    const cancelled = await cli(["tasks", "cancel", id]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `${id} cancelled\n`, stderr: "" });
    const watched = await second.done;
    expect(watched.code).toBe(4);
    // A one-URL detail task counts its pages against its one URL, not the crawl default of 50.
    expect(watched.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^cancelled +pages 0\/1 {2}items 0 {2}errors 0 {2}elapsed \d+s$/,
    );

    const retried = await cli(["tasks", "retry", id, "--json"]);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ task_id: id, status: "pending" });
    expect((await cli(["tasks", "cancel", id])).code).toBe(0);
    // A finished task can be deleted, results and all; then it is gone.
    const deleted = await cli(["tasks", "delete", id]);
    expect(deleted).toMatchObject({ code: 0, stderr: "" });
    expect(deleted.stdout).toMatch(new RegExp(`^${id} deleted with \\d+ results?\\n$`));
    expect((await cli(["tasks", "get", id])).code).toBe(3);
    // Cancelling a finished task is the API's 409.
    const again = await cli(["tasks", "cancel", crawlId]);
    expect(again).toMatchObject({
      code: 3,
      stdout: "",
      stderr: "error: task is already completed and cannot be cancelled (HTTP 409)\n",
    });
  });

  it("watch rides out an API that answers 503 for a while, then reports the outcome", async () => {
    // A gateway in front of the real API that fails the first two polls, as during a deploy.
    let polls = 0;
    const flaky = createHttpServer(async (request, response) => {
      if (++polls <= 2) {
        response.writeHead(503, { "content-type": "application/json" });
        response.end(JSON.stringify({ code: 503, message: "unavailable: tasks_table", data: {} }));
        return;
      }
      const answer = await fetch(`${stack.url}${request.url}`);
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      response.end(await answer.text());
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as { port: number }).port}`;
      const run = await cli(["tasks", "watch", crawlId], { env: { API_URL: url } });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        "warning: retrying in 2s: unavailable: tasks_table (HTTP 503)\nwarning: retrying in 4s: unavailable: tasks_table (HTTP 503)\n",
      );
      expect(run.stdout).toMatch(/^completed /);
      expect(polls).toBe(3);
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
    }
  });

  it("watch --timeout gives up with exit 5 and leaves the task alone", async () => {
    const created = await cli([
      "tasks",
      "create",
      "--platform",
      "web",
      "--type",
      "detail",
      "--url",
      site.urlFor("/slow"),
    ]);
    const id = created.stdout.trim();
    const run = await cli(["tasks", "watch", id, "--timeout", "2"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      new RegExp(`^timeout: task ${id} is still (pending|running) after 2s; it keeps running\\n$`),
    );
    expect(JSON.parse((await cli(["tasks", "get", id, "--json"])).stdout).status).toMatch(/^(pending|running)$/);
    expect((await cli(["tasks", "cancel", id])).code).toBe(0);
  });

  it("adds, lists and removes an account without ever printing its cookies", async () => {
    const cookies = "a1=secret-cookie-value-1; web_session=secret-cookie-value-2";
    const added = await cli(["accounts", "add", "--platform", "xhs", "--cookies", "-", "--note", "cli test"], {
      stdin: cookies,
    });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
    const accountId = added.stdout.trim();

    const listed = await cli(["accounts", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${accountId} +xhs +active +2 +0 +- +cli test$`, "m"));
    const asJson = await cli(["accounts", "list", "--json", "--platform", "xhs"]);
    expect(
      (JSON.parse(asJson.stdout) as { items: Array<{ account_id: string }> }).items.map((a) => a.account_id),
    ).toContain(accountId);
    for (const output of [added.stdout, listed.stdout, asJson.stdout])
      expect(output).not.toContain("secret-cookie-value");

    const twin = await cli(["accounts", "add", "--platform", "xhs", "--cookies", "-"], { stdin: cookies });
    expect(twin).toMatchObject({ code: 3, stdout: "" });
    expect(twin.stderr).toBe(
      `error: cookies: an account with the same cookies already exists (${accountId}) (HTTP 409)\n`,
    );

    const removed = await cli(["accounts", "rm", accountId]);
    expect(removed).toMatchObject({ code: 0, stdout: `${accountId} deleted\n` });
    expect((await cli(["accounts", "list", "--json"])).stdout).not.toContain(accountId);
    expect(await cli(["accounts", "rm", accountId])).toMatchObject({
      code: 3,
      stderr: `error: account_id: account "${accountId}" not found (HTTP 404)\n`,
    });
  });

  // Last: its xhs task fails in the background (no account), which would change the task list other tests compare.
  it("--layout mediacrawler writes MediaCrawler's three files, named as it names them, into --dir", async () => {
    const created = await cli([
      "tasks",
      "create",
      "--platform",
      "xhs",
      "--type",
      "search",
      "--keyword",
      "咖啡",
      "--comments",
    ]);
    expect(created.stderr).toBe("");
    const id = created.stdout.trim();
    // No account is stored, so the crawl itself stores nothing: its items are written here, as the crawler writes them.
    const aws = stackAws(stack.dataDir);
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: aws.dynamoEndpoint, region: aws.region, credentials: aws.credentials }),
    );
    try {
      const context = { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_search", sourceKeyword: "咖啡" };
      const note = noteRecord(
        {
          note_id: "n1",
          title: "手冲",
          tag_list: [{ name: "咖啡", type: "topic" }],
          user: { user_id: "u1", nickname: "咖啡师" },
        },
        context,
      );
      const comment = commentRecord(
        { id: "c1", content: "好喝", user_info: { user_id: "u2", nickname: "路人甲" } },
        "n1",
      );
      await new DynamoResultStore(doc, "results").putMany(id, [
        toResultItem("xhs", note, false),
        toResultItem("xhs", comment, false),
      ]);
    } finally {
      doc.destroy();
    }
    const day = JSON.parse((await cli(["tasks", "get", id, "--json"])).stdout).created_at.slice(0, 10) as string;
    const dir = join(workDir, "mediacrawler");
    const run = await cli(["tasks", "results", id, "--layout", "mediacrawler", "--format", "csv", "--dir", dir]);
    expect(run.code, run.stderr).toBe(0);
    const names = ["contents", "comments", "creators"].map((type) => join(dir, `search_${type}_${day}.csv`));
    expect(run.stderr.trimEnd().split("\n")).toEqual(
      names.map((name) => expect.stringMatching(new RegExp(`bytes to ${name.replaceAll(".", "\\.")}$`))),
    );
    const [contents, comments, creators] = names.map((name) => readFileSync(name, "utf8"));
    const [contentHeader, ...contentRows] = parseCsv(contents!.slice(1));
    expect(contentHeader!.slice(0, 3)).toEqual(["note_id", "type", "title"]);
    expect(contentRows.map((row) => row[0])).toEqual(["n1"]);
    expect(contentRows[0]![contentHeader!.indexOf("tag_list")]).toBe("咖啡");
    expect(parseCsv(comments!.slice(1)).map((row) => row[0])).toEqual(["comment_id", "c1"]);
    expect(creators).toBe(
      "\uFEFFuser_id,nickname,gender,avatar,desc,ip_location,follows,fans,interaction,tag_list,last_modify_ts\r\n",
    );

    const json = await cli(["tasks", "results", id, "--layout", "mediacrawler", "--format", "json", "--dir", dir]);
    expect(json.code, json.stderr).toBe(0);
    const records = JSON.parse(readFileSync(join(dir, `search_comments_${day}.json`), "utf8")) as Array<
      Record<string, unknown>
    >;
    expect(records).toEqual([expect.objectContaining({ comment_id: "c1", content: "好喝", nickname: "路***" })]);
    expect(readFileSync(join(dir, `search_creators_${day}.json`), "utf8")).toBe("[]");

    // MediaCrawler has no web crawl: the API's 400 naming layout, exit 3, no file written.
    const webTask = (
      await cli(["tasks", "create", "--platform", "web", "--type", "detail", "--url", site.url])
    ).stdout.trim();
    const web = await cli(["tasks", "results", webTask, "--layout", "mediacrawler", "--dir", join(workDir, "web-mc")]);
    expect(web.code).toBe(3);
    expect(web.stderr).toMatch(/layout: "mediacrawler" is only for the media platforms/);
  });
});
