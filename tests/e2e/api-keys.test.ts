/**
 * API keys in the one-machine stack (`npm start` as a child process): it refuses to listen
 * beyond loopback without API_KEY, and with API_KEY every route but /health needs the key —
 * which it never prints, not even with the functions logging every event at DEBUG.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendantPids } from "../../local/process-tree.js";
import { spawnStack, startStack, type RunningStack } from "../support/stack.js";

const KEY = "e2e-stack-key-0123456789";
const webTask = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };

describe("without API_KEY", () => {
  it("refuses a non-loopback HOST with one line and exit code 1", async () => {
    const stack = spawnStack({ env: { HOST: "0.0.0.0", API_KEY: "", CRAWL_CONCURRENCY: "0" } });
    const exit = await stack.exited;
    expect(exit.code).toBe(1);
    expect(stack.stdout()).toBe("");
    expect(stack.stderr().trim()).toBe(
      "error: HOST 0.0.0.0 is not a loopback address and API_KEY is not set: set API_KEY so the API requires a key, or use HOST=127.0.0.1",
    );
  });

  it("on loopback, starts open and says so", async () => {
    const stack = await startStack({ env: { API_KEY: "", CRAWL_CONCURRENCY: "0" } });
    try {
      expect(stack.stdout()).toMatch(
        /^! API keys +none: the API is open, on loopback only, because API_KEY is not set$/m,
      );
      expect((await fetch(`${stack.url}/api/v1/tasks`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});

describe("with API_KEY", () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack({
      env: { API_KEY: KEY, CRAWL_CONCURRENCY: "1", LOG_LEVEL: "DEBUG", POWERTOOLS_LOGGER_LOG_EVENT: "true" },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${stack.url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(webTask),
    });

  it("says at start that keys are required and whether private crawl targets are allowed", () => {
    expect(stack.stdout()).toMatch(/^✓ API keys +required/m);
    expect(stack.stdout()).toMatch(
      /^✓ Targets +crawls may reach private and loopback addresses +\(ALLOW_PRIVATE_TARGETS=1\)$/m,
    );
  });

  it("answers 401 without a valid key, 201 with it, and leaves /health open", async () => {
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);

    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(await missing.json()).toMatchObject({ code: 401, data: { error: "UNAUTHORIZED" } });
    expect((await post({ authorization: `Bearer ${KEY}-wrong` })).status).toBe(401);

    const bearer = await post({ authorization: `Bearer ${KEY}` });
    expect(bearer.status).toBe(201);
    const { data } = (await bearer.json()) as { data: { task_id: string } };
    const byHeader = await fetch(`${stack.url}/api/v1/tasks/${data.task_id}`, { headers: { "x-api-key": KEY } });
    expect(byHeader.status).toBe(200);
  });

  it("gives the workers ALLOW_PRIVATE_TARGETS, and neither the key nor its digests", () => {
    const environments = descendantPids(stack.child.pid!).flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return cmdline.includes("local/worker-process.ts")
          ? [readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")]
          : [];
      } catch {
        return [];
      }
    });
    expect(environments).toHaveLength(1);
    const names = environments[0]!.map((entry) => entry.slice(0, entry.indexOf("=")));
    expect(environments[0]).toContain("ALLOW_PRIVATE_TARGETS=1");
    expect(names).not.toContain("API_KEY");
    expect(names).not.toContain("API_KEY_SHA256");
    expect(environments[0]!.join("\n")).not.toContain(KEY);
  });

  it("never prints the key", async () => {
    await stack.stop();
    expect(stack.output()).toContain("[redacted]"); // the events were logged, headers redacted
    expect(stack.output()).not.toContain(KEY);
  });
});
