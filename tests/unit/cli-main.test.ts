/** The CLI's dispatch in-process: help, usage errors and their exit codes, one line each. */
import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../cli/errors.js";
import { GROUPS, runCli } from "../../cli/main.js";

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: new PassThrough(), env: {} });
  return { code, stdout: out, stderr: err };
}

/** A port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("help", () => {
  it("lists every command and the exit codes", async () => {
    const { code, stdout, stderr } = await cli("--help");
    expect(code).toBe(EXIT.ok);
    expect(stderr).toBe("");
    for (const group of GROUPS)
      for (const command of group.commands) expect(stdout).toContain(`${group.name} ${command.name}`);
    for (const exit of [0, 1, 2, 3, 4, 5, 130]) expect(stdout).toMatch(new RegExp(`^  ${exit} +\\S`, "m"));
  });

  it("shows a command's own flags", async () => {
    const { code, stdout } = await cli("tasks", "create", "--help");
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^Usage: crawl-tasks tasks create /);
    for (const flag of [
      "--platform P",
      "--url URL",
      "--max-pages N",
      "--keyword K",
      "--param K=V",
      "--body FILE",
      "--webhook-url URL",
      "--api-url URL",
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it("goes to stderr with exit 2 when no command is given", async () => {
    const { code, stdout, stderr } = await cli();
    expect(code).toBe(EXIT.usage);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage: crawl-tasks");
  });
});

describe("usage errors", () => {
  it.each([
    [
      ["task", "list"],
      'error: unknown command "task" (expected tasks, accounts, schedules or probe; see crawl-tasks --help)',
    ],
    [
      ["tasks"],
      "error: tasks: which command? create, list, get, watch, results, cancel, retry, delete, scrape (see crawl-tasks tasks --help)",
    ],
    [
      ["tasks", "lst"],
      'error: unknown command "tasks lst" (expected one of create, list, get, watch, results, cancel, retry, delete, scrape)',
    ],
    [["tasks", "get"], "error: tasks get: missing TASK_ID"],
    [["tasks", "get", "A", "B"], 'error: tasks get: unexpected argument "B"'],
    [["tasks", "list", "--nope"], "error: unknown option --nope"],
    [["tasks", "results", "X", "--format", "xml"], 'error: --format: must be one of csv, jsonl, json (got "xml")'],
    [["tasks", "results", "X", "--format", "json", "--bom"], "error: --bom: only with --format csv or jsonl"],
    [
      ["tasks", "watch", "X", "--timeout", "soon"],
      'error: --timeout: must be a duration like 90, 90s, 5m or 2h (got "soon")',
    ],
    [["accounts", "add", "--platform", "xhs"], "error: --cookies: is required (a file, or - for stdin)"],
    [
      ["accounts", "add", "--platform", "xhs", "--cookies", "/nonexistent/cookies.txt"],
      "error: --cookies: cannot read /nonexistent/cookies.txt (ENOENT)",
    ],
    [
      ["tasks", "list", "--api-url", "ftp://x"],
      'error: --api-url: must be an http or https URL like http://127.0.0.1:8888 (got "ftp://x")',
    ],
  ])("%j → exit 2, one line", async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect({ code, stdout, stderr }).toEqual({ code: EXIT.usage, stdout: "", stderr: `${message}\n` });
  });
});

describe("API errors", () => {
  it("an unreachable API is exit 3 with one line naming the URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await cli("tasks", "list", "--api-url", url);
    expect(code).toBe(EXIT.api);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      new RegExp(`^error: cannot reach the API at ${url.replaceAll(".", "\\.")}: .*ECONNREFUSED.*\\n$`),
    );
  });
});
