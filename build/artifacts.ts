/**
 * The five Lambda artifacts, built from what infra/ declares: each function's handler,
 * runtime, `nodejs` options and `copyFiles` are read off the evaluated config
 * (build/infraModel.ts), built as SST 4.17 builds them (build/sstBuild.ts), and recorded
 * in a manifest that the Lambda harness and the benchmarks read.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  evaluateInfra,
  FUNCTION_DEFAULTS,
  megabytes,
  ROOT,
  seconds,
  stackFunctions,
  type Args,
  type Stack,
  type StackFunction,
  type Trigger,
} from "./infraModel.js";
import { buildFunction, SST_ESBUILD_VERSION, type BuiltFunction } from "./sstBuild.js";

const run = promisify(execFile);

/** Where `npm run build:functions` writes: `<id>-src/` (what SST zips) and `<id>/code.zip`. */
export const ARTIFACTS_DIR = resolve(ROOT, "dist/functions");
const MANIFEST = "manifest.json";
const INSTALL_CACHE = ".install-cache";

/** Lambda's quotas for a .zip function (docs: "Lambda quotas", deployment package). */
export const LAMBDA_LIMITS = {
  /** Unzipped code and layers together; the one that binds when the zip goes through S3, as SST uploads it. */
  unzippedBytes: 250 * 1024 * 1024,
  /** A zip uploaded directly through the Lambda API; SST uploads through S3, where it does not apply. */
  zippedDirectUploadBytes: 50 * 1024 * 1024,
} as const;

/** One function's artifact, as the manifest keeps it. */
export interface Artifact extends Omit<BuiltFunction, "inputs"> {
  site: string;
  /** The handler in infra/, e.g. functions/api/handler.handler. */
  source: string;
  runtime: string;
  architecture: string;
  memoryMb: number;
  timeoutSeconds: number;
  storageMb: number;
  /** The environment infra gives it, placeholders (`<Dynamo:Tasks.name>`) and secrets (`{from}`) unresolved. */
  environment: Args;
  trigger: ManifestTrigger;
  /** Digest of everything the artifact was built from; a changed digest means a rebuild. */
  inputsDigest: string;
  inputs: string[];
}

export type ManifestTrigger =
  | { kind: "api"; routes: string[] }
  | {
      kind: "queue";
      queue: string;
      batch: { size: number; windowSeconds: number; partialResponses: boolean };
      maximumConcurrency?: number;
    }
  | { kind: "schedule"; schedule: string; event: unknown }
  | { kind: "none" };

export interface Manifest {
  esbuild: string;
  builtAt: string;
  artifacts: Artifact[];
}

function manifestTrigger(trigger: Trigger): ManifestTrigger {
  switch (trigger.kind) {
    case "api":
      return { kind: "api", routes: trigger.routes };
    case "queue":
      return {
        kind: "queue",
        queue: trigger.queue.name,
        batch: trigger.batch,
        ...(trigger.maximumConcurrency === undefined ? {} : { maximumConcurrency: trigger.maximumConcurrency }),
      };
    case "schedule":
      return { kind: "schedule", schedule: trigger.schedule, event: trigger.event };
    default:
      return { kind: "none" };
  }
}

/** Files every artifact depends on besides its bundle's inputs. */
function sharedInputs(): string[] {
  const infra = readdirTs(resolve(ROOT, "infra")).map((file) => `infra/${file}`);
  const build = readdirTs(resolve(ROOT, "build")).map((file) => `build/${file}`);
  return ["package.json", "sst.config.ts", ...infra, ...build];
}

function readdirTs(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .sort()
    : [];
}

/** SHA-256 over the given files' names and contents and the function's infra arguments. */
export function digestOf(files: string[], args: Args): string {
  const hash = createHash("sha256");
  for (const file of [...new Set([...files, ...sharedInputs()])].sort()) {
    hash.update(file);
    const path = resolve(ROOT, file);
    hash.update(existsSync(path) ? readFileSync(path) : "(missing)");
  }
  hash.update(stableJson(args));
  return hash.digest("hex");
}

/** JSON of infra arguments: a linked component stands as its placeholders (components refer to themselves). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "function") return String(v);
    if (typeof v === "object" && v !== null && "component" in v)
      return (v as { component: { out: unknown } }).component.out;
    return v;
  });
}

export interface BuildOptions {
  /** Only these function ids (or handler folders, e.g. "crawler"). */
  only?: string[];
  outRoot?: string;
  /** Install `nodejs.install` packages afresh, as SST does, instead of reusing an earlier install. */
  freshInstall?: boolean;
  /** The evaluated config; evaluated here when not given. */
  stack?: Stack;
  log?: (line: string) => void;
}

/** Whether `fn` is one of `only` (its id, or the folder of its handler under functions/). */
function selected(fn: StackFunction, only: string[] | undefined): boolean {
  if (only === undefined || only.length === 0) return true;
  const folder = /^functions\/([^/]+)\//.exec(String(fn.args.handler))?.[1];
  return only.some((name) => name === fn.id || name === folder);
}

/** Builds the artifacts and writes the manifest (merged with entries not rebuilt). */
export async function buildArtifacts(options: BuildOptions = {}): Promise<Manifest> {
  const outRoot = options.outRoot ?? ARTIFACTS_DIR;
  const stack = options.stack ?? (await evaluateInfra());
  const functions = stackFunctions(stack).filter((fn) => selected(fn, options.only));
  if (functions.length === 0) throw new Error(`no function matches ${options.only?.join(", ")}`);
  await mkdir(outRoot, { recursive: true });
  const installCache = options.freshInstall ? undefined : join(outRoot, INSTALL_CACHE);
  const previous = await readManifest(outRoot);
  const artifacts: Artifact[] = [];
  for (const fn of functions) {
    const started = performance.now();
    const built = await buildFunction({ id: fn.id, args: fn.args, outRoot, ...(installCache ? { installCache } : {}) });
    await assertParses(built);
    const artifact: Artifact = {
      ...built,
      site: fn.site,
      source: String(fn.args.handler),
      runtime: String(fn.args.runtime ?? "nodejs20.x"),
      architecture: String(fn.args.architecture ?? "x86_64"),
      memoryMb: megabytes(fn.args.memory ?? FUNCTION_DEFAULTS.memory),
      timeoutSeconds: seconds(fn.args.timeout ?? FUNCTION_DEFAULTS.timeout),
      storageMb: megabytes(fn.args.storage ?? FUNCTION_DEFAULTS.storage),
      environment: fn.args.environment ?? {},
      trigger: manifestTrigger(fn.trigger),
      inputsDigest: digestOf(built.inputs, fn.args),
    };
    artifacts.push(artifact);
    options.log?.(`built ${fn.id} (${fn.args.handler}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const kept = (previous?.artifacts ?? []).filter(
    (old) => !artifacts.some((a) => a.id === old.id) && stackFunctions(stack).some((fn) => fn.id === old.id),
  );
  const manifest: Manifest = {
    esbuild: SST_ESBUILD_VERSION,
    builtAt: new Date().toISOString(),
    artifacts: [...artifacts, ...kept],
  };
  await writeFile(join(outRoot, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * `node --check` on the bundle: a bundled dependency that declares a name the banner also
 * declares (`require`, `__filename`, `__dirname`) makes the whole function fail at load
 * with a SyntaxError, after a deploy that succeeded. Say so at build time.
 */
async function assertParses(built: BuiltFunction): Promise<void> {
  const bundle = join(
    built.dir,
    built.handler.replace(/\.[^.]+$/, existsSync(join(built.dir, "bundle.mjs")) ? ".mjs" : ".cjs"),
  );
  try {
    await run(process.execPath, ["--check", bundle]);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    const syntax = /SyntaxError: .*/.exec(stderr)?.[0] ?? stderr.trim().split("\n").at(-1);
    const name = /Identifier '(require|__filename|__dirname)' has already been declared/.exec(stderr)?.[1];
    const clash =
      name === undefined
        ? ""
        : ` A bundled package declares a top-level ${name}, as SST's banner does (${declaring(built.inputs, name).join(", ") || "package not found"}):` +
          " list the package that imports it in the function's nodejs.install, so that it loads from node_modules instead of the bundle.";
    throw new Error(`${built.id}: the bundle does not load: ${syntax}.${clash}`);
  }
}

/** Bundled package files that declare `name` at the top level of a module. */
function declaring(inputs: string[], name: string): string[] {
  const declaration = new RegExp(`^(?:const|let|var)\\s+${name}\\b`, "m");
  return inputs.filter(
    (input) =>
      input.includes("node_modules/") &&
      existsSync(resolve(ROOT, input)) &&
      declaration.test(readFileSync(resolve(ROOT, input), "utf8")),
  );
}

export async function readManifest(outRoot = ARTIFACTS_DIR): Promise<Manifest | undefined> {
  const file = join(outRoot, MANIFEST);
  return existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Manifest) : undefined;
}

/** The artifacts whose inputs changed since they were built (or that were never built). */
export async function staleArtifacts(outRoot = ARTIFACTS_DIR, stack?: Stack): Promise<string[]> {
  const manifest = await readManifest(outRoot);
  const functions = stackFunctions(stack ?? (await evaluateInfra()));
  return functions
    .filter((fn) => {
      const artifact = manifest?.artifacts.find((a) => a.id === fn.id);
      return (
        artifact === undefined ||
        !existsSync(artifact.zip) ||
        artifact.inputsDigest !== digestOf(artifact.inputs, fn.args)
      );
    })
    .map((fn) => fn.id);
}

/**
 * The manifest with every artifact up to date: builds what is stale, one build at a time
 * across processes (test files run in parallel workers and may all ask at once).
 */
export async function ensureArtifacts(options: Omit<BuildOptions, "only"> = {}): Promise<Manifest> {
  const outRoot = options.outRoot ?? ARTIFACTS_DIR;
  await mkdir(outRoot, { recursive: true });
  const release = await lock(join(outRoot, ".lock"));
  try {
    const stack = options.stack ?? (await evaluateInfra());
    const stale = await staleArtifacts(outRoot, stack);
    if (stale.length > 0) await buildArtifacts({ ...options, stack, outRoot, only: stale });
    const manifest = await readManifest(outRoot);
    if (manifest === undefined) throw new Error("no artifact manifest after building");
    return manifest;
  } finally {
    await release();
  }
}

/** A lock held by creating a folder (atomic); a lock older than 15 minutes is taken as abandoned. */
async function lock(path: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(path);
      return () => rm(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 15 * 60_000) await rm(path, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}
