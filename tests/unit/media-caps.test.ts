import { describe, expect, it } from "vitest";
import {
  commentCaps,
  commentSwitchedOn,
  commentsIfWanted,
  notesFull,
  wantsComments,
} from "../../core/platforms/media/caps.js";
import { commentsAndReplies } from "../../core/platforms/media/commentPane.js";
import type { MediaRecord, MediaTaskParams } from "../../core/platforms/media/types.js";

function params(overrides: Partial<MediaTaskParams> = {}): MediaTaskParams {
  return {
    crawler_type: "search",
    keywords: ["k"],
    specified_ids: [],
    creator_ids: [],
    start_page: 1,
    enable_comments: true,
    enable_sub_comments: false,
    max_notes_count: 2,
    max_comments_count: 3,
    keep_user_info: false,
    ...overrides,
  };
}

const comment = (id: string, parentId?: string): MediaRecord => ({
  item_type: "comment",
  id,
  fields: {},
  ...(parentId ? { parentId } : {}),
});

describe("caps and switches", () => {
  it("reads comments only when switched on and at least one may be stored", () => {
    expect(wantsComments(params())).toBe(true);
    expect(wantsComments(params({ enable_comments: false }))).toBe(false);
    expect(wantsComments(params({ max_comments_count: 0 }))).toBe(false);
    const read = async function* () {};
    expect(commentsIfWanted(params(), read)).toBe(read);
    expect(commentsIfWanted(params({ max_comments_count: 0 }), read)).toBeUndefined();
  });

  it("gives one post's comment caps", () => {
    expect(commentCaps(params({ enable_sub_comments: true }))).toEqual({ maxComments: 3, withReplies: true });
  });

  it("says when an input has all its posts", () => {
    expect(notesFull({ notesDone: 1 }, params())).toBe(false);
    expect(notesFull({ notesDone: 2 }, params())).toBe(true);
  });

  it("stores replies only with sub-comments, and no comment with comments off", () => {
    expect(commentSwitchedOn(params(), comment("c"))).toBe(true);
    expect(commentSwitchedOn(params(), comment("r", "c"))).toBe(false);
    expect(commentSwitchedOn(params({ enable_sub_comments: true }), comment("r", "c"))).toBe(true);
    expect(commentSwitchedOn(params({ enable_comments: false }), comment("c"))).toBe(false);
  });
});

describe("commentsAndReplies", () => {
  /** Top-level comments c0…c{n-1} in pages of two, each page logged when pulled; each has `replies` replies. */
  function tree(n: number, replies: number) {
    const log: string[] = [];
    async function* roots() {
      for (let page = 0; page * 2 < n; page++) {
        log.push(`page ${page}`);
        for (let i = page * 2; i < Math.min(n, page * 2 + 2); i++) yield `c${i}`;
      }
    }
    return {
      log,
      tree: {
        roots: roots(),
        record: (root: string) => (root === "c1" ? undefined : comment(root)),
        hasReplies: () => replies > 0,
        async *replies(root: string, record: MediaRecord, budget: number) {
          log.push(`replies of ${record.id} (${budget} wanted)`);
          for (let i = 0; i < Math.min(replies, budget); i++) yield comment(`${root}-r${i}`, record.id);
        },
      },
    };
  }

  const ids = async (records: AsyncIterable<MediaRecord>) => {
    const out: string[] = [];
    for await (const record of records) out.push(record.id);
    return out;
  };

  it("follows each comment with its replies and pulls no page beyond the cap", async () => {
    const { log, tree: t } = tree(8, 2);
    expect(await ids(commentsAndReplies(t, { maxComments: 5, withReplies: true }))).toEqual([
      "c0",
      "c0-r0",
      "c0-r1",
      "c2",
      "c2-r0",
    ]);
    // c1 has no record (skipped, not counted); the third page is never asked for.
    expect(log).toEqual(["page 0", "replies of c0 (4 wanted)", "page 1", "replies of c2 (1 wanted)"]);
  });

  it("reads no reply without withReplies, and nothing with a cap of 0", async () => {
    const { log, tree: t } = tree(4, 2);
    expect(await ids(commentsAndReplies(t, { maxComments: 10, withReplies: false }))).toEqual(["c0", "c2", "c3"]);
    expect(log).toEqual(["page 0", "page 1"]);
    const none = tree(4, 2);
    expect(await ids(commentsAndReplies(none.tree, { maxComments: 0, withReplies: true }))).toEqual([]);
    expect(none.log).toEqual([]);
  });
});
