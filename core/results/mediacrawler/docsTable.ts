/**
 * The mapping tables of docs/exports.md ("MediaCrawler layout"), made from the layouts
 * themselves: tests/unit/mediacrawler-layout.test.ts fails when the docs' copy differs, and
 * `npx tsx scripts/mediacrawler-docs.ts` rewrites it.
 */
import type { McColumn } from "./columns.js";
import { MC_LAYOUTS } from "./index.js";
import { MC_ITEM_TYPES, OUR_ITEM_TYPE } from "./layout.js";

/** Where the generated part of docs/exports.md starts and ends. */
export const DOCS_TABLE_START =
  "<!-- mediacrawler-mapping:start (generated from core/results/mediacrawler; do not edit) -->";
export const DOCS_TABLE_END = "<!-- mediacrawler-mapping:end -->";

const IDENTITY_TEXT = {
  creator_hash: "`creator_hash`; with keep_user_info MC's own hash of the user id",
  masked_nickname: "`creator_nickname`; with keep_user_info MC's mask of `nickname`",
  user_id: "`user_id` (keep_user_info only)",
  nickname: "`nickname` (keep_user_info only)",
  avatar: "`avatar` (keep_user_info only)",
  ip_location: "`ip_location` (keep_user_info only)",
} as const;

function ours(column: McColumn): string {
  const { source } = column;
  switch (source.kind) {
    case "field":
      return `\`${source.field}\``;
    case "identity":
      return IDENTITY_TEXT[source.identity];
    case "crawled_at":
      return "`crawled_at`";
    case "constant":
      return `always ${JSON.stringify(source.value)}`;
    case "missing":
      return `— (empty: ${source.why})`;
  }
}

const escaped = (text: string) => text.replaceAll("|", "\\|");

/** The Markdown of every platform's mapping, one table per platform. */
export function mediaCrawlerDocsTables(): string {
  const sections = Object.values(MC_LAYOUTS).map((layout) => {
    const rows = MC_ITEM_TYPES.flatMap((itemType) =>
      layout[itemType].columns.map(
        (column) => `| ${itemType} | \`${column.name}\` | ${escaped(ours(column))} | ${escaped(column.format.name)} |`,
      ),
    );
    const sources = MC_ITEM_TYPES.map(
      (itemType) => `${itemType} (our \`${OUR_ITEM_TYPE[itemType]}\`): ${layout[itemType].source}`,
    ).join("; ");
    return [
      `#### ${layout.platform}`,
      "",
      `MediaCrawler code: ${sources}.`,
      "",
      "| file | MC column | ours | value as MC writes it |",
      "| --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  });
  return [DOCS_TABLE_START, "", sections.join("\n\n"), "", DOCS_TABLE_END].join("\n");
}
