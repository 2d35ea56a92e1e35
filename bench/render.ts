import { cpus } from "node:os";
import { costPerThousandPages, DEPLOYED_MODEL, lambdaRateFromLocal, type MeasuredWriteUnits } from "./cost.js";
import { crawlOnce, type Measured } from "./crawlProcess.js";
import type { EngineRun } from "./engines/types.js";
import { startBenchSite } from "./site.js";
import { median } from "./stats.js";

/**
 * The render modes (issue 13, item 6): on a static site (no page runs a script) our
 * Chromium engine, `render: "never"`, `render: "auto"` and Crawlee's CheerioCrawler (plain
 * HTTP, the anchor); on the mixed site (1 page in 5 rendered by its script) `auto` and
 * `never`: how many script-rendered markers each captured and how many pages `auto`
 * rendered. Each crawl runs in a fresh process; rounds alternate the engines.
 */

const STATIC_ENGINES = ["ours", "ours-never", "ours-auto", "crawlee-cheerio"] as const;
const MIXED_ENGINES = ["ours-auto", "ours-never"] as const;

const LABELS: Record<string, string> = {
  ours: 'ours, render "always" (Chromium, settle)',
  "ours-never": 'ours, render "never" (plain HTTP, no browser)',
  "ours-auto": 'ours, render "auto" (the default)',
  "crawlee-cheerio": "Crawlee CheerioCrawler (plain HTTP)",
};

export interface RenderFigures {
  pages: number;
  rounds: number;
  concurrency: number;
  httpConcurrency: number;
  staticRuns: Map<string, Measured[]>;
  mixedRuns: Map<string, Measured[]>;
}

export async function measureRender(options: {
  quick: boolean;
  executablePath: string;
  concurrency: number;
  httpConcurrency?: number;
}): Promise<RenderFigures> {
  const pages = options.quick ? 60 : 500;
  const rounds = options.quick ? 1 : 3;
  const httpConcurrency = options.httpConcurrency ?? 16;
  const figures: RenderFigures = {
    pages,
    rounds,
    concurrency: options.concurrency,
    httpConcurrency,
    staticRuns: new Map(),
    mixedRuns: new Map(),
  };
  for (const [kind, engines, siteOptions] of [
    ["static", STATIC_ENGINES, { pages, jsEvery: 0 }],
    ["mixed", MIXED_ENGINES, { pages }],
  ] as const) {
    const site = await startBenchSite(siteOptions);
    const runs = kind === "static" ? figures.staticRuns : figures.mixedRuns;
    try {
      for (let round = 1; round <= rounds; round += 1) {
        for (const engine of engines) {
          const run: EngineRun = {
            url: site.url,
            pages: site.pages,
            maxDepth: site.maxDepth,
            concurrency: options.concurrency,
            httpConcurrency,
            executablePath: options.executablePath,
            singleProcess: true,
          };
          const measured = await crawlOnce(engine, run);
          runs.set(engine, [...(runs.get(engine) ?? []), measured]);
          console.error(
            `render ${kind} round ${round} ${engine}: ${measured.ok} ok, ${measured.failed} failed, ${measured.rendered ?? "?"} rendered, ${measured.markers ?? "?"} markers, ${measured.ms} ms`,
          );
        }
      }
    } finally {
      await site.close();
    }
  }
  return figures;
}

const pagesPerSecond = (m: Measured): number => (m.ok / m.ms) * 1000;

/** a ÷ b pages/s, per round (the two ran back to back), then the median. */
function ratio(runs: Map<string, Measured[]>, a: string, b: string): string {
  const [x, y] = [runs.get(a), runs.get(b)];
  if (x === undefined || y === undefined || x.length === 0) return "n/a";
  const perRound = x.map((m, i) => pagesPerSecond(m) / (y[i] === undefined ? Number.NaN : pagesPerSecond(y[i])));
  return `**${median(perRound).toFixed(2)}×** (rounds: ${perRound.map((r) => r.toFixed(2)).join(", ")})`;
}

export function renderMarkdown(figures: RenderFigures, writes: MeasuredWriteUnits | undefined, quick: boolean): string {
  const cores = cpus().length;
  const staticRows = STATIC_ENGINES.map((engine) => {
    const runs = figures.staticRuns.get(engine) ?? [];
    const rate = median(runs.map(pagesPerSecond));
    const cost =
      writes === undefined
        ? undefined
        : costPerThousandPages({
            ...DEPLOYED_MODEL,
            pagesPerSecond: lambdaRateFromLocal(rate, cores),
            resultItemKb: 2,
            writes,
          });
    return `| ${LABELS[engine]} | ${runs.map((m) => `${m.ok}/${m.failed}`).join(", ")} | ${runs.map((m) => (m.ms / 1000).toFixed(2)).join(", ")} | ${rate.toFixed(1)} | ${(Math.max(...runs.map((m) => m.peakBytes)) / 2 ** 20).toFixed(0)} | ${runs.map((m) => m.rendered ?? "?").join(", ")} | ${engine === "crawlee-cheerio" || cost === undefined ? "–" : `$${cost.total.toFixed(4)}`} |`;
  });
  const mixedRows = MIXED_ENGINES.map((engine) => {
    const runs = figures.mixedRuns.get(engine) ?? [];
    const last = runs.at(-1);
    return `| ${LABELS[engine]} | ${runs.map((m) => `${m.ok}/${m.failed}`).join(", ")} | ${runs.map((m) => `${m.markers ?? "?"}/${m.ok + m.failed}`).join(", ")} | ${runs.map((m) => `${m.rendered ?? "?"} (${(((m.rendered ?? 0) / Math.max(1, m.ok + m.failed)) * 100).toFixed(0)} %)`).join(", ")} | ${last === undefined ? "" : median(runs.map(pagesPerSecond)).toFixed(1)} |`;
  });
  return `## Render modes (issue 13, item 6)

Measured ${new Date().toISOString()}${quick ? " (quick: 60 pages, 1 round)" : ""}. ${figures.pages}-page sites (bench/site.ts), ${figures.rounds} round(s), each crawl a fresh process, engines alternating;
Chromium engines ${figures.concurrency} tabs, HTTP engines (ours and CheerioCrawler) ${figures.httpConcurrency} requests at once; no politeness limits.

Static site (no page runs a script):

| engine | pages ok / failed | time per round, s | median pages/s | peak memory, MiB | pages rendered | est. AWS cost per 1,000 pages |
|---|---|---|---|---|---|---|
${staticRows.join("\n")}

- auto ÷ Chromium (render "always"), pages/s: ${ratio(figures.staticRuns, "ours-auto", "ours")} (target ≥ 5×)
- auto ÷ CheerioCrawler, pages/s: ${ratio(figures.staticRuns, "ours-auto", "crawlee-cheerio")} (target ≥ 1×)
- never ÷ CheerioCrawler, pages/s: ${ratio(figures.staticRuns, "ours-never", "crawlee-cheerio")}

Mixed site (1 page in 5 writes its text and links with a script; every page carries a marker in its text):

| engine | pages ok / failed | markers captured / pages | pages rendered | median pages/s |
|---|---|---|---|---|
${mixedRows.join("\n")}

Cost per 1,000 pages: bench/cost.ts's model with each mode's rate scaled to Lambda's CPU (crawler at 2048 MB, 2 kB items, the
write units measured in the result-writes section${writes === undefined ? ", not available in this report: run with --only writes,render" : ""}). A render "never" task launches no Chromium, yet
the model keeps the same 3 s cold start per 1,000 pages and the same 2048 MB (the crawler function is one deployment).
`;
}
