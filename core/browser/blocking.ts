import type { Page, Protocol, ResourceType } from "puppeteer-core";

/** What a page must never load. */
export interface BlockRules {
  /** Resource types (puppeteer's lower-case names: "image", "font", …). */
  resourceTypes?: readonly ResourceType[];
  /** CDP Fetch URL patterns (`*` any run of characters, `?` one), e.g. `*://*.example.com/*`. */
  urlPatterns?: readonly string[];
}

/** CDP's resource types, by puppeteer's lower-case name. */
const CDP_TYPES = new Map<string, Protocol.Network.ResourceType>(
  (
    [
      "Document",
      "Stylesheet",
      "Image",
      "Media",
      "Font",
      "Script",
      "TextTrack",
      "XHR",
      "Fetch",
      "Prefetch",
      "EventSource",
      "WebSocket",
      "Manifest",
      "SignedExchange",
      "Ping",
      "CSPViolationReport",
      "Preflight",
      "Other",
    ] as const
  ).map((type) => [type.toLowerCase(), type]),
);

/**
 * Makes Chromium fail the page's requests matching `rules` with `net::ERR_BLOCKED_BY_CLIENT`
 * (CDP Fetch with request patterns). Only matching requests pause on their way out;
 * everything else flows untouched and the HTTP cache stays on. puppeteer's request
 * interception would instead hold every request for a round trip to Node and turn the
 * cache off — a cost on every page of a crawl.
 *
 * One call per page; does nothing when there is nothing to block.
 */
export async function blockRequests(page: Page, rules: BlockRules): Promise<void> {
  const patterns: Protocol.Fetch.RequestPattern[] = [];
  for (const type of new Set(rules.resourceTypes ?? [])) {
    const resourceType = CDP_TYPES.get(type);
    if (resourceType === undefined) throw new TypeError(`unknown resource type: ${type}`);
    patterns.push({ resourceType, requestStage: "Request" });
  }
  for (const urlPattern of new Set(rules.urlPatterns ?? [])) patterns.push({ urlPattern, requestStage: "Request" });
  if (patterns.length === 0) return;

  const session = await page.createCDPSession();
  session.on("Fetch.requestPaused", (event: Protocol.Fetch.RequestPausedEvent) => {
    // The page may close while a request is paused; that rejection is expected.
    session
      .send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" })
      .catch(() => undefined);
  });
  await session.send("Fetch.enable", { patterns });
}
