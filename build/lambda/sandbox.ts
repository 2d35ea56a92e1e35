/**
 * A Lambda-like sandbox for one built artifact: the function's code.zip is extracted into
 * a fresh folder outside the repository (its /var/task), and a fresh Node 22 process runs
 * build/lambda/bootstrap.mjs there, the way the nodejs22.x runtime runs a handler: it
 * loads `bundle.handler` and takes invocations from a Lambda Runtime API served here.
 *
 * What the process can see is what Lambda gives a function: the extracted zip, its own
 * /tmp, and the environment Lambda defines plus what infra/ sets. Node's permission model
 * (`--permission`) refuses every file read outside those folders, so an import that is not
 * in the artifact fails here as it would on Lambda, instead of quietly resolving to the
 * project's node_modules. Child processes (Chromium) are allowed, as on Lambda.
 *
 * Like Lambda, an invocation past its deadline ends the sandbox ("Task timed out"), and the
 * next invocation starts it cold; between invocations the process stays warm.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { once } from "node:events";
import yauzl from "yauzl";
import { ROOT } from "../infraModel.js";
import { sampleTreeMemory } from "../../local/process-memory.js";
import { killTree } from "../../local/process-tree.js";

/** The Node 22 binary of the `node` devDependency: nodejs22.x's major, whatever runs the tests. */
export const NODE22 = resolve(ROOT, "node_modules/node/bin/node");
const BOOTSTRAP = resolve(import.meta.dirname, "bootstrap.mjs");
const ACCOUNT = "000000000000";

export interface SandboxOptions {
  /** The artifact's code.zip. */
  zip: string;
  /** The Lambda handler setting, e.g. "bundle.handler". */
  handler: string;
  functionName: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** What infra/ sets on the function, resolved (plus the endpoints of the embedded servers). */
  environment: Record<string, string>;
  /** @default "us-east-1" */
  region?: string;
  /** The credentials Lambda gives the function's role. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Where sandboxes are made. @default os.tmpdir() */
  scratchRoot?: string;
  /** Lines the function writes to stdout/stderr (its CloudWatch log stream). */
  onLog?: (line: string) => void;
}

export interface InvokeOptions {
  /** Time until the invocation's deadline. @default the function's timeout */
  timeoutMs?: number;
}

/** One invocation's outcome, as Lambda's Invoke and the REPORT log line tell it. */
export interface Invocation<T = unknown> {
  requestId: string;
  /** The handler's return value (`null` when it returned nothing). */
  result?: T;
  /** An error the handler threw, or that ended the sandbox (Runtime.*, Sandbox.Timedout). */
  error?: { errorType: string; errorMessage: string; trace?: string[] };
  coldStart: boolean;
  /** Runtime start and handler import, on a cold start (REPORT's Init Duration). */
  initDurationMs?: number;
  durationMs: number;
  /** Peak memory of the sandbox's processes during the invocation (REPORT's Max Memory Used). */
  maxMemoryUsedMb: number;
  logs: string[];
}

interface Pending {
  requestId: string;
  event: unknown;
  deadline: number;
  settle: (outcome: { result?: unknown; error?: Invocation["error"] }) => void;
}

/** Extracts a zip as Lambda does into /var/task: files only, modes kept. */
async function extractZip(zip: string, into: string): Promise<void> {
  const archive = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(zip, { lazyEntries: true }, (error, file) => (error ? fail(error) : ok(file))),
  );
  await new Promise<void>((ok, fail) => {
    archive.on("error", fail);
    archive.on("end", ok);
    archive.on("entry", (entry: yauzl.Entry) => {
      const target = resolve(into, entry.fileName);
      if (!target.startsWith(into)) return fail(new Error(`zip entry outside the task root: ${entry.fileName}`));
      if (entry.fileName.endsWith("/")) {
        void mkdir(target, { recursive: true }).then(() => archive.readEntry(), fail);
        return;
      }
      archive.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        void mkdir(dirname(target), { recursive: true }).then(() => {
          const out = createWriteStream(target);
          stream.pipe(out);
          out.on("close", () => {
            const mode = (entry.externalFileAttributes >>> 16) & 0o777;
            void chmod(target, mode === 0 ? 0o644 : mode).then(() => archive.readEntry(), fail);
          });
          out.on("error", fail);
        }, fail);
      });
    });
    archive.readEntry();
  });
}

export class LambdaSandbox {
  private process: ChildProcess | undefined;
  private server: Server | undefined;
  private port = 0;
  private readonly queue: Pending[] = [];
  private waiting: ServerResponse | undefined;
  private current: Pending | undefined;
  private initError: Invocation["error"] | undefined;
  private startedAt = 0;
  private initDoneAt: number | undefined;
  private logs: string[] = [];
  private exited: Promise<unknown> = Promise.resolve();
  readonly root: string;
  readonly taskRoot: string;
  readonly tmp: string;

  private constructor(
    private readonly options: SandboxOptions,
    root: string,
  ) {
    this.root = root;
    this.taskRoot = join(root, "var/task");
    this.tmp = join(root, "tmp");
  }

  /** Extracts the artifact into a new sandbox and starts its Runtime API (not the process: the first invoke does). */
  static async create(options: SandboxOptions): Promise<LambdaSandbox> {
    if (!existsSync(NODE22))
      throw new Error(`no Node 22 binary at ${NODE22}: run npm ci (the node devDependency provides it)`);
    const root = await mkdtemp(join(options.scratchRoot ?? tmpdir(), `lambda-${options.functionName}-`));
    if (root.startsWith(ROOT))
      throw new Error("a sandbox must live outside the repository, or Node would find the project's node_modules");
    const sandbox = new LambdaSandbox(options, root);
    await Promise.all([
      extractZip(options.zip, sandbox.taskRoot),
      mkdir(sandbox.tmp, { recursive: true }),
      mkdir(join(root, "var/runtime"), { recursive: true }),
    ]);
    await cp(BOOTSTRAP, join(root, "var/runtime/bootstrap.mjs"));
    return sandbox;
  }

  /**
   * A Runtime API of its own for each sandbox process: a request the previous (killed)
   * process had in flight can then never take an invocation meant for the next one.
   */
  private async listen(): Promise<void> {
    // A request cut off mid-way (its process was stopped) just ends.
    const server = createServer((req, res) => void this.route(server, req, res).catch(() => res.destroy()));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  private closeServer(): void {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    server?.close();
  }

  /** The Lambda Runtime API (2018-06-01) the bootstrap talks to. */
  private async route(server: Server, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (server !== this.server) return void res.destroy();
    const body = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "").replace(/^\/2018-06-01/, "");
    if (req.method === "GET" && path === "/runtime/invocation/next") {
      if (this.initDoneAt === undefined) this.initDoneAt = performance.now();
      this.waiting = res;
      this.dispatch();
      return;
    }
    const done = /^\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    const pending = this.current;
    if (req.method === "POST" && done && pending !== undefined && pending.requestId === done[1]) {
      this.current = undefined;
      res.writeHead(202).end('{"status":"OK"}');
      pending.settle(
        done[2] === "response" ? { result: body === "" ? null : JSON.parse(body) } : { error: JSON.parse(body) },
      );
      return;
    }
    if (req.method === "POST" && path === "/runtime/init/error") {
      this.initError = JSON.parse(body);
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    res
      .writeHead(400)
      .end(JSON.stringify({ errorType: "InvalidRequestID", errorMessage: `unexpected ${req.method} ${path}` }));
  }

  private dispatch(): void {
    const next = this.queue[0];
    if (this.waiting === undefined || next === undefined || this.current !== undefined) return;
    this.queue.shift();
    this.current = next;
    const res = this.waiting;
    this.waiting = undefined;
    const region = this.options.region ?? "us-east-1";
    res.writeHead(200, {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": next.requestId,
      "lambda-runtime-deadline-ms": String(next.deadline),
      "lambda-runtime-invoked-function-arn": `arn:aws:lambda:${region}:${ACCOUNT}:function:${this.options.functionName}`,
      "lambda-runtime-trace-id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)};Sampled=0`,
    });
    res.end(JSON.stringify(next.event));
  }

  /** The environment Lambda defines for a nodejs22.x function (docs: "Defined runtime environment variables"), rebased onto the sandbox. */
  private environment(): Record<string, string> {
    const { functionName, memoryMb, credentials } = this.options;
    const region = this.options.region ?? "us-east-1";
    const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
    return {
      ...this.options.environment,
      _HANDLER: this.options.handler,
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomUUID().replaceAll("-", "")}`,
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${this.port}`,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      LAMBDA_TASK_ROOT: this.taskRoot,
      LAMBDA_RUNTIME_DIR: join(this.root, "var/runtime"),
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      PATH: "/usr/local/bin:/usr/bin/:/bin",
      NODE_PATH: [
        join(this.root, "opt/nodejs/node22/node_modules"),
        join(this.root, "opt/nodejs/node_modules"),
        join(this.root, "var/runtime/node_modules"),
        join(this.root, "var/runtime"),
        this.taskRoot,
      ].join(":"),
      // Lambda has no TMPDIR (os.tmpdir() is /tmp); a sandbox's /tmp is its own folder.
      TMPDIR: this.tmp,
    };
  }

  private async start(): Promise<void> {
    await this.listen();
    this.startedAt = performance.now();
    this.initDoneAt = undefined;
    this.initError = undefined;
    const child = spawn(
      NODE22,
      [
        // Reads only inside the sandbox; writes only to its /tmp. (Lambda's own file system is
        // read-only outside /tmp too.) Chromium runs as a child process, outside this model.
        "--permission",
        `--allow-fs-read=${this.root}`,
        `--allow-fs-write=${this.tmp}`,
        "--allow-child-process",
        join(this.root, "var/runtime/bootstrap.mjs"),
      ],
      { cwd: this.taskRoot, env: this.environment(), stdio: ["ignore", "pipe", "pipe"] },
    );
    this.process = child;
    for (const stream of [child.stdout, child.stderr]) {
      let partial = "";
      stream?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) this.log(line);
      });
    }
    this.exited = once(child, "exit").then(([code, signal]) => {
      // A sandbox ended on purpose (a timeout, close) has settled its invocation already.
      if (this.process !== child) return;
      this.process = undefined;
      this.closeServer();
      // A process that ends mid-invocation fails it, as Lambda reports a runtime exit.
      const pending = this.current;
      this.current = undefined;
      const reason = this.initError ?? {
        errorType: "Runtime.ExitError",
        errorMessage: `RequestId: ${pending?.requestId ?? "-"} Error: Runtime exited with error: ${signal ?? `exit status ${code}`}`,
      };
      pending?.settle({ error: reason });
      for (const queued of this.queue.splice(0)) queued.settle({ error: reason });
    });
  }

  private log(line: string): void {
    this.logs.push(line);
    this.options.onLog?.(line);
  }

  /** Invokes the function with `event` and waits for its outcome, like a synchronous Invoke. */
  async invoke<T = unknown>(event: unknown, options: InvokeOptions = {}): Promise<Invocation<T>> {
    const coldStart = this.process === undefined;
    if (coldStart) await this.start();
    const child = this.process!;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutSeconds * 1000;
    const requestId = randomUUID();
    this.logs = [];
    const memory = sampleTreeMemory(child.pid!, 100);
    const queuedAt = performance.now();
    const outcome = await new Promise<{ result?: unknown; error?: Invocation["error"] }>((settle) => {
      const timer = setTimeout(
        () => {
          // Lambda stops the sandbox at the deadline; the next invocation starts a new one.
          settle({
            error: {
              errorType: "Sandbox.Timedout",
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
            },
          });
          this.kill();
        },
        timeoutMs + (coldStart ? 10_000 : 0),
      );
      this.queue.push({
        requestId,
        event,
        // The deadline counts from when the invocation starts; a cold start's init is not part of it.
        deadline: Date.now() + timeoutMs,
        settle: (value) => {
          clearTimeout(timer);
          settle(value);
        },
      });
      this.dispatch();
    });
    const ended = performance.now();
    const initDurationMs = coldStart && this.initDoneAt !== undefined ? this.initDoneAt - this.startedAt : undefined;
    const maxMemoryUsedMb = Math.round(memory.stop() / 1024 / 1024);
    const durationMs = ended - (coldStart && this.initDoneAt !== undefined ? this.initDoneAt : queuedAt);
    this.log(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tMemory Size: ${this.options.memoryMb} MB\tMax Memory Used: ${maxMemoryUsedMb} MB${initDurationMs === undefined ? "" : `\tInit Duration: ${initDurationMs.toFixed(2)} ms`}`,
    );
    return {
      requestId,
      ...(outcome.error ? { error: outcome.error } : { result: outcome.result as T }),
      coldStart,
      ...(initDurationMs === undefined ? {} : { initDurationMs }),
      durationMs,
      maxMemoryUsedMb,
      logs: this.logs,
    };
  }

  /** Ends the sandbox's processes (Chromium included); the next invoke starts cold. */
  kill(): void {
    const child = this.process;
    if (child?.pid === undefined) return;
    this.process = undefined;
    this.current = undefined;
    this.waiting?.destroy();
    this.waiting = undefined;
    this.closeServer();
    killTree(child.pid);
  }

  async close(): Promise<void> {
    this.kill();
    await this.exited;
    this.waiting?.destroy();
    this.closeServer();
    await rm(this.root, { recursive: true, force: true });
  }
}
