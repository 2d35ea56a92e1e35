import { PlatformAccessError } from "./errors.js";
import type { MediaSession } from "./types.js";

/**
 * One navigation shared by several captures, for pages whose script asks several
 * endpoints at once (a post and its first comments; a profile and its first posts):
 *
 * @example
 * const open = openOnce(session, url);
 * const comments = session.capture(commentsMatch, open);
 * const detail = await session.capture(detailMatch, open);
 *
 * Each capture registers its listener before it calls its action, and only the first
 * call navigates, so no answer of the page's first requests is missed by a capture
 * registered second.
 */
export function openOnce(session: MediaSession, url: string): () => Promise<void> {
  let opening: Promise<void> | undefined;
  return () => (opening ??= session.open(url));
}

/**
 * A side answer a crawl can do without (a creator's profile beside their posts): a
 * timeout or a platform error is logged and gives undefined; an access refusal still
 * fails the crawl. The returned promise is marked handled, so leaving it unawaited when
 * the main answer failed first raises no unhandled rejection.
 */
export function optionalAnswer<T>(session: MediaSession, answer: Promise<T>, what: string): Promise<T | undefined> {
  const settled = answer.catch((error: unknown) => {
    if (error instanceof PlatformAccessError) throw error;
    session.log(`no ${what} answer; going on without it`, { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  });
  settled.catch(() => undefined);
  return settled;
}
