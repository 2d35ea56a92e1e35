import * as z from "zod";
import { listOf, mediaInputRules, mediaTaskShape, searchOnly } from "../media/schema.js";
import { parseCreatorRef, parseThreadId } from "./ids.js";

/**
 * Search orders of tieba's search (`st` of /mo/q/search/multsearch, values as public
 * clients such as MediaCrawler send them): newest first (the site's default), oldest
 * first, or by relevance. There is no popularity order.
 */
export const TIEBA_SORTS = ["time_descending", "time_ascending", "relevance"] as const;
export type TiebaSort = (typeof TIEBA_SORTS)[number];

/** `st` for each sort. */
export const TIEBA_SORT_PARAM: Record<TiebaSort, string> = {
  time_descending: "1",
  time_ascending: "0",
  relevance: "2",
};

/**
 * A tieba task:
 * - `search`: `keywords` → threads from tieba's search, in `sort` order (default newest first).
 * - `detail`: `specified_ids` are thread ids or thread URLs (`https://tieba.baidu.com/p/<id>`).
 * - `creator`: `creator_ids` are user names, portraits (`tb.1.…`) or profile URLs
 *   (`/home/main?id=…` / `?un=…`).
 *
 * - `search` with `tieba_names`: each forum's (吧) newest threads, after the keywords'.
 *
 * Comments are the thread's floors (楼层); `enable_sub_comments` adds every reply inside
 * a floor (楼中楼).
 */
export const tiebaTaskInput = z
  .strictObject({
    ...mediaTaskShape("tieba", TIEBA_SORTS),
    tieba_names: listOf(z.string().min(1).max(50, { error: "each forum name must be at most 50 characters" }), 20)
      .default([])
      .meta({
        description:
          'search: forums (吧) whose newest threads to read, by name ("显卡" or "显卡吧"), as MediaCrawler\'s TIEBA_NAME_LIST; with keywords, or instead of them. max_notes_count applies per forum',
      }),
  })
  .superRefine(searchOnly(["tieba_names"], (task) => task.tieba_names.length > 0))
  .superRefine(
    mediaInputRules({
      searchAlso: ["tieba_names"],
      specified_ids: {
        accepts: (value) => parseThreadId(value) !== undefined,
        message: "must be a thread id (digits) or a thread URL like https://tieba.baidu.com/p/123",
      },
      creator_ids: {
        accepts: (value) => parseCreatorRef(value) !== undefined,
        message:
          "must be a user name, a portrait (tb.1.…) or a profile URL like https://tieba.baidu.com/home/main?id=…",
      },
    }),
  );

export type TiebaTaskInput = z.output<typeof tiebaTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type TiebaTaskParams = Omit<TiebaTaskInput, "platform">;
