/**
 * since_last_run's pure parts: what counts as changed (core/crawl/sinceLastRun.ts) and which
 * listings stop early (core/platforms/media/newestFirst.ts) against each platform's sorts.
 */
import { describe, expect, it } from "vitest";
import { contentHash } from "../../core/crawl/sinceLastRun.js";
import {
  CREATOR_SEEN_IN_A_ROW_TO_STOP,
  NEWEST_FIRST_SEARCH_SORTS,
  seenInARowToStop,
} from "../../core/platforms/media/newestFirst.js";
import type { MediaTaskParams } from "../../core/platforms/media/types.js";
import { BILI_SORTS } from "../../core/platforms/bili/schema.js";
import { DY_SORTS } from "../../core/platforms/dy/schema.js";
import { TIEBA_SORTS } from "../../core/platforms/tieba/schema.js";
import { WB_SORTS } from "../../core/platforms/wb/schema.js";
import { XHS_SORTS } from "../../core/platforms/xhs/schema.js";
import { ZHIHU_SORTS } from "../../core/platforms/zhihu/schema.js";

const POST = {
  item_type: "content",
  platform: "xhs",
  note_id: "6650a1b2c3d4e5f6a7b8c9d0",
  title: "coffee",
  desc: "a cup",
  tag_list: "咖啡",
  liked_count: "10",
  comment_count: "2",
  crawled_at: "2026-12-05T08:00:00.000Z",
  last_modify_ts: 1,
};

describe("contentHash", () => {
  it("leaves out crawl times and counters: a post that only gained likes is unchanged", () => {
    expect(
      contentHash({
        ...POST,
        liked_count: "11",
        comment_count: "3",
        crawled_at: "2026-12-06T08:00:00.000Z",
        last_modify_ts: 2,
      }),
    ).toBe(contentHash(POST));
  });

  it("changes with the content, whatever the key order", () => {
    expect(contentHash({ ...POST, desc: "two cups" })).not.toBe(contentHash(POST));
    expect(contentHash(Object.fromEntries(Object.entries(POST).reverse()))).toBe(contentHash(POST));
  });
});

describe("which listings stop early", () => {
  const params = (fields: Partial<MediaTaskParams>) =>
    ({ crawler_type: "search", keywords: ["coffee"], ...fields }) as MediaTaskParams;

  it("names a sort each platform's schema has", () => {
    const sorts: Record<string, readonly string[]> = {
      xhs: XHS_SORTS,
      dy: DY_SORTS,
      bili: BILI_SORTS,
      wb: WB_SORTS,
      tieba: TIEBA_SORTS,
      zhihu: ZHIHU_SORTS,
    };
    for (const [platform, sort] of Object.entries(NEWEST_FIRST_SEARCH_SORTS)) expect(sorts[platform]).toContain(sort);
  });

  it("search in a time sort: the first unchanged post; another sort or none: never; creators: after the pinned posts", () => {
    expect(seenInARowToStop("dy", params({ sort: "latest" }), 0)).toBe(1);
    expect(seenInARowToStop("dy", params({ sort: "general" }), 0)).toBeUndefined();
    expect(seenInARowToStop("xhs", params({}), 0)).toBeUndefined();
    expect(seenInARowToStop("ks", params({ sort: "general" }), 0)).toBeUndefined();
    // tieba: newest first by default; its forum inputs (after the keywords) never.
    expect(seenInARowToStop("tieba", params({}), 0)).toBe(1);
    expect(seenInARowToStop("tieba", params({}), 1)).toBeUndefined();
    expect(seenInARowToStop("xhs", params({ crawler_type: "creator" }), 0)).toBe(CREATOR_SEEN_IN_A_ROW_TO_STOP);
    expect(seenInARowToStop("xhs", params({ crawler_type: "detail" }), 0)).toBeUndefined();
  });
});
