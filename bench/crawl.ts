import { performance } from "node:perf_hooks";
import type { Engine, EngineRun } from "./engines/types.js";

/**
 * One crawl by one engine, in a process of its own (so each run starts cold and its
 * memory is its own). bench/run.ts starts it with the run as JSON in argv[3] and reads
 * one JSON line from stdout: `{ ok, failed, ms }`, `ms` from before the browser launch
 * to the end of the crawl (browser close included).
 *
 * Usage: node --import tsx bench/crawl.ts <engine> '<EngineRun as JSON>'
 */
/** Loaded on demand, so no engine's imports weigh on another's memory. */
const ENGINES: Record<string, () => Promise<Engine>> = {
  ours: async () => (await import("./engines/ours.js")).ours,
  "ours-multiprocess": async () => (await import("./engines/ours.js")).ours,
  "ours-no-egress": async () => (await import("./engines/ours.js")).oursWith({ egress: false }),
  "ours-load": async () => (await import("./engines/ours.js")).oursWith({ egress: true, waitUntil: "load" }),
  "ours-never": async () => (await import("./engines/ours.js")).oursWith({ egress: true, render: "never" }),
  "ours-auto": async () => (await import("./engines/ours.js")).oursWith({ egress: true, render: "auto" }),
  "crawlee-cheerio": async () => (await import("./engines/cheerio.js")).cheerio,
  "crawlee-defaults": async () => (await import("./engines/crawlee.js")).crawlee("defaults"),
  "crawlee-equalized": async () => (await import("./engines/crawlee.js")).crawlee("equalized"),
  bare: async () => (await import("./engines/bare.js")).bare,
};

const [name = "", json] = process.argv.slice(2);
const load = ENGINES[name];
if (load === undefined || json === undefined) {
  console.error(`usage: crawl.ts <${Object.keys(ENGINES).join("|")}> <run json>`);
  process.exit(2);
}
const run = JSON.parse(json) as EngineRun;
const engine = await load();
const started = performance.now();
const result = await engine(run);
process.stdout.write(`${JSON.stringify({ ...result, ms: Math.round(performance.now() - started) })}\n`);
process.exit(0);
