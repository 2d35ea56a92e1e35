import type { MediaCursor, MediaRecord } from "./types.js";

/**
 * A result list a web app pages by scrolling — search results, a creator's posts — read
 * through one browser tab that is also used for other pages (a post's comments).
 *
 * Page k (0-based) is what the list shows after it was opened and scrolled (or, where
 * the site's list endpoint can be called from the page, called) k times. When the tab
 * went elsewhere in between ({@link ScrolledFeed.leave}), the list is opened again and
 * walked back to page k, as a person pressing "back" would; the pages passed on the way
 * are not yielded again. The same happens on a resumed crawl and for `start_page`: there
 * is no URL that jumps to page k, because each page's request is built from the one
 * before (its cursor) and, where the page signs it, signed by the site's own script.
 */
export interface ScrolledFeedSteps<T> {
  /** Opens the list and resolves with its first page's answer. */
  open(): Promise<T>;
  /** Loads the next page of the open list (scroll to the bottom, click "more"). */
  next(previous: T): Promise<T>;
  /** Whether the site says there is a page after `page`. */
  hasMore(page: T): boolean;
}

export class ScrolledFeed<T> {
  readonly #steps: ScrolledFeedSteps<T>;
  /** Index of the last page the open list has shown; -1 when the list is not open. */
  #shown = -1;
  #last: T | undefined;

  constructor(steps: ScrolledFeedSteps<T>) {
    this.#steps = steps;
  }

  /** Page `index`, or undefined when the list ends before it. */
  async page(index: number): Promise<T | undefined> {
    if (this.#shown < 0 || this.#shown > index || this.#last === undefined) {
      this.#last = await this.#steps.open();
      this.#shown = 0;
    }
    while (this.#shown < index) {
      if (!this.#steps.hasMore(this.#last)) return undefined;
      this.#last = await this.#steps.next(this.#last);
      this.#shown++;
    }
    return this.#last;
  }

  /** The tab showed another page: the next {@link page} opens the list again. */
  leave(): void {
    this.#shown = -1;
    this.#last = undefined;
  }
}

/** The page token of an input whose list was read to its end: a resumed crawl skips it. */
export const FEED_DONE = "done";

/** How {@link walkFeed} reads one input's list. */
export interface FeedWalk<T> {
  steps: ScrolledFeedSteps<T>;
  cursor: MediaCursor;
  /** Content records wanted for this input (max_notes_count). */
  maxNotes: number;
  /** Page to begin with when the cursor has none, 0-based (search: start_page - 1). @default 0 */
  firstPage?: number;
  /**
   * The records of one page, mapped (entries that are not posts dropped). Records other
   * than content (the creator's own profile) are yielded as they are.
   */
  recordsOf(page: T): MediaRecord[];
  /**
   * A post's comments, read by in-page API calls (commentPane.ts) without leaving the
   * list's page; absent when comments are not wanted.
   */
  commentsOf?: (post: MediaRecord) => AsyncIterable<MediaRecord>;
}

/**
 * Yields an input's posts page by page, each followed by its comments (the framework
 * counts comments per post, so they must come right after it). Advances the cursor after
 * every page whose records were all yielded, and to {@link FEED_DONE} at the list's end;
 * stops loading pages once `maxNotes` posts were counted. A post seen on an earlier page
 * (lists shift while being read) is not yielded twice.
 */
export async function* walkFeed<T>(walk: FeedWalk<T>): AsyncGenerator<MediaRecord, void, undefined> {
  const { cursor, maxNotes } = walk;
  if (cursor.page === FEED_DONE) return;
  const feed = new ScrolledFeed(walk.steps);
  const seen = new Set<string>();
  let index = typeof cursor.page === "number" ? cursor.page : (walk.firstPage ?? 0);
  while (cursor.notesDone < maxNotes) {
    const page = await feed.page(index);
    if (page === undefined) break;
    for (const record of walk.recordsOf(page)) {
      if (record.item_type !== "content") {
        yield record;
        continue;
      }
      if (cursor.notesDone >= maxNotes) return;
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
      // Comments are API calls made from the list's own page: the list stays where it is.
      if (walk.commentsOf !== undefined) yield* walk.commentsOf(record);
    }
    if (!walk.steps.hasMore(page)) break;
    index++;
    cursor.advance(index);
  }
  cursor.advance(FEED_DONE);
}

/**
 * A creator's profile on a creator list read with {@link walkFeed}: read once, when the
 * list's page first opens on a fresh start (a resumed crawl stored it already), and
 * stored ahead of that page's posts. The platform calls {@link read} inside its `open`
 * step, where its site has the profile to ask for.
 */
export class ProfileAhead {
  #wanted: boolean;
  #pending: MediaRecord | undefined;
  readonly #readProfile: () => Promise<MediaRecord | undefined>;

  constructor(cursor: MediaCursor, readProfile: () => Promise<MediaRecord | undefined>) {
    this.#wanted = cursor.page === undefined;
    this.#readProfile = readProfile;
  }

  /** Reads the profile, the first time only. */
  async read(): Promise<void> {
    if (!this.#wanted) return;
    this.#wanted = false;
    this.#pending = await this.#readProfile();
  }

  /** A page's records, with the profile ahead of them once it was read. */
  ahead(records: MediaRecord[]): MediaRecord[] {
    const profile = this.#pending;
    this.#pending = undefined;
    return profile === undefined ? records : [profile, ...records];
  }
}

/**
 * One detail input's post, then its comments when it could be read and `commentsOf` is
 * given (caps.ts `commentsIfWanted`); the cursor is then done, so a resumed crawl does
 * not read the post again.
 */
export async function* postOnce(
  cursor: MediaCursor,
  readPost: () => Promise<MediaRecord>,
  commentsOf: ((post: MediaRecord) => AsyncIterable<MediaRecord>) | undefined,
): AsyncGenerator<MediaRecord, void, undefined> {
  if (cursor.page === FEED_DONE) return;
  const post = await readPost();
  yield post;
  if (post.error === undefined && commentsOf !== undefined) yield* commentsOf(post);
  cursor.advance(FEED_DONE);
}
