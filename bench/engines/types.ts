/** What every engine is given: the same site, binary, flags and concurrency. */
export interface EngineRun {
  /** The site's start URL (`/`). */
  url: string;
  /** Pages on the site: every engine stops after this many. */
  pages: number;
  /** Link depth needed to reach every page from `/`. */
  maxDepth: number;
  /** Pages loaded at the same time (browser tabs). */
  concurrency: number;
  /** Pages fetched at the same time by engines that read over plain HTTP. @default 16 */
  httpConcurrency?: number;
  /** Chromium binary (@sparticuz/chromium's). */
  executablePath: string;
  /** Keep `--single-process` (as on Lambda) in @sparticuz/chromium's flags. */
  singleProcess: boolean;
}

/** What an engine reports back. */
export interface EngineResult {
  /** Pages crawled without error. */
  ok: number;
  /** Pages that failed. */
  failed: number;
  /** Pages Chromium loaded (engines that choose per page). */
  rendered?: number;
  /** Pages whose text has the site's marker (bench/site.ts BENCH_MARKER): on script-rendered pages, only if their script ran. */
  markers?: number;
}

export type Engine = (run: EngineRun) => Promise<EngineResult>;
