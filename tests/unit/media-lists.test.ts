import { describe, expect, it } from "vitest";
import { walkPages } from "../../core/platforms/media/pagedList.js";
import { FEED_DONE, postOnce, ProfileAhead, ScrolledFeed, walkFeed } from "../../core/platforms/media/scrolledFeed.js";
import type { MediaCursor, MediaRecord, MediaTaskParams } from "../../core/platforms/media/types.js";

/**
 * The list walkers of the media kit: walkFeed (scrolledFeed.ts) for lists that can only
 * be scrolled to a page, with ProfileAhead and postOnce; walkPages (pagedList.ts) for
 * lists whose pages are asked for by number or token.
 */

/** A list of `pages` pages of `size` posts; records each open and scroll. */
function fakeList(pages: number, size: number) {
  const log: string[] = [];
  const steps = {
    open: async () => {
      log.push("open");
      return 0;
    },
    next: async (previous: number) => {
      log.push(`scroll→${previous + 1}`);
      return previous + 1;
    },
    hasMore: (page: number) => page + 1 < pages,
  };
  const recordsOf = (page: number): MediaRecord[] =>
    Array.from({ length: size }, (_, i) => ({ item_type: "content" as const, id: `p${page}-${i}`, fields: {} }));
  return { log, steps, recordsOf };
}

/** The framework's cursor, counting content records as the consumer takes them. */
function cursorAt(
  page: string | number | undefined,
  notesDone = 0,
): MediaCursor & { advanced: Array<string | number | undefined> } {
  const cursor = {
    inputIndex: 0,
    page,
    notesDone,
    advanced: [] as Array<string | number | undefined>,
    advance(next: string | number | undefined) {
      cursor.page = next;
      cursor.advanced.push(next);
    },
  };
  return cursor;
}

async function drain(source: AsyncIterable<MediaRecord>, cursor: { notesDone: number }): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of source) {
    ids.push(record.id);
    if (record.item_type === "content") cursor.notesDone++;
  }
  return ids;
}

describe("ScrolledFeed", () => {
  it("scrolls forward from the open list, and reopens and scrolls back after the tab went elsewhere", async () => {
    const { log, steps } = fakeList(5, 1);
    const feed = new ScrolledFeed(steps);
    expect(await feed.page(2)).toBe(2);
    expect(await feed.page(3)).toBe(3);
    feed.leave();
    expect(await feed.page(4)).toBe(4);
    expect(await feed.page(9)).toBeUndefined();
    expect(log).toEqual([
      "open",
      "scroll→1",
      "scroll→2",
      "scroll→3",
      "open",
      "scroll→1",
      "scroll→2",
      "scroll→3",
      "scroll→4",
    ]);
  });
});

describe("walkFeed", () => {
  it("yields posts page by page up to maxNotes, advancing the cursor after each whole page", async () => {
    const { log, steps, recordsOf } = fakeList(4, 3);
    const cursor = cursorAt(undefined);
    const ids = await drain(walkFeed({ steps, cursor, maxNotes: 7, recordsOf }), cursor);
    expect(ids).toEqual(["p0-0", "p0-1", "p0-2", "p1-0", "p1-1", "p1-2", "p2-0"]);
    expect(cursor.advanced).toEqual([1, 2]);
    expect(log).toEqual(["open", "scroll→1", "scroll→2"]);
  });

  it("follows each post with its comments (read in place: the list is not reopened), and marks the end", async () => {
    const { log, steps, recordsOf } = fakeList(2, 2);
    const cursor = cursorAt(undefined);
    const commentsOf = async function* (post: MediaRecord): AsyncGenerator<MediaRecord> {
      yield { item_type: "comment", id: `${post.id}/c`, fields: {} };
    };
    const ids = await drain(walkFeed({ steps, cursor, maxNotes: 10, recordsOf, commentsOf }), cursor);
    expect(ids).toEqual(["p0-0", "p0-0/c", "p0-1", "p0-1/c", "p1-0", "p1-0/c", "p1-1", "p1-1/c"]);
    // Comments are in-page API calls: the list stays open and is only scrolled on.
    expect(log).toEqual(["open", "scroll→1"]);
    expect(cursor.advanced).toEqual([1, FEED_DONE]);
  });

  it("resumes at the cursor's page, starts at firstPage otherwise, and skips an input already done", async () => {
    const { steps, recordsOf } = fakeList(4, 2);
    const resumed = cursorAt(2, 4);
    expect(await drain(walkFeed({ steps, cursor: resumed, maxNotes: 10, recordsOf }), resumed)).toEqual([
      "p2-0",
      "p2-1",
      "p3-0",
      "p3-1",
    ]);
    const fresh = cursorAt(undefined);
    expect(await drain(walkFeed({ steps, cursor: fresh, maxNotes: 1, firstPage: 3, recordsOf }), fresh)).toEqual([
      "p3-0",
    ]);
    const done = cursorAt(FEED_DONE);
    expect(await drain(walkFeed({ steps, cursor: done, maxNotes: 10, recordsOf }), done)).toEqual([]);
  });

  it("does not yield a post twice when the list shifted between pages", async () => {
    const steps = { open: async () => 0, next: async (page: number) => page + 1, hasMore: (page: number) => page < 1 };
    const recordsOf = (page: number): MediaRecord[] => [
      { item_type: "content", id: page === 0 ? "a" : "b", fields: {} },
      { item_type: "content", id: "shared", fields: {} },
    ];
    const cursor = cursorAt(undefined);
    expect(await drain(walkFeed({ steps, cursor, maxNotes: 10, recordsOf }), cursor)).toEqual(["a", "shared", "b"]);
  });
});

describe("ProfileAhead", () => {
  it("reads the profile once on a fresh start and puts it ahead of the first page's posts", async () => {
    let reads = 0;
    const creator: MediaRecord = { item_type: "creator", id: "me", fields: {} };
    const post = (id: string): MediaRecord => ({ item_type: "content", id, fields: {} });
    const profile = new ProfileAhead(cursorAt(undefined), async () => {
      reads++;
      return creator;
    });
    await profile.read();
    await profile.read();
    expect(reads).toBe(1);
    expect(profile.ahead([post("a")]).map((record) => record.id)).toEqual(["me", "a"]);
    expect(profile.ahead([post("b")]).map((record) => record.id)).toEqual(["b"]);
    const resumed = new ProfileAhead(cursorAt(2), async () => {
      reads++;
      return creator;
    });
    await resumed.read();
    expect(reads).toBe(1);
  });
});

describe("postOnce", () => {
  const comments = async function* (post: MediaRecord): AsyncGenerator<MediaRecord> {
    yield { item_type: "comment", id: `${post.id}/c`, fields: {} };
  };

  it("yields the post, its comments when wanted, and marks the input done", async () => {
    const cursor = cursorAt(undefined);
    const read = async (): Promise<MediaRecord> => ({ item_type: "content", id: "p", fields: {} });
    expect(await drain(postOnce(cursor, read, comments), cursor)).toEqual(["p", "p/c"]);
    expect(cursor.advanced).toEqual([FEED_DONE]);
    const plain = cursorAt(undefined);
    expect(await drain(postOnce(plain, read, undefined), plain)).toEqual(["p"]);
  });

  it("reads no comments of a post that could not be read, and nothing of an input already done", async () => {
    const gone = async (): Promise<MediaRecord> => ({
      item_type: "content",
      id: "p",
      fields: {},
      error: { code: "POST_UNAVAILABLE", message: "gone" },
    });
    const cursor = cursorAt(undefined);
    expect(await drain(postOnce(cursor, gone, comments), cursor)).toEqual(["p"]);
    const done = cursorAt(FEED_DONE);
    expect(await drain(postOnce(done, gone, comments), done)).toEqual([]);
  });
});

const params = (max: number) => ({ max_notes_count: max }) as MediaTaskParams;

/** Pages 1…n of `table`, each a list of post ids; logs every load. */
function site(table: string[][]) {
  const loads: number[] = [];
  return {
    loads,
    list: {
      load: async (page: number) => {
        loads.push(page);
        return table[page - 1];
      },
      entries: (ids: string[]) => ids,
      async *records(id: string) {
        yield { item_type: "content" as const, id, fields: {} };
        yield { item_type: "comment" as const, id: `${id}/c`, fields: {} };
      },
      next: (_ids: string[], page: number) => (page < table.length ? page + 1 : undefined),
    },
  };
}

describe("walkPages", () => {
  it("reads page after page, each post with its records, and loads no page once the cap is reached", async () => {
    const { loads, list } = site([["a", "b"], ["c", "d"], ["e"]]);
    const cursor = cursorAt(undefined);
    const ids = await drain(walkPages({ ...list, cursor, params: params(3), start: 1 }), cursor);
    expect(ids).toEqual(["a", "a/c", "b", "b/c", "c", "c/c"]);
    expect(loads).toEqual([1, 2]);
    expect(cursor.advanced).toEqual([2]);
  });

  it("starts at the given page, and ends where the site says the list ends", async () => {
    const { loads, list } = site([["a"], ["b"], ["c"]]);
    const cursor = cursorAt(2);
    expect(await drain(walkPages({ ...list, cursor, params: params(10), start: 2 }), cursor)).toEqual([
      "b",
      "b/c",
      "c",
      "c/c",
    ]);
    expect(loads).toEqual([2, 3]);
    expect(cursor.advanced).toEqual([3]);
    const ended = site([["a"], []]);
    const loadEnds = { ...ended.list, load: async (page: number) => (page === 1 ? ["a"] : undefined) };
    const fresh = cursorAt(undefined);
    expect(await drain(walkPages({ ...loadEnds, cursor: fresh, params: params(10), start: 1 }), fresh)).toEqual([
      "a",
      "a/c",
    ]);
  });

  it("passes over a post seen on an earlier page, or one without a key", async () => {
    const { list } = site([
      ["a", ""],
      ["a", "b"],
    ]);
    const cursor = cursorAt(undefined);
    const key = (id: string) => (id === "" ? undefined : id);
    expect(await drain(walkPages({ ...list, key, cursor, params: params(10), start: 1 }), cursor)).toEqual([
      "a",
      "a/c",
      "b",
      "b/c",
    ]);
  });
});
