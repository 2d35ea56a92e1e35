/**
 * The dashboard on the one-machine stack: its built files (dashboard/dist) answered by the
 * gateway at `/`, and the build that keeps them current.
 *
 * Why build at stack start rather than in a `prestart` script: tests and `npm run dev` start
 * local/main.ts without npm, and a fresh `npm install` has no dist at all. The check is a
 * stat of the files the last build read (listed in dist/.build-inputs.json), so an up-to-date
 * dist costs a few milliseconds; a build (Vite's JS API, about a second) runs only when a
 * source is newer, in the background while the rest of the stack starts.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DASHBOARD_DIR = join(ROOT, "dashboard");
export const DASHBOARD_DIST = join(DASHBOARD_DIR, "dist");
/** Written by {@link buildDashboard} only: a CLI build (`npm run build:dashboard`) is rebuilt once at the next start. */
const INPUTS_FILE = ".build-inputs.json";
/** Same file system as the repository (renames are atomic), ignored by git with node_modules. */
const SCRATCH_DIR = join(ROOT, "node_modules", ".cache", "dashboard-build");

/** Paths the API owns; everything else a GET may ask for is the dashboard's. */
const API_PATHS = /^\/(api\/|health$|openapi\.json$|docs(\/|$))/;

interface BuildInputs {
  /** Epoch ms when the build started: a source saved during the build is newer. */
  builtAt: number;
  /** Every file the bundle was made from, relative to the repository. */
  files: string[];
}

/** Why dist must be built again, or undefined when it is current. */
export function staleReason(dist = DASHBOARD_DIST): string | undefined {
  let inputs: BuildInputs;
  try {
    inputs = JSON.parse(readFileSync(join(dist, INPUTS_FILE), "utf8")) as BuildInputs;
  } catch {
    return existsSync(join(dist, "index.html")) ? "last built outside the stack" : "not built yet";
  }
  if (!existsSync(join(dist, "index.html"))) return "index.html is missing";
  for (const file of inputs.files) {
    const stat = statSync(join(ROOT, file), { throwIfNoEntry: false });
    if (stat === undefined) return `${file} is gone`;
    if (stat.mtimeMs > inputs.builtAt) return `${file} changed`;
  }
  return undefined;
}

/**
 * Builds dashboard/dist with Vite and records its inputs. Builds into a scratch directory
 * and swaps it in, so two stacks starting together never serve a half-written dist.
 */
export async function buildDashboard(dist = DASHBOARD_DIST): Promise<void> {
  const { build } = await import("vite");
  const builtAt = Date.now();
  const scratch = join(SCRATCH_DIR, `${process.pid}-${builtAt}`);
  mkdirSync(SCRATCH_DIR, { recursive: true });
  try {
    const output = await build({
      configFile: join(DASHBOARD_DIR, "vite.config.ts"),
      logLevel: "warn",
      build: { outDir: scratch, emptyOutDir: true },
    });
    const files = new Set<string>([join(DASHBOARD_DIR, "index.html"), join(DASHBOARD_DIR, "vite.config.ts")]);
    for (const result of Array.isArray(output) ? output : [output]) {
      if (!("output" in result)) continue;
      for (const chunk of result.output) {
        if (chunk.type !== "chunk") continue;
        for (const id of chunk.moduleIds) {
          const path = id.split("?")[0]!;
          if (isAbsolute(path) && existsSync(path)) files.add(path);
        }
      }
    }
    const inputs: BuildInputs = { builtAt, files: [...files].map((file) => relative(ROOT, file)).sort() };
    writeFileSync(join(scratch, INPUTS_FILE), JSON.stringify(inputs, null, 1));
    swapIn(scratch, dist);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function swapIn(fresh: string, dist: string): void {
  const old = `${fresh}.old`;
  try {
    renameSync(dist, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    renameSync(fresh, dist);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another stack swapped in its build meanwhile: it is as fresh as ours.
    if (code === "ENOTEMPTY" || code === "EEXIST") return;
    if (code !== "EXDEV") throw error;
    cpSync(fresh, dist, { recursive: true });
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

export interface DashboardStatus {
  /** "up to date", "built in 0.9 s — dashboard/src/main.ts changed", or why there is no dashboard. */
  summary: string;
  available: boolean;
}

/** Builds dist when it is missing or older than its sources; never rejects. */
export async function ensureDashboard(dist = DASHBOARD_DIST): Promise<DashboardStatus> {
  const reason = staleReason(dist);
  if (reason === undefined) return { summary: "up to date", available: true };
  const startedAt = Date.now();
  try {
    await buildDashboard(dist);
    return { summary: `built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s — ${reason}`, available: true };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const usable = existsSync(join(dist, "index.html"));
    return { summary: `build failed: ${message}${usable ? " — serving the previous build" : ""}`, available: usable };
  }
}

/** A static answer in the gateway's terms. */
export interface StaticAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * The page may only load its own files and talk to its own origin (the API). Vite emits no
 * inline script or style, and zod runs without eval (dashboard/src/main.ts), so nothing
 * needs 'unsafe-inline' or 'unsafe-eval'.
 */
const PAGE_SECURITY = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * Answers GET/HEAD for the dashboard: `/` is index.html, other paths are files in dist.
 * Undefined means "not the dashboard's": API paths, and paths with no such file, go on to
 * the API (which answers its 404 envelope). `ready` is awaited first, so a request made
 * while the first build runs waits for it instead of missing.
 */
export function dashboardFiles(
  ready: Promise<DashboardStatus>,
  dist = DASHBOARD_DIST,
): (path: string) => Promise<StaticAnswer | undefined> {
  const base = resolve(dist);
  return async (rawPath) => {
    if (API_PATHS.test(rawPath)) return undefined;
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return undefined;
    }
    const status = await ready;
    const file = path === "/" || path === "/index.html" ? join(base, "index.html") : normalize(join(base, path));
    if (!file.startsWith(base + sep) || file.endsWith(INPUTS_FILE)) return undefined;
    if (path === "/" && !status.available) {
      const text = `The dashboard is not available: ${status.summary}.\nBuild it with: npm run build:dashboard\n`;
      return {
        statusCode: 503,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
        body: Buffer.from(text),
      };
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return undefined;
    }
    const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
    // Vite puts a content hash in every asset's name: those never change. index.html names them, so it is always revalidated.
    const hashed = path.startsWith("/assets/");
    const headers: Record<string, string> = {
      "content-type": type,
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
      ...(type.startsWith("text/html") ? PAGE_SECURITY : { "x-content-type-options": "nosniff" }),
    };
    return { statusCode: 200, headers, body };
  };
}
