import { describe, expect, it } from "vitest";
import { walkPages } from "../../core/platforms/media/pagedList.js";
import type { MediaCursor, MediaRecord, MediaTaskParams } from "../../core/platforms/media/types.js";

/**
 * walkPages (core/platforms/media/pagedList.ts): the paging of lists whose pages are
 * asked for by number or token. The "site" is a table of pages; under test are the loads,
 * the cap, the cursor and de-duplication.
 */

function cursorAt(page: string | number | undefined): MediaCursor & { advanced: Array<string | number | undefined> } {
  const cursor = {
    inputIndex: 0,
    page,
    notesDone: 0,
    advanced: [] as Array<string | number | undefined>,
    advance(next: string | number | undefined) {
      cursor.page = next;
      cursor.advanced.push(next);
    },
  };
  return cursor;
}

const params = (max: number) => ({ max_notes_count: max }) as MediaTaskParams;

/** Drains the walk as the framework does: counting content records into the cursor. */
async function drain(source: AsyncIterable<MediaRecord>, cursor: { notesDone: number }): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of source) {
    ids.push(record.id);
    if (record.item_type === "content") cursor.notesDone++;
  }
  return ids;
}

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
