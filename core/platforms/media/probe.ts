/**
 * The probe (`crawl-tasks probe <platform>`): a small crawl of each mode against the live
 * site that reports, step by step, what the crawler saw, so that the first person with a
 * network and an account can tell exactly what drifted. A task with `probe: true` records
 * its session's steps here and stores them as one `probe` item (crawl.ts), also when a step
 * fails; nothing else about the crawl changes.
 */

/** One thing the crawl did or saw. */
export interface ProbeStep {
  /** Milliseconds since the probe started. */
  at: number;
  /** The crawl step, e.g. "search: result page". */
  step: string;
  kind: "open" | "response" | "call" | "shape" | "state" | "selector" | "items" | "error";
  url?: string;
  status?: number;
  /** For shapes: whether the body matched its schema. */
  shape?: "ok" | "warnings" | "mismatch";
  /** A short description: the selector, the shape problem, the warnings. */
  detail?: string;
  /** For items: how many records of a kind were parsed. */
  count?: number;
  /** For items: the first record's fields, values cut short. */
  sample?: Record<string, unknown>;
}

/** Most steps one probe keeps (a scroll-paged list can answer many times). */
const MAX_STEPS = 300;

/** Values of a sample cut to what a report line can show. */
export function sampleOf(fields: Record<string, unknown>): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields).slice(0, 25)) {
    sample[key] =
      typeof value === "string" && value.length > 80
        ? `${value.slice(0, 80)}…`
        : typeof value === "object" && value !== null
          ? JSON.stringify(value).slice(0, 80)
          : value;
  }
  return sample;
}

export class ProbeTrace {
  readonly steps: ProbeStep[] = [];
  readonly #started = Date.now();
  #dropped = 0;

  add(step: Omit<ProbeStep, "at">): void {
    if (this.steps.length >= MAX_STEPS) {
      this.#dropped++;
      return;
    }
    this.steps.push({ at: Date.now() - this.#started, ...step });
  }

  /** Steps beyond {@link MAX_STEPS} that were not kept. */
  get dropped(): number {
    return this.#dropped;
  }
}
