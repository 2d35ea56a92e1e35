import { describe, expect, it } from "vitest";
import { threadComments, type CommentThread, type ThreadCursor } from "../../core/platforms/media/commentPane.js";
import type { MediaRecord, MediaSession } from "../../core/platforms/media/types.js";

/**
 * The comment reader dy and ks share (core/platforms/media/commentPane.ts): pages of
 * top-level comments by cursor, each comment followed by all its reply pages, within the
 * budget. The "API" here is a table; what is under test is the paging.
 */

interface Comment {
  id: string;
  replies: number;
}

/** `total` comments, `pageSize` per page; comment i has `repliesOf(i)` replies, `replyPageSize` per page. */
function fakeThread(total: number, pageSize: number, repliesOf: (i: number) => number, replyPageSize: number) {
  const calls: string[] = [];
  const comments: Comment[] = Array.from({ length: total }, (_, i) => ({ id: `c${i}`, replies: repliesOf(i) }));
  const thread: CommentThread<Comment> = {
    comments: async (cursor?: ThreadCursor) => {
      const start = Number(cursor ?? 0);
      calls.push(`comments@${start}`);
      const end = Math.min(start + pageSize, total);
      return { items: comments.slice(start, end), next: end < total ? end : undefined };
    },
    replies: async (parentId, parent, cursor?: ThreadCursor) => {
      const start = Number(cursor ?? 0);
      calls.push(`replies ${parentId}@${start}`);
      const end = Math.min(start + replyPageSize, parent.replies);
      const items = Array.from({ length: end - start }, (_, r) => ({ id: `${parentId}-r${start + r}`, replies: 0 }));
      return { items, next: end < parent.replies ? end : undefined };
    },
    hasReplies: (comment) => comment.replies > 0,
    record: (comment, parentId): MediaRecord => ({
      item_type: "comment",
      id: comment.id,
      fields: {},
      ...(parentId ? { parentId } : {}),
    }),
    logFields: {},
  };
  return { thread, calls };
}

const logs: string[] = [];
const session = { log: (message: string) => logs.push(message) } as unknown as MediaSession;

async function ids(source: AsyncIterable<MediaRecord>): Promise<string[]> {
  const out: string[] = [];
  for await (const record of source) out.push(record.parentId ? `${record.parentId}>${record.id}` : record.id);
  return out;
}

describe("threadComments", () => {
  it("reads every reply page of a comment, then the next comments, within the budget", async () => {
    const { thread, calls } = fakeThread(5, 2, (i) => (i === 0 ? 5 : 0), 2);
    expect(await ids(threadComments(session, thread, { maxComments: 8, withReplies: true }))).toEqual([
      "c0",
      "c0>c0-r0",
      "c0>c0-r1",
      "c0>c0-r2",
      "c0>c0-r3",
      "c0>c0-r4",
      "c1",
      "c2",
    ]);
    expect(calls).toEqual(["comments@0", "replies c0@0", "replies c0@2", "replies c0@4", "comments@2"]);
  });

  it("asks for no reply without withReplies, and no page beyond the budget", async () => {
    const { thread, calls } = fakeThread(10, 3, () => 4, 2);
    expect(await ids(threadComments(session, thread, { maxComments: 4, withReplies: false }))).toEqual([
      "c0",
      "c1",
      "c2",
      "c3",
    ]);
    expect(calls).toEqual(["comments@0", "comments@3"]);
  });

  it("stops a list whose cursor does not move, or whose page is empty", async () => {
    const stuck: CommentThread<Comment> = {
      comments: async () => ({ items: [{ id: "same", replies: 0 }], next: 0 }),
      replies: async () => ({ items: [], next: 1 }),
      hasReplies: () => false,
      record: (comment) => ({ item_type: "comment", id: comment.id, fields: {} }),
      logFields: {},
    };
    // First page at cursor undefined says "next: 0"; the page at 0 says "next: 0" again.
    expect(await ids(threadComments(session, stuck, { maxComments: 10, withReplies: true }))).toEqual(["same"]);
    expect(logs).toContain("the comments cursor did not move; stopping that list");
    const { thread } = fakeThread(3, 3, () => 1, 1);
    const empty: CommentThread<Comment> = { ...thread, replies: async () => ({ items: [], next: 5 }) };
    expect(await ids(threadComments(session, empty, { maxComments: 10, withReplies: true }))).toEqual([
      "c0",
      "c1",
      "c2",
    ]);
  });
});
