/**
 * The one-machine stack against the attacks of issue 11, made the way they were made:
 * - a page on another origin, in a real Chromium, trying the API and both embedded AWS
 *   servers (reads, a forged task, a no-preflight cancel, a form POST to SQS);
 * - a page whose name was rebound to 127.0.0.1 (DNS rebinding) using the API as its own;
 * - the files under DATA_DIR: modes, an old 0755/0644 data directory, a proxy password;
 * - keyless 10 MiB bodies against a stack with an API key: refused before they are read;
 * - the embedded servers with the wrong keys, and with this start's keys from aws.env.
 */
import { once } from "node:events";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import puppeteer from "puppeteer-core";
import { resolveExecutablePath } from "../../core/browser/index.js";
import { api, type TaskView } from "../support/api.js";
import { stackAws, startStack, type RunningStack } from "../support/stack.js";

const webTask = { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"], max_pages: 1 };

let open: RunningStack;
let browser: Browser;
let attacker: Server;
let attackerOrigin: string;

beforeAll(async () => {
  // The default stack: no API key, on loopback. CRAWL_CONCURRENCY=0 keeps tasks pending, so a cancel would show.
  open = await startStack({ env: { CRAWL_CONCURRENCY: "0" } });
  // A browser as a person runs it: puppeteer's own flags, web security on (the crawler's
  // Chromium runs with @sparticuz/chromium's --disable-web-security, no test of CORS).
  browser = await puppeteer.launch({
    executablePath: await resolveExecutablePath(),
    headless: "shell",
    args: ["--no-sandbox", "--disable-background-networking", "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
  });
  attacker = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>an ordinary page</title>"),
  );
  attacker.listen(0, "127.0.0.1");
  await once(attacker, "listening");
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await open?.stop();
});

const ports = () => {
  const aws = stackAws(open.dataDir);
  return { api: open.url, dynamo: aws.dynamoEndpoint, sqs: aws.sqsEndpoint };
};

describe("a page on another origin", () => {
  it("can neither read nor change anything through the API or the embedded servers", async () => {
    const pending = await api<TaskView>(open.url, "POST", "/api/v1/tasks", webTask);
    expect(pending.status).toBe(201);
    const taskId = pending.body.data.task_id;
    const before = (await api<{ items: TaskView[] }>(open.url, "GET", "/api/v1/tasks?limit=100")).body.data.items
      .length;

    const page = await browser.newPage();
    await page.goto(attackerOrigin);
    const { api: apiUrl, dynamo, sqs } = ports();
    const outcomes = await page.evaluate(
      async ({ apiUrl, dynamo, sqs, taskId, webTask }) => {
        const attempt = async (name: string, run: () => Promise<Response>) => {
          try {
            const response = await run();
            return [
              name,
              response.type === "opaque"
                ? "opaque"
                : `read ${response.status}: ${(await response.text()).slice(0, 80)}`,
            ];
          } catch (error) {
            return [name, `blocked (${(error as Error).name})`];
          }
        };
        return Object.fromEntries(
          await Promise.all([
            attempt("api: list tasks", () => fetch(`${apiUrl}/api/v1/tasks`)),
            attempt("api: cancel without a preflight", () =>
              fetch(`${apiUrl}/api/v1/tasks/${taskId}/cancel`, {
                method: "POST",
                mode: "no-cors",
                headers: { "content-type": "text/plain" },
                body: "",
              }),
            ),
            attempt("api: create without a preflight", () =>
              fetch(`${apiUrl}/api/v1/tasks`, {
                method: "POST",
                mode: "no-cors",
                headers: { "content-type": "text/plain" },
                body: JSON.stringify(webTask),
              }),
            ),
            attempt("api: create as JSON", () =>
              fetch(`${apiUrl}/api/v1/tasks`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(webTask),
              }),
            ),
            attempt("dynamodb: scan the accounts table", () =>
              fetch(dynamo, {
                method: "POST",
                headers: { "x-amz-target": "DynamoDB_20120810.Scan", "content-type": "application/x-amz-json-1.0" },
                body: JSON.stringify({ TableName: "accounts" }),
              }),
            ),
            attempt("dynamodb: forge a task", () =>
              fetch(dynamo, {
                method: "POST",
                mode: "no-cors",
                headers: { "content-type": "text/plain" },
                body: JSON.stringify({ TableName: "tasks", Item: { task_id: { S: "forged" } } }),
              }),
            ),
            attempt("sqs: form POST of a message", () =>
              fetch(sqs, {
                method: "POST",
                mode: "no-cors",
                body: new URLSearchParams({
                  Action: "SendMessage",
                  QueueUrl: `${sqs}/123456789012/crawl-tasks`,
                  MessageBody: '{"task_id":"forged"}',
                }),
              }),
            ),
          ]),
        );
      },
      { apiUrl, dynamo, sqs, taskId, webTask },
    );
    await page.close();

    // Nothing could be read: every readable attempt was blocked by the browser (no CORS grant).
    for (const [name, outcome] of Object.entries(outcomes)) expect(outcome, name).toMatch(/^(blocked|opaque)/);
    // Nothing changed: the task is still pending, no task was added.
    expect((await api<TaskView>(open.url, "GET", `/api/v1/tasks/${taskId}`)).body.data.status).toBe("pending");
    expect((await api<{ items: TaskView[] }>(open.url, "GET", "/api/v1/tasks?limit=100")).body.data.items.length).toBe(
      before,
    );
    // The embedded servers saw the browser's requests and refused them.
    expect(open.stderr()).toMatch(/DynamoDB-API server: refused (OPTIONS|POST) from \S+: browser requests are refused/);
    expect(open.stderr()).toMatch(/SQS-API server: refused POST from \S+: browser requests are refused/);
  });
});

describe("a page whose name was rebound to 127.0.0.1", () => {
  it("gets 421 from the API for its own-origin requests", async () => {
    const page = await browser.newPage();
    const port = new URL(open.url).port;
    const landing = await page.goto(`http://rebind.test:${port}/`);
    expect(landing?.status()).toBe(421);
    const answers = await page.evaluate(async () =>
      Promise.all([
        fetch("/api/v1/tasks", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ platform: "web", crawler_type: "crawl", urls: ["http://127.0.0.1:1/"] }),
        }).then((r) => r.status),
        fetch("/api/v1/tasks").then((r) => r.status),
        fetch("/api/v1/accounts").then((r) => r.status),
      ]),
    );
    await page.close();
    expect(answers).toEqual([421, 421, 421]);
  });

  it("is answered again under a name the user allows (ALLOWED_HOSTS)", async () => {
    const stack = await startStack({ env: { CRAWL_CONCURRENCY: "0", ALLOWED_HOSTS: "rebind.test" } });
    try {
      const page = await browser.newPage();
      const landing = await page.goto(`http://rebind.test:${new URL(stack.url).port}/health`);
      expect(landing?.status()).toBe(200);
      await page.close();
    } finally {
      await stack.stop();
    }
  });
});

describe("files under DATA_DIR", () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)],
    );
  const mode = (path: string) => statSync(path).mode & 0o777;

  it("are the owner's alone, an old data directory included, and hold no proxy password", async () => {
    const dataDir = join(tmpdir(), `crawl-security-${process.pid}`);
    rmSync(dataDir, { recursive: true, force: true });
    // As an older version left it: 0755 folders, 0644 files.
    mkdirSync(join(dataDir, "dynamodb"), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, "accounts.key"), `${Buffer.alloc(32, 3).toString("base64")}\n`, { mode: 0o644 });
    chmodSync(join(dataDir, "accounts.key"), 0o644);
    chmodSync(dataDir, 0o755);
    const password = "s3cr3t-proxy-pass-7Q";
    const stack = await startStack({ dataDir, env: { CRAWL_CONCURRENCY: "0" } });
    try {
      const created = await api<TaskView & { params: { proxy: string } }>(stack.url, "POST", "/api/v1/tasks", {
        platform: "xhs",
        crawler_type: "search",
        keywords: ["咖啡"],
        proxy: `http://crawler:${password}@127.0.0.1:3128`,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data.params.proxy).toBe("http://crawler:***@127.0.0.1:3128");
    } finally {
      await stack.stop();
    }
    const everything = [dataDir, ...walk(dataDir)];
    expect(everything.filter((path) => statSync(path).isDirectory() && mode(path) !== 0o700)).toEqual([]);
    expect(everything.filter((path) => statSync(path).isFile() && mode(path) !== 0o600)).toEqual([]);
    const leaking = walk(dataDir).filter((path) => statSync(path).isFile() && readFileSync(path).includes(password));
    expect(leaking, "files holding the proxy password").toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe("the embedded servers", () => {
  it("refuse keys other than this start's, and take the ones aws.env holds", async () => {
    const aws = stackAws(open.dataDir);
    const wrong = new DynamoDBClient({
      endpoint: aws.dynamoEndpoint,
      region: aws.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    await expect(wrong.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
    wrong.destroy();
    const forged = new DynamoDBClient({
      endpoint: aws.dynamoEndpoint,
      region: aws.region,
      credentials: { ...aws.credentials, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    await expect(forged.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
    forged.destroy();
    const dynamo = new DynamoDBClient({
      endpoint: aws.dynamoEndpoint,
      region: aws.region,
      credentials: aws.credentials,
    });
    expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toContain("tasks");
    dynamo.destroy();
    const sqs = new SQSClient({ endpoint: aws.sqsEndpoint, region: aws.region, credentials: aws.credentials });
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.length).toBeGreaterThan(0);
    sqs.destroy();
    expect(mode(join(open.dataDir, "aws.env"))).toBe(0o600);
  });
  const mode = (path: string) => statSync(path).mode & 0o777;
});

describe("a stack with an API key", () => {
  it("refuses keyless 10 MiB bodies from their headers, without reading them", async () => {
    const stack = await startStack({ env: { CRAWL_CONCURRENCY: "0", API_KEY: "correct-horse-battery-staple" } });
    const rssMb = () =>
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${stack.child.pid}/status`, "utf8"))![1]) / 1024;
    try {
      const url = new URL("/api/v1/tasks", stack.url);
      const tenMiB = 10 * 1024 * 1024;
      const post = () =>
        new Promise<number>((resolve, reject) => {
          let answered = false;
          const req = httpRequest(
            url,
            { method: "POST", headers: { "content-type": "application/json", "content-length": String(tenMiB) } },
            (res) => {
              answered = true;
              res.resume();
              resolve(res.statusCode ?? 0);
              // Answered: the rest of the body is not worth sending.
              req.destroy();
            },
          );
          // The server answers before the body is through and discards the rest; a reset before
          // the answer would lose it (the client could not tell why it was refused).
          req.on("error", (error) => {
            if (!answered) reject(error);
          });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < tenMiB && !req.destroyed) {
              sent += chunk.length;
              if (!req.write(chunk)) return void req.once("drain", pump);
            }
            req.end();
          };
          pump();
        });
      const before = rssMb();
      const statuses = await Promise.all(Array.from({ length: 20 }, post));
      expect(new Set(statuses)).toEqual(new Set([401]));
      // 20 × 10 MiB read into memory would be 200 MiB more; refused from the headers, it stays flat.
      expect(rssMb() - before).toBeLessThan(100);
      // A declared body over the limit is refused at once too, key or not.
      const tooLarge = await new Promise<number>((resolve) => {
        const req = httpRequest(
          url,
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "content-length": String(tenMiB + 1),
              "x-api-key": "correct-horse-battery-staple",
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on("error", () => undefined);
        req.write("{");
      });
      expect(tooLarge).toBe(413);
      // HEAD works wherever GET does, under the same key rule.
      const head = async (path: string, headers: Record<string, string> = {}) =>
        (await fetch(new URL(path, stack.url), { method: "HEAD", headers })).status;
      expect(await head("/health")).toBe(200);
      expect(await head("/api/v1/tasks")).toBe(401);
      expect(await head("/api/v1/tasks", { "x-api-key": "correct-horse-battery-staple" })).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
