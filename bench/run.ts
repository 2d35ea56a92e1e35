import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import { resolveExecutablePath } from "../core/browser/index.js";
import { artifactsMarkdown, measureArtifacts } from "./artifacts.js";
import type { EngineRun } from "./engines/types.js";
import { crawlOnce, type Measured } from "./crawlProcess.js";
import { startBenchSite } from "./site.js";
import { apiMarkdown, measureApi } from "./api.js";
import { measureWrites, writesMarkdown } from "./writes.js";
import { costMarkdown, oursRateFromReport } from "./cost.js";
import {
  measuredWriteUnits,
  measuredWriteUnitsFromReport,
  measureTaskWrites,
  taskWritesMarkdown,
} from "./taskWrites.js";
import { coldStartMarkdown, measureColdStart } from "./coldstart.js";
import { isSectionName, mergeReport, SECTION_NAMES, sh, type SectionName } from "./report.js";
import { median } from "./stats.js";
import { measureStack, stackMarkdown } from "./stack.js";
import { measureRender, renderMarkdown } from "./render.js";

/**
 * `npm run bench`: crawl throughput of this project's engine, Crawlee's PuppeteerCrawler
 * and a bare puppeteer loop on the same generated site (bench/site.ts), with the same
 * Chromium binary, flags and concurrency; then the functions' bundle sizes. Each crawl
 * runs in a fresh process (bench/crawl.ts); rounds alternate the engines so a busy
 * machine slows them alike. Writes bench/RESULTS.md (`--quick`: prints only, unless `--out`).
 *
 * Flags: --quick (60 pages, 1 round), --pages N, --runs N, --concurrency N, --out FILE,
 * --engines a,b,c, --no-bundle, --before-tree DIR (adds engine ours-before), --page-delay-ms N, --only crawl,render,bundle,stack,coldstart,api,writes,cost (default: all; a file
 * given by --out keeps its other sections, see bench/report.ts). `writes` also measures write units per page crawled
 * (bench/taskWrites.ts), which the cost estimate uses.
 */

interface Flags {
  quick: boolean;
  pages: number;
  runs: number;
  concurrency: number;
  out: string | undefined;
  engines: string[];
  bundle: boolean;
  sections: Set<SectionName>;
  /** A checkout of an earlier commit (with node_modules) whose own engine runs as "ours-before". */
  beforeTree: string | undefined;
  /** Every page answers after this long (a stand-in for network latency); 0: the site's default mix. */
  pageDelayMs: number;
}

/** Engine name (bench/crawl.ts) → whether Chromium keeps `--single-process`. */
const ENGINES: Record<string, { singleProcess: boolean; label: string }> = {
  ours: { singleProcess: true, label: "ours (crawlWeb + WarmBrowser, single-process as on Lambda)" },
  "crawlee-defaults": { singleProcess: true, label: "Crawlee PuppeteerCrawler, defaults" },
  "crawlee-equalized": { singleProcess: true, label: "Crawlee PuppeteerCrawler, equalized" },
  bare: { singleProcess: true, label: "bare puppeteer loop (floor)" },
  "ours-multiprocess": { singleProcess: false, label: "ours, Chromium without --single-process" },
  "ours-no-egress": {
    singleProcess: true,
    label: "ours without the egress proxy (SSRF guard off: measured, never shipped)",
  },
  "ours-load": { singleProcess: true, label: "ours reading each page at load (wait_until load, the old default)" },
  // Runs `ours` from the --before-tree checkout, for before/after figures of an engine change.
  "ours-before": { singleProcess: true, label: "ours at an earlier commit (--before-tree)" },
};

function parseFlags(argv: string[]): Flags {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const quick = argv.includes("--quick");
  return {
    quick,
    pages: Number(value("pages") ?? (quick ? 60 : 500)),
    runs: Number(value("runs") ?? (quick ? 1 : 3)),
    concurrency: Number(value("concurrency") ?? 4),
    out: value("out") ?? (quick ? undefined : "bench/RESULTS.md"),
    engines:
      value("engines")?.split(",") ??
      Object.keys(ENGINES).filter((name) => name !== "ours-before" || value("before-tree") !== undefined),
    bundle: !argv.includes("--no-bundle"),
    sections: parseSections(value("only")),
    beforeTree: value("before-tree"),
    pageDelayMs: Number(value("page-delay-ms") ?? 0),
  };
}

function parseSections(only: string | undefined): Set<SectionName> {
  if (only === undefined) return new Set(SECTION_NAMES);
  const names = only.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !isSectionName(name));
  if (unknown.length > 0)
    throw new Error(`--only: unknown section(s) ${unknown.join(", ")}; known: ${SECTION_NAMES.join(", ")}`);
  return new Set(names as SectionName[]);
}

const flags = parseFlags(process.argv.slice(2));
const crawlRuns = flags.sections.has("crawl");
if (!crawlRuns) flags.engines = [];
const executablePath = await resolveExecutablePath();
const site = await startBenchSite({
  pages: flags.pages,
  ...(flags.pageDelayMs > 0 ? { slowEvery: 1, slowDelayMs: flags.pageDelayMs } : {}),
});
const results = new Map<string, Measured[]>(flags.engines.map((name) => [name, []]));
try {
  for (let round = 1; round <= flags.runs; round += 1) {
    for (const engine of flags.engines) {
      const settings = ENGINES[engine];
      if (settings === undefined) throw new Error(`unknown engine ${engine}`);
      const run: EngineRun = {
        url: site.url,
        pages: site.pages,
        maxDepth: site.maxDepth,
        concurrency: flags.concurrency,
        executablePath,
        singleProcess: settings.singleProcess,
      };
      const measured = await crawlOnce(engine, run, flags.beforeTree);
      results.get(engine)?.push(measured);
      console.error(
        `round ${round} ${engine}: ${measured.ok} ok, ${measured.failed} failed, ${measured.ms} ms, peak ${(measured.peakBytes / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  }
} finally {
  await site.close();
}

const rows = flags.engines.map((engine) => {
  const runs = results.get(engine) ?? [];
  const pagesPerSec = median(runs.map((r) => (r.ok / r.ms) * 1000));
  return {
    engine,
    runs,
    pagesPerSec,
    ms: median(runs.map((r) => r.ms)),
    peakMiB: Math.max(...runs.map((r) => r.peakBytes)) / 2 ** 20,
  };
});
/**
 * Ratio of pages/s, a ÷ b, taken within each round (the two ran back to back, under about
 * the same machine load), then the median over rounds; the per-round values follow.
 */
const ratio = (a: string, b: string): string => {
  const [x, y] = [results.get(a), results.get(b)];
  if (x === undefined || y === undefined || x.length === 0) return "n/a";
  const perRound = x.map((m, i) => m.ok / m.ms / ((y[i]?.ok ?? 0) / (y[i]?.ms ?? 1)));
  return `**${median(perRound).toFixed(2)}×** (rounds: ${perRound.map((r) => r.toFixed(2)).join(", ")})`;
};

const table = [
  "| engine | pages ok / failed | time per round, s | median time, s | median pages/s | peak memory, MiB |",
  "|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${ENGINES[r.engine]?.label ?? r.engine} | ${r.runs.map((m) => `${m.ok}/${m.failed}`).join(", ")} | ${r.runs.map((m) => (m.ms / 1000).toFixed(1)).join(", ")} | ${(r.ms / 1000).toFixed(2)} | ${r.pagesPerSec.toFixed(1)} | ${r.peakMiB.toFixed(0)} |`,
  ),
].join("\n");
const ratios = [
  `- ours ÷ Crawlee (defaults), pages/s: ${ratio("ours", "crawlee-defaults")} (target ≥ 1.5×)`,
  `- ours ÷ Crawlee (equalized), pages/s: ${ratio("ours", "crawlee-equalized")}`,
  `- ours ÷ bare loop, pages/s: ${ratio("ours", "bare")} (target: time within 1.25× of the bare loop's, i.e. ≥ 0.80×)`,
  `- ours multi-process ÷ ours single-process, pages/s: ${ratio("ours-multiprocess", "ours")}`,
  `- ours ÷ ours without the egress proxy, pages/s: ${ratio("ours", "ours-no-egress")} (what the SSRF guard costs)`,
  `- ours (settle, the default) ÷ ours reading at load, pages/s: ${ratio("ours", "ours-load")} (what waiting for pages to settle costs; target ≥ 0.85×)`,
  ...(flags.engines.includes("ours-before")
    ? [`- ours ÷ ours at the earlier commit (${flags.beforeTree}), pages/s: ${ratio("ours", "ours-before")}`]
    : []),
].join("\n");

const machine = [
  `- date: ${new Date().toISOString()}; commit: ${sh("git rev-parse --short HEAD")}${sh("git status --porcelain") === "" ? "" : " (with uncommitted changes)"}`,
  `- machine: ${sh("nproc")} CPUs (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end; node ${process.version}; Chromium ${executablePath} (@sparticuz/chromium)`,
  `- \`free -g\`:\n\n\`\`\`\n${sh("free -g")}\n\`\`\``,
  `- site: ${site.pages} pages (1 in 5 rendered by script, 1 in 50 answering after 300 ms, a 30 kB image on each), depth ${site.maxDepth}; concurrency ${flags.concurrency}; ${flags.runs} run(s) per engine, rounds alternating the engines, each run a fresh process`,
].join("\n");

const bundles =
  flags.bundle && flags.sections.has("bundle") ? artifactsMarkdown(await measureArtifacts({ quick: flags.quick })) : "";
const stack = flags.sections.has("stack")
  ? stackMarkdown(await measureStack({ quick: flags.quick }), flags.quick)
  : undefined;
const coldstart = flags.sections.has("coldstart")
  ? coldStartMarkdown(await measureColdStart({ quick: flags.quick }), flags.quick)
  : undefined;
const apiSection = flags.sections.has("api")
  ? apiMarkdown(await measureApi({ quick: flags.quick }), flags.quick)
  : undefined;
const taskWrites = flags.sections.has("writes") ? await measureTaskWrites({ quick: flags.quick }) : undefined;
const writes =
  taskWrites === undefined
    ? undefined
    : `${writesMarkdown(await measureWrites({ quick: flags.quick }), flags.quick)}\n${taskWritesMarkdown(taskWrites, flags.quick)}`;
const crawlReport = `# Benchmark results

Generated by \`npm run bench${flags.quick ? ":quick" : ""}\` (bench/run.ts). Absolute times depend on the machine and on whatever else
runs on it (2 shared cores here, CI jobs possibly alongside); the ratios, measured in one run, are the headline.

${machine}

## Crawl throughput (issue 5, item 1)

${table}

${ratios}

Time: from before the browser launch to the end of the crawl (browser closed), in the crawling process.
Memory: peak of the crawling process plus its Chromium processes, PSS summed over the process tree, sampled every 100 ms.
See bench/METHOD.md for what each engine does and what "equalized" means.
`;

const oursRate = rows.find((row) => row.engine === "ours")?.pagesPerSec;
const [header, crawlSection] = crawlReport.split(/^(?=## Crawl throughput)/m) as [string, string];
const previous = flags.out !== undefined && existsSync(flags.out) ? readFileSync(flags.out, "utf8") : undefined;
const costRate = flags.sections.has("cost") ? (crawlRuns ? oursRate : oursRateFromReport(previous ?? "")) : undefined;
// The cost estimate's write units: measured just now, else the ones in the report, else measured for it.
const costWrites =
  costRate === undefined
    ? undefined
    : taskWrites !== undefined
      ? measuredWriteUnits(taskWrites)
      : (measuredWriteUnitsFromReport(previous ?? "") ??
        measuredWriteUnits(await measureTaskWrites({ quick: flags.quick })));
const renderSection = flags.sections.has("render")
  ? renderMarkdown(
      await measureRender({ quick: flags.quick, executablePath, concurrency: flags.concurrency }),
      taskWrites !== undefined ? measuredWriteUnits(taskWrites) : measuredWriteUnitsFromReport(previous ?? ""),
      flags.quick,
    )
  : undefined;
const fresh = {
  ...(crawlRuns ? { crawl: crawlSection } : {}),
  ...(renderSection === undefined ? {} : { render: renderSection }),
  ...(bundles === "" ? {} : { bundle: bundles }),
  ...(stack === undefined ? {} : { stack }),
  ...(coldstart === undefined ? {} : { coldstart }),
  ...(apiSection === undefined ? {} : { api: apiSection }),
  ...(writes === undefined ? {} : { writes }),
  // The cost estimate follows the crawl rate just measured, or the one in the report.
  ...(costRate !== undefined && costWrites !== undefined
    ? { cost: costMarkdown(costRate, cpus().length, costWrites) }
    : {}),
};
// Without a crawl run the previous header stays: its date and site line describe the crawl figures kept.
const report = mergeReport({
  previous,
  fresh,
  ...(crawlRuns || previous === undefined ? { header: crawlRuns ? header : header.replace(/\n- site: .*/, "") } : {}),
});

console.log(`\n${Object.values(fresh).join("\n")}`);
if (flags.out !== undefined) {
  writeFileSync(flags.out, report);
  console.error(`wrote ${flags.out}`);
}
