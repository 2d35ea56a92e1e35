import { spawn } from "node:child_process";
import type { EngineResult, EngineRun } from "./engines/types.js";
import { sampleTreeMemory } from "../local/process-memory.js";

/** One crawl's result, how long it took and the most memory its process tree held. */
export interface Measured extends EngineResult {
  ms: number;
  peakBytes: number;
}

/** One crawl in a child process, its process tree's memory sampled meanwhile. */
export function crawlOnce(engine: string, run: EngineRun, beforeTree?: string): Promise<Measured> {
  const before = engine === "ours-before";
  if (before && beforeTree === undefined) return Promise.reject(new Error("ours-before needs --before-tree DIR"));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/crawl.ts", before ? "ours" : engine, JSON.stringify(run)],
      {
        env: { ...process.env, ALLOW_PRIVATE_TARGETS: "1" },
        ...(before ? { cwd: beforeTree } : {}),
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const memory = sampleTreeMemory(child.pid as number);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const peakBytes = memory.stop();
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${engine} exited with ${code}: ${stdout.slice(-500)}`));
      resolve({ ...(JSON.parse(line) as EngineResult & { ms: number }), peakBytes });
    });
  });
}
