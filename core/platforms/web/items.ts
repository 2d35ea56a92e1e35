import type { ResultItem } from "../types.js";
import type { SelectorSpec } from "./extract.js";
import type { PageFormats } from "./html.js";
import type { WebPageFieldsData } from "./itemSchema.js";
import type { OutputFormat } from "./schema.js";
import type { FrontierEntry } from "./frontier.js";
import type { PageOutcome } from "./page.js";
import { normaliseUrl, pageItemKey } from "./urls.js";

/**
 * Turns what happened to one page into its stored result item.
 *
 * Every item has the same fields whatever the outcome (unknown values are null), so
 * readers of results never have to guess which keys exist (itemSchema.ts declares them):
 * `platform` ("web") and `item_type` ("page"), which tell it from media items, `url, final_url, status, title, description, text, truncated, truncated_fields, links,
 * depth, fetched_at, content_type, rendered, settle_ms, settle_capped, error,
 * blocked_requests`, one field per other format the task asked for (`markdown`, `html`,
 * `link_list`), and one per selector. `text` is null when the task's formats leave it out.
 * `blocked_requests` lists the page's requests the egress proxy refused (`[{url, reason}]`,
 * [] when none); a refused main navigation is also the page's error, `BLOCKED_TARGET`.
 */

export interface PageResult {
  item: ResultItem;
  /** Distinct normalised http(s) links of the page; empty when the page failed. */
  links: string[];
}

/** What the task asked a page's item to carry besides the always-present fields. */
export interface ItemOutput {
  specs: readonly SelectorSpec[];
  formats: readonly OutputFormat[];
  /** The page's formats (html.ts formatsOf); undefined when the page has none (failed, or not HTML). */
  pageFormats?: PageFormats | undefined;
}

export function buildPageItem(entry: FrontierEntry, outcome: PageOutcome, output: ItemOutput): PageResult {
  const extract = outcome.extract;
  const links = extract === null ? [] : distinctLinks(extract.hrefs);
  const ok = outcome.error === null;
  const formats = output.pageFormats;
  // only_main_content: the main content's text replaces the page's, and its own cut counts.
  const text = formats?.mainText ?? extract?.text ?? null;
  const textCut = formats?.mainText !== undefined ? formats.cut.includes("text") : extract?.truncated === true;
  const truncatedFields = [
    ...(textCut && output.formats.includes("text") ? ["text"] : []),
    ...(formats?.cut ?? []).filter((name) => name !== "text"),
  ];

  const data: Record<string, unknown> = {
    platform: "web",
    item_type: "page",
    url: entry.url,
    final_url: outcome.finalUrl,
    status: outcome.status,
    title: extract?.title ?? null,
    description: extract?.description ?? null,
    text: output.formats.includes("text") ? text : null,
    truncated: truncatedFields.length > 0,
    truncated_fields: truncatedFields,
    links: extract === null ? null : links.length,
    depth: entry.depth,
    fetched_at: outcome.fetchedAt,
    content_type: outcome.contentType,
    rendered: outcome.rendered,
    // How long the page took to settle after load (wait_until settle), and whether it was read at the cap.
    settle_ms: outcome.settle?.waitedMs ?? null,
    settle_capped: outcome.settle?.capped ?? null,
    error: outcome.error,
    blocked_requests: outcome.blockedRequests,
  } satisfies WebPageFieldsData;
  if (output.formats.includes("markdown")) data.markdown = formats?.markdown ?? null;
  if (output.formats.includes("html")) data.html = formats?.html ?? null;
  if (output.formats.includes("links")) data.link_list = formats?.links ?? null;
  // Selector names cannot collide with the fields above: the task schema reserves them.
  for (const spec of output.specs) data[spec.name] = extract?.fields[spec.name] ?? null;

  // A failed page's links are never followed: its content may be an error page.
  return { item: { item_key: pageItemKey(entry.url), ok, data }, links: ok ? links : [] };
}

function distinctLinks(hrefs: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const href of hrefs) {
    const url = normaliseUrl(href);
    if (url !== undefined) seen.add(url);
  }
  return [...seen];
}
