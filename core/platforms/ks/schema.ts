import * as z from "zod";
import { mediaInputRules, mediaTaskShape } from "../media/schema.js";
import { parseKsPhotoId, parseKsUserId } from "./ids.js";

/**
 * 快手 search orders. The web search (www.kuaishou.com/search/video?searchKey=…, whose app
 * asks /rest/v/search/feed `{keyword, pcursor, page, searchSessionId}`, MC
 * kuaishou/client.py:172-189; formerly GraphQL `visionSearchPhoto` with the same
 * variables) takes no sort or filter: results come in the site's one 综合 order. So `sort`
 * accepts only `general`, and any other value is a 400 that says so instead of being ignored.
 */
export const KS_SORTS = ["general"] as const;
export type KsSort = (typeof KS_SORTS)[number];

/**
 * A 快手 task. `specified_ids` take photo ids or /short-video/ URLs, `creator_ids` take user
 * ids or /profile/ URLs (see ids.ts); each is checked here so a typo is a 400, not a
 * failed crawl.
 */
export const ksTaskInput = z.strictObject(mediaTaskShape("ks", KS_SORTS)).superRefine(
  mediaInputRules({
    specified_ids: {
      accepts: (value) => parseKsPhotoId(value) !== undefined,
      message:
        "must be a photo id or a www.kuaishou.com/short-video/… URL (v.kuaishou.com share links are not resolved)",
    },
    creator_ids: {
      accepts: (value) => parseKsUserId(value) !== undefined,
      message: "must be a user id or a www.kuaishou.com/profile/<userId> URL",
    },
  }),
);

export type KsTaskInput = z.output<typeof ksTaskInput>;
/** What the crawler gets: the body without `platform`. */
export type KsTaskParams = Omit<KsTaskInput, "platform">;
