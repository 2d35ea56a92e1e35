/**
 * Processes below a process. Puppeteer starts Chromium in a process group of its own, so
 * killing a worker (or its group) with SIGKILL leaves the browser running; whoever kills a
 * worker that hard kills what it started too.
 */
import { execFileSync } from "node:child_process";

/** Every live process below `pid`, deepest first. Empty where `ps` is missing (Windows). */
export function descendantPids(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.trim().split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child === undefined || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      walk(child);
      found.push(child);
    }
  };
  walk(pid);
  return found;
}

/** SIGKILL to `pid` and everything below it (listed first: orphans cannot be found). */
export function killTree(pid: number): void {
  for (const target of [...descendantPids(pid), pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
