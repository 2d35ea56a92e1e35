/**
 * The one-machine stack (`npm start`) as a child process, for end-to-end tests.
 *
 * It runs exactly what `npm start` runs — tsx's CLI on local/main.ts, on this Node — with
 * free ports (PORT=0 unless given) and a temporary DATA_DIR unless given. `start` resolves
 * once the stack printed `API ready: <url>`.
 *
 * @example
 * const stack = await startStack();
 * try { await fetch(`${stack.url}/health`); } finally { await stack.stop(); }
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { descendantPids, killTree } from "../../local/process-tree.js";

export interface StackOptions {
  /** API port; other ports are always free ones. @default 0 (a free port) */
  port?: number;
  /** @default a new temporary directory, removed when the stack exits */
  dataDir?: string;
  /** Extra environment (LOG_LEVEL, CRAWL_CONCURRENCY, …). */
  env?: Record<string, string>;
  /** @default 60_000 */
  readyTimeoutMs?: number;
}

export interface StackExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StackProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the stack process has exited. */
  readonly exited: Promise<StackExit>;
  /** Resolves with the URL from `API ready: <url>`; rejects if the stack exits first or takes too long. */
  ready(): Promise<string>;
  /** SIGTERM, then waits for the exit. Resolves with the exit and how long it took. */
  stop(): Promise<StackExit & { durationMs: number }>;
  /** SIGKILL to the stack and every process under it (workers, their browsers): a crash. */
  kill(): Promise<void>;
  /** Process ids of the crawler worker processes running now (Linux: read from /proc). */
  workerPids(): number[];
}

export interface RunningStack extends StackProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
// tsx as an in-process loader, not its CLI: the CLI relays signals to a child and SIGKILLs it
// when the child does not confirm within 30 ms (a busy machine), which breaks graceful stops.
const TSX_LOADER = ["--import", "tsx"];
const live = new Set<ChildProcess>();

// A test that fails halfway must not leave a stack (and its ports) behind.
process.once("exit", () => {
  for (const child of live) if (child.pid !== undefined) killTree(child.pid);
});

/** Spawns the stack without waiting for it; see {@link startStack}. */
export function spawnStack(options: StackOptions = {}): StackProcess {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "crawl-stack-"));
  const child = spawn(process.execPath, [...TSX_LOADER, "local/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      DYNAMODB_PORT: "0",
      SQS_PORT: "0",
      DATA_DIR: dataDir,
      LOG_LEVEL: "ERROR",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let all = "";
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    all += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
    all += chunk;
  });
  const exited = new Promise<StackExit>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });

  function ready(timeoutMs = options.readyTimeoutMs ?? 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = /API ready: (http:\/\/\S+)/.exec(out);
        if (match) {
          cleanup();
          resolve(match[1]!);
        }
      };
      const onExit = ({ code, signal }: StackExit) => {
        cleanup();
        reject(new Error(`stack exited (${signal ?? `code ${code}`}) before it was ready:\n${all}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`stack not ready within ${timeoutMs} ms:\n${all}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout!.off("data", check);
      };
      child.stdout!.on("data", check);
      void exited.then(onExit);
      check();
    });
  }

  return {
    child,
    dataDir,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    exited,
    ready,
    async stop() {
      const startedAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const exit = await exited;
      return { ...exit, durationMs: Date.now() - startedAt };
    },
    async kill() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killTree(child.pid);
      await exited;
    },
    workerPids() {
      if (child.pid === undefined) return [];
      return descendantPids(child.pid).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("local/worker-process.ts");
        } catch {
          return false; // it exited meanwhile
        }
      });
    },
  };
}

/** Starts the stack and waits until its API is ready. */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const stack = spawnStack(options);
  try {
    const url = await stack.ready();
    return Object.assign(stack, { url, port: Number(new URL(url).port) });
  } catch (error) {
    await stack.kill();
    throw error;
  }
}

/**
 * The keys and endpoints this start of the stack wrote to DATA_DIR/aws.env: its embedded
 * servers take only requests signed with them (local/awsGuard.ts).
 */
export function stackAws(dataDir: string): {
  credentials: { accessKeyId: string; secretAccessKey: string };
  dynamoEndpoint: string;
  sqsEndpoint: string;
  region: string;
} {
  const values = Object.fromEntries(
    readFileSync(join(dataDir, "aws.env"), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return {
    credentials: { accessKeyId: values.AWS_ACCESS_KEY_ID!, secretAccessKey: values.AWS_SECRET_ACCESS_KEY! },
    dynamoEndpoint: values.AWS_ENDPOINT_URL_DYNAMODB!,
    sqsEndpoint: values.AWS_ENDPOINT_URL_SQS!,
    region: values.AWS_DEFAULT_REGION ?? "us-east-1",
  };
}
