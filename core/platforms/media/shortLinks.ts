import { egressProxyOf } from "../../browser/egress.js";
import { BlockedTargetError } from "../../net/errors.js";
import { safeFetch } from "../../net/safeFetch.js";
import { isShortLink, type ShortLinkRule } from "./shortLinkRule.js";
import type { MediaRecord, MediaSession } from "./types.js";

/*
 * Share links (v.douyin.com/…, xhslink.com/…) name a post only through the redirect they
 * answer with. MediaCrawler resolves a dy short link with one GET that does not follow
 * redirects, reading the post id from `Location` (media_platform/douyin/client.py:361-384,
 * core.py:191-200); xhslink.com answers 307 to the note's URL with its xsec_token (a public
 * xhslink proxy reads that `Location`).
 *
 * We do the same, one hop at a time under the task's egress policy (core/net/safeFetch.ts:
 * each hop's address is checked before anything is sent to it), and stop at the first
 * `Location` that names a post: the post itself is then read the usual way, in the page.
 * No cookies are sent. Unlike MediaCrawler, the lookup does not go through the task's own
 * proxy: it is a redirect lookup on the short-link host only.
 */

/** Redirects followed before giving up: real short links take one or two. */
const MAX_HOPS = 5;
const HOP_TIMEOUT_MS = 10_000;

/** Why a short link gave no post; `code` is the stored item's error code. */
export class ShortLinkError extends Error {
  constructor(
    readonly code: "SHORT_LINK_UNRESOLVED" | "BLOCKED_TARGET",
    message: string,
  ) {
    super(message);
    this.name = "ShortLinkError";
  }
}

/**
 * The post `link` leads to (rule.postOf of the first redirect target naming one).
 *
 * @throws {ShortLinkError} when a hop is refused by the egress policy (BLOCKED_TARGET), the
 * chain ends without naming a post, or a hop fails (SHORT_LINK_UNRESOLVED)
 */
export async function resolveShortLink(session: MediaSession, link: string, rule: ShortLinkRule): Promise<string> {
  const given = new URL(link.trim());
  // The short-link host as this crawl reaches it (a stand-in in tests), the link's path kept.
  const base = session.baseUrls[rule.baseKey] ?? `${given.protocol}//${given.host}`;
  let current = `${base}${given.pathname}${given.search}`;
  // The browser's own egress policy (and its resolver), so a short link reaches only what its pages may.
  const egress = egressProxyOf(session.page.browser())?.egress;
  for (let hop = 1; hop <= MAX_HOPS; hop++) {
    let answer: Awaited<ReturnType<typeof safeFetch>>;
    try {
      answer = await safeFetch(current, {
        ...(egress ?? {}),
        timeoutMs: HOP_TIMEOUT_MS,
        maxBytes: 64 * 1024,
        maxRedirects: 0,
        signal: session.signal,
      });
    } catch (error) {
      session.signal.throwIfAborted();
      if (error instanceof BlockedTargetError) throw new ShortLinkError("BLOCKED_TARGET", error.message);
      throw new ShortLinkError(
        "SHORT_LINK_UNRESOLVED",
        `${link}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const location = answer.headers.location;
    session.log("short link hop", { link, hop, status: answer.status, location: location ?? null });
    if (answer.status < 300 || answer.status > 399 || typeof location !== "string")
      throw new ShortLinkError(
        "SHORT_LINK_UNRESOLVED",
        `${link} answered HTTP ${answer.status} without leading to a post`,
      );
    const target = new URL(location, current).href;
    const post = rule.postOf(target);
    if (post !== undefined) return post;
    current = target;
  }
  throw new ShortLinkError("SHORT_LINK_UNRESOLVED", `${link} did not lead to a post within ${MAX_HOPS} redirects`);
}

/**
 * A detail input's records: `crawl(input)` as it is, or, for a short link of `rule`,
 * `crawl` of the post it leads to. A link that leads to no post is one failed item
 * (`failed`, with SHORT_LINK_UNRESOLVED or BLOCKED_TARGET) and the task goes on, as
 * MediaCrawler skips such a link (core.py:199-201).
 */
export async function* viaShortLink(
  session: MediaSession,
  input: string,
  rule: ShortLinkRule,
  crawl: (input: string) => AsyncIterable<MediaRecord>,
  failed: (link: string, error: ShortLinkError) => MediaRecord,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (!isShortLink(input, rule)) return yield* crawl(input);
  let post: string;
  try {
    post = await resolveShortLink(session, input, rule);
  } catch (error) {
    if (!(error instanceof ShortLinkError)) throw error;
    session.log("short link leads to no post", { link: input, code: error.code, reason: error.message });
    yield failed(input, error);
    return;
  }
  yield* crawl(post);
}
