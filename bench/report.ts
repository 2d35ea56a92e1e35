import { execSync } from "node:child_process";
import { cpus, loadavg } from "node:os";

/**
 * bench/RESULTS.md is a header followed by `## ` sections. A run that measures only some
 * sections (`--only`) replaces those and keeps every other section of the previous file
 * as it was, so figures measured at different times can live in one report; each of the
 * newer sections says when and at which commit it was measured.
 */

/** Every section, in report order, with the start of its heading. */
export const SECTIONS = {
  crawl: "## Crawl throughput",
  render: "## Render modes",
  bundle: "## Function bundles",
  stack: "## End to end through the one-machine stack",
  coldstart: "## Cold and warm crawler start",
  api: "## API create-task latency",
  writes: "## Result writes",
  cost: "## Estimated AWS cost",
} as const;

export type SectionName = keyof typeof SECTIONS;
export const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

export function isSectionName(name: string): name is SectionName {
  return Object.hasOwn(SECTIONS, name);
}

interface SplitReport {
  header: string;
  /** Section text (heading included) by section name; unknown headings under their heading line. */
  sections: Map<string, string>;
}

function split(markdown: string): SplitReport {
  const parts = markdown.split(/^(?=## )/m);
  const header = parts[0]?.startsWith("## ") ? "" : (parts.shift() ?? "");
  const sections = new Map<string, string>();
  for (const part of parts) {
    const name = SECTION_NAMES.find((n) => part.startsWith(SECTIONS[n]));
    sections.set(name ?? (part.split("\n")[0] as string), part);
  }
  return { header, sections };
}

const trimmed = (text: string): string => `${text.trim()}\n`;

/**
 * The report with `fresh` sections in place of the previous ones. The header is `header`
 * when given (the crawl section ran, and the header describes its run), else the previous one.
 */
export function mergeReport(options: {
  previous?: string;
  header?: string;
  fresh: Partial<Record<SectionName, string>>;
}): string {
  const previous = split(options.previous ?? "");
  const header = options.header ?? previous.header;
  const ordered = SECTION_NAMES.flatMap((name) => options.fresh[name] ?? previous.sections.get(name) ?? []);
  const unknown = [...previous.sections].filter(([key]) => !isSectionName(key)).map(([, text]) => text);
  return [trimmed(header), ...[...ordered, ...unknown].map(trimmed)].join("\n");
}

export function sh(command: string): string {
  try {
    return execSync(command, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

/** The machine's 1-minute load average now: a section notes it at its start and end (the cores are shared). */
export const loadNow = (): number => loadavg()[0] ?? Number.NaN;

/** "Measured <date> at commit <sha>, <mode>; load …" for a section's first line. */
export function measuredLine(quick: boolean, loadAtStart: number): string {
  const dirty = sh("git status --porcelain") === "" ? "" : " (with uncommitted changes)";
  const mode = quick ? "quick mode (`--quick`: small counts, rough figures)" : "full mode";
  const load = `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadNow().toFixed(1)} at the end, on ${cpus().length} CPUs`;
  return `Measured ${new Date().toISOString()} at commit ${sh("git rev-parse --short HEAD")}${dirty}, ${mode}; ${load}.`;
}
