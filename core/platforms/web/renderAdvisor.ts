/**
 * `render: "auto"`: which pages of a crawl need Chromium, learned during the crawl.
 *
 * Modelled on Crawlee's adaptive crawler (packages/playwright-crawler/src/internals/
 * utils/rendering-type-prediction.ts in apify/crawlee): pages are grouped by what predicts
 * how they render, a sample of each group is fetched both ways and the results compared,
 * and a share of the pages keeps being compared after the group is trusted. Crawlee groups
 * by URL similarity and samples at random (detection ratio 0.1); here a group is the page's
 * URL shape *and* the scripts its HTML would run (two pages running the same code on the
 * same template render alike, and a page whose HTML runs no script cannot change at all),
 * and sampling is by count, so a crawl decides the same way every time it runs.
 *
 * A group's life:
 * - unknown: each page is rendered (the item the user gets) and also read over HTTP; the
 *   two are compared. After {@link AdvisorOptions.verifyAfter} agreeing pairs in a row the
 *   group is trusted; one disagreement marks it `render`.
 * - trusted: pages are read over HTTP, except one in {@link AdvisorOptions.recheckEvery},
 *   which is compared again. A re-check that disagrees marks the group `render` and hands
 *   back every page of it read over HTTP so far: the crawler renders them again, so what
 *   the scripts add is not lost for the pages before the check either.
 * - render: every page is rendered.
 */
import type { FrontierEntry } from "./frontier.js";
import type { PageFormats } from "./html.js";
import type { PageOutcome } from "./page.js";

export interface AdvisorOptions {
  /** Agreeing comparisons before a group is read over HTTP. @default 2 */
  verifyAfter?: number;
  /** Once trusted, every n-th page of a group is compared again. @default 10 */
  recheckEvery?: number;
  /**
   * A URL shape whose last this-many pages all needed rendering is rendered without the
   * HTTP read first (it would be thrown away); one page in `recheckEvery` still reads it,
   * so the shape can turn. @default 3
   */
  skipHttpAfter?: number;
}

export const advisorDefaults = {
  verifyAfter: 2,
  recheckEvery: 10,
  skipHttpAfter: 3,
} as const satisfies Required<AdvisorOptions>;

/** What to do with a page whose HTML was read over HTTP. */
export type RenderPlan =
  /** Use the HTTP read. */
  | "http"
  /** Render it (that is the item) and compare with the HTTP read: {@link RenderAdvisor.report}. */
  | "compare"
  /** Render it; the HTTP read is not needed. */
  | "render";

type GroupState = { kind: "unknown"; agreed: number } | { kind: "trusted"; sinceCheck: number } | { kind: "render" };

/** How many pages went which way, for the task's log and the benchmark. */
export interface AdvisorStats {
  http: number;
  rendered: number;
  compared: number;
  disagreed: number;
  rerendered: number;
}

export class RenderAdvisor {
  readonly #options: Required<AdvisorOptions>;
  readonly #groups = new Map<string, GroupState>();
  /** Pages of each trusted group read over HTTP: rendered again if the group turns out to need it. */
  readonly #readOverHttp = new Map<string, FrontierEntry[]>();
  /** Per URL shape: how many pages in a row needed rendering, and pages since the HTTP read was last skipped. */
  readonly #shapes = new Map<string, { renderStreak: number; skipped: number }>();
  readonly stats: AdvisorStats = { http: 0, rendered: 0, compared: 0, disagreed: 0, rerendered: 0 };

  constructor(options: AdvisorOptions = {}) {
    this.#options = { ...advisorDefaults, ...options };
  }

  /**
   * Whether to render `url` straight away, without reading it over HTTP first: its URL shape
   * has needed rendering for the last few pages. Every `recheckEvery`-th such page is read
   * over HTTP anyway, so a shape that changes is noticed.
   */
  renderWithoutHttp(url: string): boolean {
    const shape = this.#shapes.get(urlShape(url));
    if (shape === undefined || shape.renderStreak < this.#options.skipHttpAfter) return false;
    shape.skipped += 1;
    if (shape.skipped % this.#options.recheckEvery === 0) return false;
    this.stats.rendered += 1;
    return true;
  }

  /**
   * The plan for a page read over HTTP. `scripts` is the signature of the scripts its HTML
   * runs (httpPage.ts), "" when none: such a page is what a browser shows, always "http".
   */
  plan(url: string, scripts: string): RenderPlan {
    if (scripts === "") {
      this.#noteShape(url, false);
      this.stats.http += 1;
      return "http";
    }
    const key = groupKey(url, scripts);
    const group = this.#groups.get(key) ?? { kind: "unknown", agreed: 0 };
    this.#groups.set(key, group);
    if (group.kind === "render") {
      this.#noteShape(url, true);
      this.stats.rendered += 1;
      return "render";
    }
    if (group.kind === "trusted") {
      group.sinceCheck += 1;
      if (group.sinceCheck < this.#options.recheckEvery) {
        this.stats.http += 1;
        this.#noteShape(url, false);
        return "http";
      }
      group.sinceCheck = 0;
    }
    this.stats.compared += 1;
    this.stats.rendered += 1;
    return "compare";
  }

  /** A page of plan "http" whose item was taken from the HTTP read. */
  servedOverHttp(url: string, scripts: string, entry: FrontierEntry): void {
    if (scripts === "") return;
    const key = groupKey(url, scripts);
    const list = this.#readOverHttp.get(key) ?? [];
    list.push(entry);
    this.#readOverHttp.set(key, list);
  }

  /**
   * The result of a "compare": whether the rendered and the HTTP reads agree. Returns the
   * pages of the group read over HTTP so far when the group just turned to `render`
   * (render them again), otherwise [].
   */
  report(url: string, scripts: string, agreed: boolean): FrontierEntry[] {
    const key = groupKey(url, scripts);
    const group = this.#groups.get(key) ?? { kind: "unknown", agreed: 0 };
    this.#noteShape(url, !agreed);
    if (!agreed) {
      this.stats.disagreed += 1;
      this.#groups.set(key, { kind: "render" });
      const stale = this.#readOverHttp.get(key) ?? [];
      this.#readOverHttp.delete(key);
      this.stats.rerendered += stale.length;
      return stale;
    }
    if (group.kind === "unknown") {
      group.agreed += 1;
      if (group.agreed >= this.#options.verifyAfter) this.#groups.set(key, { kind: "trusted", sinceCheck: 0 });
    }
    return [];
  }

  #noteShape(url: string, neededRender: boolean): void {
    const key = urlShape(url);
    const shape = this.#shapes.get(key) ?? { renderStreak: 0, skipped: 0 };
    shape.renderStreak = neededRender ? shape.renderStreak + 1 : 0;
    this.#shapes.set(key, shape);
  }
}

/** Segments that name one thing among many (ids, dates, hashes) rather than a section. */
const VARIABLE_SEGMENT = /\d|^[0-9a-f]{16,}$|^.{40,}$/i;

/**
 * What a URL says about the template behind it: the host, the first path segment unless it
 * looks like an id, how deep the path is, and the query's parameter names.
 * `https://a.com/blog/2024/05/post?id=3` → `a.com/blog/*\/*\/*?id`.
 */
export function urlShape(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  const segments = url.pathname.split("/").filter((segment) => segment !== "");
  const first = segments[0] === undefined ? "" : VARIABLE_SEGMENT.test(segments[0]) ? "*" : segments[0];
  const rest = segments.slice(1).map(() => "*");
  const query = [...new Set(url.searchParams.keys())].sort().join("&");
  return `${url.host}/${[first, ...rest].join("/")}${query === "" ? "" : `?${query}`}`;
}

function groupKey(url: string, scripts: string): string {
  return `${urlShape(url)}\n${scripts}`;
}

/** One read of a page as compared: its outcome and, when the task has other formats, those. */
export interface ComparedRead {
  outcome: PageOutcome;
  formats?: PageFormats | undefined;
}

/**
 * Whether reading a page over HTTP gave the item rendering gave: same final URL, title,
 * description, selector fields, links (as sets) and text, and the same markdown and link
 * list when the task asks for them. Text is compared without whitespace: the browser's
 * innerText and the HTML reader (html.ts) break lines differently, which is not content.
 * Text the page's stylesheets hide counts as a difference, as it should: a person does
 * not see it, and only the browser knows.
 */
export function readsAgree(overHttp: ComparedRead, rendered: ComparedRead): boolean {
  const a = overHttp.outcome.extract;
  const b = rendered.outcome.extract;
  if (a === null || b === null) return a === b;
  if (overHttp.outcome.finalUrl !== rendered.outcome.finalUrl) return false;
  if (a.title !== b.title || a.description !== b.description) return false;
  if (JSON.stringify(a.fields) !== JSON.stringify(b.fields)) return false;
  if (!sameSet(a.hrefs, b.hrefs)) return false;
  if (squeeze(overHttp.formats?.mainText ?? a.text) !== squeeze(rendered.formats?.mainText ?? b.text)) return false;
  if (squeeze(overHttp.formats?.markdown ?? "") !== squeeze(rendered.formats?.markdown ?? "")) return false;
  return JSON.stringify(overHttp.formats?.links ?? []) === JSON.stringify(rendered.formats?.links ?? []);
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, "");
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}
