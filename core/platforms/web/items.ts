import type { ResultItem } from "../types.js";
import type { SelectorSpec } from "./extract.js";
import type { FrontierEntry } from "./frontier.js";
import type { PageOutcome } from "./page.js";
import { normaliseUrl, pageItemKey } from "./urls.js";

/**
 * Turns what happened to one page into its stored result item.
 *
 * Every item has the same fields whatever the outcome (unknown values are null), so
 * readers of results never have to guess which keys exist:
 * `url, final_url, status, title, description, text, truncated, links, depth,
 * fetched_at, content_type, error, blocked_requests`, plus one field per selector.
 * `blocked_requests` lists the page's requests the egress proxy refused (`[{url, reason}]`,
 * [] when none); a refused main navigation is also the page's error, `BLOCKED_TARGET`.
 */

export interface PageResult {
  item: ResultItem;
  /** Distinct normalised http(s) links of the page; empty when the page failed. */
  links: string[];
}

export function buildPageItem(entry: FrontierEntry, outcome: PageOutcome, specs: readonly SelectorSpec[]): PageResult {
  const extract = outcome.extract;
  const links = extract === null ? [] : distinctLinks(extract.hrefs);
  const ok = outcome.error === null;

  const data: Record<string, unknown> = {
    url: entry.url,
    final_url: outcome.finalUrl,
    status: outcome.status,
    title: extract?.title ?? null,
    description: extract?.description ?? null,
    text: extract?.text ?? null,
    truncated: extract?.truncated ?? false,
    links: extract === null ? null : links.length,
    depth: entry.depth,
    fetched_at: outcome.fetchedAt,
    content_type: outcome.contentType,
    error: outcome.error,
    blocked_requests: outcome.blockedRequests,
  };
  // Selector names cannot collide with the fields above: the task schema reserves them.
  for (const spec of specs) data[spec.name] = extract?.fields[spec.name] ?? null;

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
