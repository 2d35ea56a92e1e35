import { readdirSync, readFileSync } from "node:fs";

/**
 * Peak memory of a process and all its descendants (Chromium's helpers included), from
 * /proc on Linux. Each process counts its PSS (shared pages divided among the processes
 * sharing them), so Chromium's processes are not counted several times over; where
 * smaps_rollup is not readable, its RSS.
 *
 * @example
 * const sampler = sampleTreeMemory(child.pid, 100);
 * await exited; const peakBytes = sampler.stop();
 */
export function sampleTreeMemory(rootPid: number, intervalMs = 100): { stop(): number } {
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, treeBytes(rootPid));
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

function treeBytes(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += processBytes(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: read after the last ")".
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function processBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (pss !== null) return Number(pss[1]) * 1024;
  } catch {
    // Not readable (or gone): fall back to RSS below.
  }
  try {
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return rss === null ? 0 : Number(rss[1]) * 1024;
  } catch {
    return 0;
  }
}
