import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { median } from "./stats.js";

/**
 * Bundles each Lambda function the way SST builds a Node function (esbuild: bundle,
 * platform node, format esm, target node22, minified, a createRequire banner, packages
 * listed in `nodejs.install` left external), then reports its size, whether puppeteer or
 * Chromium got in, and for the API handler the time a fresh process takes to import it.
 */

/** Function → its entry and the packages SST installs instead of bundling (infra/*.ts). */
const FUNCTIONS = {
  api: { entry: "functions/api/handler.ts", external: [] as string[] },
  crawler: { entry: "functions/crawler/handler.ts", external: ["@sparticuz/chromium"] },
  "dead-letters": { entry: "functions/dead-letters/handler.ts", external: [] as string[] },
  sweeper: { entry: "functions/sweeper/handler.ts", external: [] as string[] },
  webhooks: { entry: "functions/webhooks/handler.ts", external: [] as string[] },
} as const;

const BANNER = `import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);`;
const HEAVY = /node_modules\/(puppeteer-core|@puppeteer|@sparticuz\/chromium|chromium-bidi)\//;
const IMPORT_SAMPLES = 5;

export interface BundleFigure {
  name: string;
  bytes: number;
  /** Heavy packages found among the bundle's inputs (puppeteer, Chromium). */
  heavy: string[];
  /** Median time to import the bundle in a fresh node process (API only). */
  importMs?: number;
}

export async function measureBundles(): Promise<BundleFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-bundle-"));
  try {
    const figures: BundleFigure[] = [];
    for (const [name, { entry, external }] of Object.entries(FUNCTIONS)) {
      const outfile = join(dir, `${name}.mjs`);
      const result = await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node22",
        minify: true,
        mainFields: ["module", "main"],
        banner: { js: BANNER },
        external: [...external],
        metafile: true,
        logLevel: "error",
      });
      const heavy = [...new Set(Object.keys(result.metafile.inputs).flatMap((input) => HEAVY.exec(input)?.[1] ?? []))];
      figures.push({ name, bytes: statSync(outfile).size, heavy, ...(name === "api" ? { importMs: importTime(outfile) } : {}) });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median over fresh processes of the time `await import(bundle)` takes (process start not included). */
function importTime(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const samples = Array.from({ length: IMPORT_SAMPLES }, () =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, AWS_REGION: process.env.AWS_REGION ?? "us-east-1" } }).trim().split("\n").at(-1)),
  );
  return median(samples);
}

export function bundleMarkdown(figures: BundleFigure[]): string {
  const rows = figures.map(
    (f) => `| ${f.name} | ${(f.bytes / 1024).toFixed(0)} KiB | ${f.heavy.length === 0 ? "no" : `yes: ${f.heavy.join(", ")}`} | ${f.importMs === undefined ? "" : `${f.importMs.toFixed(0)} ms`} |`,
  );
  return `
## Function bundles (issue 5, item 4, part)

esbuild, as SST builds Node functions: bundle, platform node, format esm, target node22, minify, \`nodejs.install\` packages external (crawler: @sparticuz/chromium). No source maps counted.
Import time: median of ${IMPORT_SAMPLES} fresh \`node\` processes, \`await import(bundle)\` only (process start excluded). Targets: API ≤ 1 MB, import ≤ 150 ms, no puppeteer/Chromium.

| function | bundle size | puppeteer / Chromium inside | fresh import |
|---|---|---|---|
${rows.join("\n")}
`;
}
