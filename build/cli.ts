/**
 * `npm run build:functions [-- --only crawler,api] [--fresh-install] [--out dir]`
 *
 * Builds every function infra/ declares into dist/functions as SST 4.17 would for
 * `sst deploy`, and prints each artifact's size against Lambda's limits. Exits 1 when a
 * build fails, a bundle does not parse, or an artifact is over the unzipped limit.
 */
import { parseArgs } from "node:util";
import { relative } from "node:path";
import { ARTIFACTS_DIR, buildArtifacts, LAMBDA_LIMITS, type Artifact } from "./artifacts.js";
import { ROOT } from "./infraModel.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    out: { type: "string" },
    "fresh-install": { type: "boolean", default: false },
  },
});

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1)} MiB`;
const share = (bytes: number, limit: number) => `${((100 * bytes) / limit).toFixed(1)} %`;

function table(artifacts: Artifact[]): string {
  const header = [
    "function",
    "handler",
    "installed",
    "bundle",
    "unzipped (≤ 250 MiB)",
    "zipped",
    "zip ≤ 50 MiB direct upload",
  ];
  const rows = artifacts.map((a) => [
    a.id,
    a.source,
    Object.keys(a.installed).join(", ") || "—",
    mib(a.bytes.bundle),
    `${mib(a.bytes.unzipped)} (${share(a.bytes.unzipped, LAMBDA_LIMITS.unzippedBytes)})`,
    mib(a.bytes.zipped),
    a.bytes.zipped <= LAMBDA_LIMITS.zippedDirectUploadBytes ? "yes" : "no (SST uploads through S3: fine)",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

try {
  const manifest = await buildArtifacts({
    ...(values.only ? { only: values.only.split(",").map((s) => s.trim()) } : {}),
    ...(values.out ? { outRoot: values.out } : {}),
    freshInstall: values["fresh-install"],
    log: (line) => console.log(line),
  });
  const built = manifest.artifacts;
  console.log(
    `\nLambda artifacts in ${relative(ROOT, values.out ?? ARTIFACTS_DIR)}/ (esbuild ${manifest.esbuild}, as SST 4.17 builds them):\n`,
  );
  console.log(table(built));
  const over = built.filter((a) => a.bytes.unzipped > LAMBDA_LIMITS.unzippedBytes);
  if (over.length > 0) {
    console.error(`\nover Lambda's 250 MiB unzipped limit: ${over.map((a) => a.id).join(", ")}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`build:functions: ${(error as Error).message}`);
  process.exit(1);
}
