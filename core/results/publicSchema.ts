import * as z from "zod";
import type { StoredResult } from "./store.js";

/**
 * A stored result as the API returns it: the platform's item fields (see docs/web-crawling.md
 * and docs/platforms/; they differ per platform and item type) plus its keys.
 */
export const publicResultSchema = z
  .looseObject({
    task_id: z.string(),
    item_key: z.string().meta({
      description: "Stable key: crawling the same thing again overwrites the item",
      examples: ["page:http://127.0.0.1:8000/"],
    }),
    ok: z.boolean().meta({ description: "false when the item records a failure (a page that could not be crawled)" }),
  })
  .meta({ description: "One result item; its other fields depend on the platform and item type" });

const _outputFitsResult: StoredResult = {} as z.output<typeof publicResultSchema>;
void _outputFitsResult;
