/**
 * `crawl-tasks probe xhs` as a user runs it: `node cli/bin.js probe xhs` against the real
 * one-machine stack, whose crawler is pointed at the xhs stand-in (tests/fixtures/xhs)
 * through XHS_BASE_URL_*. With the stand-in as it is, every mode completes and the report
 * shows no drift (exit 0); with the stand-in drifting, the report names the step, the
 * endpoint and what was seen (exit 1).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXhsStandIn, type XhsStandIn } from "../fixtures/xhs/server.js";
import { startStack, type RunningStack } from "../support/stack.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(root, "cli/bin.js");
const PROBE_TIMEOUT_MS = 150_000;

let xhs: XhsStandIn;
let stack: RunningStack;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI with this test's Node, talking to the stack through API_URL. */
function cli(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, API_URL: stack.url, API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/** The report's header line of one mode, e.g. `xhs search "咖啡": completed — 2 content, 10 comment`. */
const modeLine = (stdout: string, mode: string) => stdout.split("\n").find((line) => line.startsWith(`xhs ${mode} `));

beforeAll(async () => {
  xhs = await startXhsStandIn();
  stack = await startStack({
    env: {
      CRAWL_CONCURRENCY: "1",
      XHS_BASE_URL_WWW: xhs.baseUrl,
      XHS_BASE_URL_API: xhs.apiUrl,
      // The stand-in lives on 127.0.0.1, which the egress policy refuses unless told.
      ALLOW_PRIVATE_TARGETS: "1",
      CREATOR_HASH_SECRET: "probe-test-creator-hash-secret-0123456789",
      MEDIA_DELAY_SCALE: "0",
    },
  });
  const created = await fetch(`${stack.url}/api/v1/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      platform: "xhs",
      cookies: "web_session=040069b5-probe-session; a1=18f0c0ffee",
      note: "probe test",
    }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await stack?.kill();
  await xhs?.close();
});

describe("crawl-tasks probe xhs", () => {
  it(
    "runs search, then detail on the first note found and creator on its author, and reports no drift (exit 0)",
    async () => {
      const run = await cli(["probe", "xhs"]);
      // Progress notes (the tasks it created) go to stderr, the report to stdout.
      expect(run.stderr).toMatch(
        /^search "咖啡": task [0-9A-Z]{26}…\ndetail ".+": task [0-9A-Z]{26}…\ncreator "[0-9a-f]{24}": task [0-9A-Z]{26}…\n$/,
      );
      if (run.code !== 0) console.log(run.stdout);
      expect(run.code).toBe(0);
      // Detail takes the first note the search stored, in item_key order (results are listed so).
      const note = [...xhs.data.notesFor("咖啡").slice(0, 2)].sort((a, b) => a.note_id.localeCompare(b.note_id))[0]!;
      expect(modeLine(run.stdout, "search")).toMatch(/^xhs search "咖啡": completed — 2 content, \d+ comment$/);
      expect(modeLine(run.stdout, "detail")).toMatch(
        new RegExp(`^xhs detail ".*/explore/${note.note_id}\\?xsec_token=.*": completed — 1 content, \\d+ comment$`),
      );
      expect(modeLine(run.stdout, "creator")).toBe(
        `xhs creator "${note.user.user_id}": completed — 1 creator, 2 content, ${5 * 2} comment`,
      );
      // The steps it saw: the page opened, the page's own first result page, the crawler's calls, each body's shape.
      expect(run.stdout).toMatch(/open +200 +open +http:\/\/127\.0\.0\.1:\d+\/search_result\?keyword=/);
      expect(run.stdout).toMatch(
        /response +200 +search: first page +http:\/\/127\.0\.0\.1:\d+\/api\/sns\/web\/v1\/search\/notes/,
      );
      expect(run.stdout).toMatch(/shape +ok +search: first page/);
      expect(run.stdout).toMatch(/call +200 +note: feed +http:\/\/127\.0\.0\.1:\d+\/api\/sns\/web\/v1\/feed/);
      expect(run.stdout).toMatch(
        /call +200 +comments: replies +http:\/\/127\.0\.0\.1:\d+\/api\/sns\/web\/v2\/comment\/sub\/page\?/,
      );
      expect(run.stdout).toMatch(/shape +ok +note: page state/);
      expect(run.stdout).toMatch(/shape +ok +creator: first notes/);
      expect(run.stdout).toMatch(/items +×1 +search: content items +\{"item_type":"content","platform":"xhs"/);
      expect(run.stdout).not.toMatch(/MISMATCH|warnings|warning\(s\)|!/);
      expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("xhs: no drift seen");
    },
    PROBE_TIMEOUT_MS,
  );

  it(
    "reports a changed shape with its step, endpoint and mismatch, and exits 1",
    async () => {
      // The comment pages' comments carry comment_id where id was.
      xhs.drift("comments-shape");
      try {
        const run = await cli(["probe", "xhs"]);
        if (run.code !== 1) console.log(run.stdout);
        expect(run.code).toBe(1);
        for (const mode of ["search", "detail", "creator"]) expect(modeLine(run.stdout, mode)).toMatch(/: failed — /);
        expect(run.stdout).toMatch(
          /shape +MISMATCH +comments: page +data\.comments\.0\.id: Invalid input: expected string, received undefined/,
        );
        expect(run.stdout).toContain(
          "! SITE_CHANGED: xhs comments: page (/api/sns/web/v2/comment/page): the body no longer has the expected shape; seen: data.comments.0.id: Invalid input: expected string, received undefined",
        );
        expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(/^xhs: drift found/);
      } finally {
        xhs.drift("none");
      }
    },
    PROBE_TIMEOUT_MS,
  );
});
