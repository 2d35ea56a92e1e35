/**
 * Builds one Node function the way SST 4.17 builds it for `sst deploy`, so that what we
 * test is what SST uploads. Every step follows SST's own code (anomalyco/sst at v4.17.0):
 *
 * - pkg/runtime/node/build.go (Runtime.Build): esbuild 0.27.2, bundle, platform node,
 *   format esm, target from the runtime (nodejs22.x → es2023), keepNames, linked source
 *   map, main fields module/main, the createRequire/__filename/__dirname banner, `sharp`,
 *   `pg-native` and `nodejs.install` packages external, minify only with `nodejs.minify`,
 *   output `bundle.mjs` with handler `bundle.<export>`; then `npm install --force
 *   --platform=linux --os=linux --arch=x64 --cpu=x64` of the install packages at the
 *   versions in the nearest package.json.
 * - pkg/runtime/runtime.go (Collection.Build): a fresh `<id>-src` folder, and
 *   `resource.enc`, the linked resources sealed with AES-256-GCM under SST_KEY.
 * - platform/src/components/aws/function.ts (normalizeNodeJs, createZipAsset): an install
 *   list becomes `{pkg: "*"}`; the zip holds the folder minus the source maps (uploaded
 *   apart) plus `copyFiles`, entries sorted, dated 1970, made with archiver 6.0.1 and glob 10.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import archiver from "archiver";
import * as esbuild from "esbuild-sst";
import { glob } from "glob";
import { ROOT, type Args } from "./infraModel.js";

const run = promisify(execFile);

/** The esbuild inside the sst 4.17 binary (go.mod: github.com/evanw/esbuild v0.27.2). */
export const SST_ESBUILD_VERSION = "0.27.2";

/** build.go's banner for ESM output, line for line; `nodejs.banner` is appended as a last line. */
export const SST_ESM_BANNER_LINES = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
] as const;

/** build.go `forceExternal`: never bundled; installed when the bundle imports them. */
const FORCE_EXTERNAL = ["sharp", "pg-native"];

/** build.go `targetMap`: the esbuild target per Lambda runtime. */
const TARGET_BY_RUNTIME: Record<string, string> = {
  "nodejs24.x": "es2024",
  "nodejs22.x": "es2023",
  "nodejs20.x": "es2023",
  "nodejs18.x": "es2022",
};

/** node.go `NODE_EXTENSIONS`: what a handler's file may end in, tried in this order. */
const NODE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/** node.go `LoaderMap`: the `nodejs.loader` values SST passes on (others are dropped). */
const LOADERS = new Set(["js", "jsx", "ts", "tsx", "css", "json", "text", "base64", "file", "dataurl", "binary"]);

export interface BuildFunctionInput {
  /** The Function component's name; the folder is `<outRoot>/<id>-src`, the zip `<outRoot>/<id>/code.zip`. */
  id: string;
  /** FunctionArgs as infra gives them (handler, runtime, architecture, nodejs, copyFiles, link). */
  args: Args;
  outRoot: string;
  /**
   * Reuse node_modules installed earlier for the same package list, flags and versions
   * (SST installs afresh every build; a clean CI clone does too).
   */
  installCache?: string;
}

export interface BuiltFunction {
  id: string;
  /** The Lambda handler setting, e.g. "bundle.handler". */
  handler: string;
  /** The folder SST zips (its `-src` folder). */
  dir: string;
  zip: string;
  /** Files the bundle was built from, relative to the repository root (esbuild's metafile). */
  inputs: string[];
  /** Packages installed instead of bundled, with the versions asked of npm. */
  installed: Record<string, string>;
  /** The key resource.enc is sealed with: Lambda gets it as SST_KEY. */
  sstKey: string;
  bytes: { bundle: number; unzipped: number; zipped: number };
}

/** SST's `nodejs` options after function.ts normalises them (an install list becomes a map). */
interface NodeProperties {
  loader?: Record<string, string>;
  install?: Record<string, string>;
  banner?: string;
  esbuild?: Args;
  minify?: boolean;
  format?: "esm" | "cjs";
  sourcemap?: boolean;
  splitting?: boolean;
}

function nodeProperties(args: Args): NodeProperties {
  const nodejs: Args = args.nodejs ?? {};
  const install = Array.isArray(nodejs.install)
    ? Object.fromEntries(nodejs.install.map((dep: string) => [dep, "*"]))
    : nodejs.install;
  return { ...nodejs, ...(install === undefined ? {} : { install }) };
}

/** node.go getFile: `dir/base.export` → the first `dir/base<ext>` that exists. */
function handlerFile(handler: string): string {
  const base = handler.slice(0, handler.lastIndexOf("."));
  for (const ext of NODE_EXTENSIONS) {
    const file = resolve(ROOT, base + ext);
    if (existsSync(file)) return file;
  }
  throw new Error(`Handler not found: ${handler}`);
}

/** build.go's "sst-version-check" plugin: an imported `sst` package must be the CLI's version. */
function sstVersionCheck(cliVersion: string): esbuild.Plugin {
  const skip = Symbol("sst-version-check");
  return {
    name: "sst-version-check",
    setup(build) {
      build.onResolve({ filter: /^sst$/ }, async (args) => {
        if (args.pluginData === skip) return undefined;
        const found = await build.resolve("sst", {
          resolveDir: args.resolveDir,
          importer: args.importer,
          kind: args.kind,
          pluginData: skip,
        });
        if (found.path === "") return undefined;
        let dir = dirname(found.path);
        while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
        const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
        if (version !== cliVersion) {
          throw new Error(
            `The sst package your application is importing (${version}) does not match the sst cli version (${cliVersion}).`,
          );
        }
        return { path: found.path };
      });
    },
  };
}

/** The sst CLI's version: the one in node_modules, which `npx sst` runs. */
export function sstCliVersion(): string {
  return JSON.parse(readFileSync(resolve(ROOT, "node_modules/sst/package.json"), "utf8")).version;
}

export async function buildFunction(input: BuildFunctionInput): Promise<BuiltFunction> {
  const { id, args } = input;
  const props = nodeProperties(args);
  const runtime = String(args.runtime ?? "nodejs22.x");
  const architecture = args.architecture === "arm64" ? "arm64" : "x64";
  const dir = resolve(input.outRoot, `${id}-src`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  const file = handlerFile(String(args.handler));
  const esm = props.format !== "cjs";
  const extension = esm ? ".mjs" : ".cjs";
  const handler = `bundle${extname(String(args.handler))}`;
  const custom: Args = props.esbuild ?? {};
  const install = props.install ?? {};
  const loader = Object.fromEntries(
    Object.entries(props.loader ?? {}).filter(([, value]) => LOADERS.has(value)),
  ) as Record<string, esbuild.Loader>;

  const options: esbuild.BuildOptions = {
    entryPoints: [file],
    platform: "node",
    external: [...FORCE_EXTERNAL, ...Object.keys(install), ...(custom.external ?? [])],
    loader,
    keepNames: custom.keepNames ?? true,
    bundle: true,
    splitting: props.splitting ?? false,
    metafile: true,
    outfile: join(dir, `bundle${extension}`),
    plugins: [sstVersionCheck(sstCliVersion())],
    sourcemap: custom.sourcemap ?? "linked",
    write: true,
    format: esm ? "esm" : "cjs",
    target: custom.target ?? TARGET_BY_RUNTIME[runtime] ?? "esnext",
    mainFields: custom.mainFields ?? (esm ? ["module", "main"] : ["main"]),
    ...(custom.conditions ? { conditions: custom.conditions } : {}),
    banner: { js: esm ? [...SST_ESM_BANNER_LINES, props.banner ?? ""].join("\n") : (props.banner ?? "") },
    ...(custom.nodePaths ? { nodePaths: custom.nodePaths } : {}),
    ...(custom.define ? { define: custom.define } : {}),
    logLevel: "silent",
  };
  if (props.splitting) {
    Object.assign(options, { outfile: undefined, outdir: dir, outExtension: { ".js": ".mjs" }, entryNames: "bundle" });
  }
  if (props.minify) Object.assign(options, { minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: true });
  if (props.sourcemap === false) options.sourcemap = "linked";

  const result = await esbuild.build(options).catch((error: unknown) => {
    throw new Error(`esbuild failed for ${id} (${String(args.handler)}): ${(error as Error).message}`);
  });
  const metafile = result.metafile!;
  // With `nodejs.sourcemap` unset, SST uploads the maps to S3 beside the function, not in the zip.
  const sourcemaps =
    props.sourcemap === undefined
      ? Object.keys(metafile.outputs)
          .filter((out) => out.endsWith(".map"))
          .map((out) => resolve(out))
      : [];

  const forced = FORCE_EXTERNAL.filter(
    (pkg) =>
      !(custom.external ?? []).includes(pkg) &&
      Object.values(metafile.inputs).some((i) => i.imports.some((imp) => imp.external && imp.path === pkg)),
  );
  const installPackages = [...Object.keys(install), ...forced];
  const installed =
    installPackages.length === 0
      ? {}
      : await installPackagesInto(dir, installPackages, install, file, architecture, input.installCache);

  const sstKey = await writeResourceFile(dir, args.link ?? []);
  const zip = resolve(input.outRoot, id, "code.zip");
  const unzipped = await zipLikeSst(dir, zip, sourcemaps, await normaliseCopyFiles(args.copyFiles ?? []));
  return {
    id,
    handler,
    dir,
    zip,
    inputs: Object.keys(metafile.inputs).map((path) => relative(ROOT, resolve(path))),
    installed,
    sstKey,
    bytes: { bundle: (await stat(join(dir, `bundle${extension}`))).size, unzipped, zipped: (await stat(zip)).size },
  };
}

/**
 * build.go: `{"dependencies": {pkg: version}}` written beside the bundle, versions from
 * `nodejs.install` when given, else from the package.json found above the handler, else
 * "*"; then npm installs them for the function's OS and CPU, whatever this machine is.
 */
async function installPackagesInto(
  dir: string,
  packages: string[],
  install: Record<string, string>,
  handlerPath: string,
  architecture: "x64" | "arm64",
  cacheRoot: string | undefined,
): Promise<Record<string, string>> {
  let manifestDir = dirname(handlerPath);
  while (!existsSync(join(manifestDir, "package.json")) && dirname(manifestDir) !== manifestDir)
    manifestDir = dirname(manifestDir);
  const declared: Record<string, string> =
    JSON.parse(readFileSync(join(manifestDir, "package.json"), "utf8")).dependencies ?? {};
  const dependencies: Record<string, string> = {};
  for (const pkg of [...packages].sort()) {
    const wanted = install[pkg];
    const version = wanted === undefined || wanted === "" || wanted === "*" ? declared[pkg] : wanted;
    dependencies[pkg] = version === undefined || version === "" ? "*" : version;
  }
  // Go's json.Encoder: keys sorted, a newline at the end.
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ dependencies })}\n`);
  const flags = [
    "install",
    "--force",
    "--platform=linux",
    "--os=linux",
    `--arch=${architecture}`,
    `--cpu=${architecture}`,
  ];
  if (packages.includes("sharp")) flags.push("--libc=glibc");

  const cacheKey = Buffer.from(JSON.stringify({ dependencies, flags })).toString("base64url").slice(0, 120);
  const cached = cacheRoot === undefined ? undefined : join(cacheRoot, cacheKey);
  if (cached !== undefined && existsSync(join(cached, "node_modules"))) {
    await cp(join(cached, "node_modules"), join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
    await cp(join(cached, "package-lock.json"), join(dir, "package-lock.json"));
    return dependencies;
  }
  try {
    await run("npm", [...flags, "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = error as { stderr?: string; stdout?: string };
    throw new Error(
      `failed to run npm install in ${relative(ROOT, dir)}: ${output.stderr || output.stdout || String(error)}`,
    );
  }
  if (cached !== undefined) {
    await rm(cached, { recursive: true, force: true });
    await mkdir(cached, { recursive: true });
    await cp(join(dir, "node_modules"), join(cached, "node_modules"), { recursive: true, verbatimSymlinks: true });
    await cp(join(dir, "package-lock.json"), join(cached, "package-lock.json"));
  }
  return dependencies;
}

/**
 * runtime.go: the function's links, as JSON, sealed with AES-256-GCM under a fresh key
 * and a zero nonce into resource.enc; the key reaches the function as SST_KEY. The values
 * here are the recording's placeholders: our code reads its resources from environment
 * variables (core/config.ts), never through `sst`'s Resource.
 */
async function writeResourceFile(dir: string, links: unknown[]): Promise<string> {
  const key = randomBytes(32);
  const linked: Record<string, unknown> = {};
  for (const link of links) {
    const component = (link as { component?: { type: string; name: string; out: Record<string, string> } }).component;
    if (component !== undefined) linked[component.name] = { type: `sst.aws.${component.type}`, ...component.out };
  }
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(linked)), cipher.final(), cipher.getAuthTag()]);
  await writeFile(join(dir, "resource.enc"), sealed);
  return key.toString("base64");
}

export interface CopyFile {
  from: string;
  to: string;
  isDir: boolean;
}

/** function.ts normalizeCopyFiles: `from` relative to the project root, `to` defaults to `from`. */
async function normaliseCopyFiles(entries: Array<{ from: string; to?: string }>): Promise<CopyFile[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const to = entry.to || entry.from;
      if (to.startsWith("/")) throw new Error(`Copy destination path "${to}" must be relative`);
      const from = join(ROOT, entry.from);
      return { from, to, isDir: (await stat(from)).isDirectory() };
    }),
  );
}

/**
 * function.ts createZipAsset: every file of the build folder and of `copyFiles` (glob
 * "**" with dotfiles), minus the source maps, sorted by name, dated 1970-01-01 so equal
 * contents give an equal zip. Returns the unzipped size Lambda counts against its 250 MB.
 */
export async function zipLikeSst(
  dir: string,
  zipPath: string,
  sourcemaps: string[],
  copyFiles: CopyFile[],
): Promise<number> {
  await mkdir(dirname(zipPath), { recursive: true });
  const files: Array<{ from: string; to: string }> = [];
  for (const item of [{ from: dir, to: ".", isDir: true }, ...copyFiles]) {
    if (!item.isDir) files.push({ from: item.from, to: item.to });
    const found = item.isDir
      ? await glob("**", { cwd: item.from, dot: true, ignore: sourcemaps.map((map) => relative(dir, map)) })
      : [];
    files.push(...found.map((file) => ({ from: join(item.from, file), to: join(item.to, file) })));
  }
  files.sort((a, b) => a.to.localeCompare(b.to));
  let unzipped = 0;
  await new Promise<void>((resolvePromise, reject) => {
    const out = createWriteStream(zipPath);
    const archive = archiver("zip", { statConcurrency: 1 });
    archive.on("warning", reject);
    archive.on("error", reject);
    out.once("close", () => resolvePromise());
    archive.pipe(out);
    for (const file of files) archive.file(file.from, { name: file.to, date: new Date(0) });
    archive.on("entry", (entry) => {
      if (entry.stats?.isFile()) unzipped += entry.stats.size;
    });
    void archive.finalize();
  });
  return unzipped;
}

/** The bundle's own text, for checks that read it. */
export function readBundle(built: Pick<BuiltFunction, "dir" | "handler">): Promise<string> {
  const file = ["bundle.mjs", "bundle.cjs"].map((name) => join(built.dir, name)).find((path) => existsSync(path));
  if (file === undefined) throw new Error(`no bundle in ${built.dir}`);
  return readFile(file, "utf8");
}
