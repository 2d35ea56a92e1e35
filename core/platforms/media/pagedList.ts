import { notesFull } from "./caps.js";
import type { MediaCursor, MediaRecord, MediaTaskParams } from "./types.js";

/**
 * A result list whose pages can be asked for directly by a token — a page number in the
 * URL or a call (bili, tieba, wb and xhs search; bili's space pages), or a cursor the
 * last page gave (wb's since_id) — so a resumed crawl or `start_page` goes straight to
 * the page it needs. (A list that can only be scrolled to page k, because each page's
 * request is built and signed by the page from the one before, is a ScrolledFeed:
 * scrolledFeed.ts.)
 *
 * The platform says how to load a page and what is on it; {@link walkPages} does the
 * paging every such list shares: page after page while posts are wanted, each post's
 * records (the post, its comments) in order, the cursor advanced after every page, no
 * page loaded once `max_notes_count` posts were counted.
 */
export interface PagedList<Body, Entry, Token extends string | number> {
  cursor: MediaCursor;
  params: MediaTaskParams;
  /** The page to load first: the cursor's saved token on a resume, else the list's first page. */
  start: Token;
  /** Page `token`, read and checked; undefined when the site says the list ends there. */
  load(token: Token): Promise<Body | undefined>;
  /** The posts a page lists, in order. */
  entries(body: Body): Iterable<Entry>;
  /** One post's records: the post (read from the entry or from its own page), then its comments. */
  records(entry: Entry): AsyncIterable<MediaRecord>;
  /** The token of the page after `body` (loaded as `token`); undefined at the list's end. */
  next(body: Body, token: Token): Token | undefined;
  /**
   * The key a post is known by across pages, when lists shift while being read: a post
   * whose key was seen on an earlier page, or that has none (undefined), is passed over.
   * Absent: every entry is read.
   */
  key?(entry: Entry): string | undefined;
}

/** Walks a {@link PagedList}: see there. */
export async function* walkPages<Body, Entry, Token extends string | number>(
  list: PagedList<Body, Entry, Token>,
): AsyncGenerator<MediaRecord, void, undefined> {
  const { cursor, params } = list;
  const seen = new Set<string>();
  let token = list.start;
  while (!notesFull(cursor, params)) {
    const body = await list.load(token);
    if (body === undefined) return;
    for (const entry of list.entries(body)) {
      if (notesFull(cursor, params)) return;
      if (list.key !== undefined) {
        const key = list.key(entry);
        if (key === undefined || seen.has(key)) continue;
        seen.add(key);
      }
      yield* list.records(entry);
    }
    const next = list.next(body, token);
    if (next === undefined) return;
    token = next;
    cursor.advance(token);
  }
}
