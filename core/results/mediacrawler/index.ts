/**
 * The MediaCrawler (MC) export layout: our stored media items written as MC's files
 * (contents / comments / creators), with MC's column names, order and value formats, for
 * scripts and notebooks built on MC's output. One table per platform, in this folder,
 * registered here once.
 */
import { ValidationError } from "../../errors.js";
import type { Row } from "../format.js";
import { BILI_MC_LAYOUT } from "./bili.js";
import { identityValue, type McColumn } from "./columns.js";
import { DY_MC_LAYOUT } from "./dy.js";
import { KS_MC_LAYOUT } from "./ks.js";
import { MC_ITEM_TYPES, type McItemType, type McPlatformLayout, OUR_ITEM_TYPE } from "./layout.js";
import { TIEBA_MC_LAYOUT } from "./tieba.js";
import { WB_MC_LAYOUT } from "./wb.js";
import { XHS_MC_LAYOUT } from "./xhs.js";
import { ZHIHU_MC_LAYOUT } from "./zhihu.js";

export { MC_ITEM_TYPES, mcFileName, OUR_ITEM_TYPE, type McItemType, type McPlatformLayout } from "./layout.js";
export { mcJsonArray, mcJsonArrayEnd, mcJsonArrayEntry, mcJsonLine } from "./pythonJson.js";
export type { McColumn, McSource } from "./columns.js";

/** Every media platform's MC layout; the Record type makes a platform without one a compile error. */
export const MC_LAYOUTS = {
  xhs: XHS_MC_LAYOUT,
  dy: DY_MC_LAYOUT,
  ks: KS_MC_LAYOUT,
  bili: BILI_MC_LAYOUT,
  wb: WB_MC_LAYOUT,
  tieba: TIEBA_MC_LAYOUT,
  zhihu: ZHIHU_MC_LAYOUT,
} as const satisfies Record<McPlatformLayout["platform"], McPlatformLayout>;

/** The platform's MC layout, or a 400 naming `layout` (MC has no web crawl, so `web` has none). */
export function mcLayoutOf(platform: string): McPlatformLayout {
  const layout = (MC_LAYOUTS as Record<string, McPlatformLayout>)[platform];
  if (layout === undefined) {
    throw new ValidationError(
      `layout: "mediacrawler" is only for the media platforms (${Object.keys(MC_LAYOUTS).join(", ")}); MediaCrawler has no ${platform} crawl`,
      "layout",
    );
  }
  return layout;
}

/** The CSV columns of one MC file, in MC's order. */
export function mcColumns(layout: McPlatformLayout, itemType: McItemType): string[] {
  return layout[itemType].columns.map((column) => column.name);
}

function cell(layout: McPlatformLayout, column: McColumn, row: Row): unknown {
  const { source } = column;
  switch (source.kind) {
    case "field":
      return column.format.apply(row[source.field], row);
    case "identity":
      return identityValue(row, source.identity, layout.hashSource);
    case "constant":
      return source.value;
    default:
      return column.format.apply(undefined, row);
  }
}

/**
 * A stored item as MC's record of `itemType`, or undefined when MC's file would not hold it:
 * another kind of item, a probe report, or a post that could not be crawled (`ok: false`;
 * MC writes nothing for those).
 */
export function toMcRow(layout: McPlatformLayout, itemType: McItemType, stored: Row): Row | undefined {
  if (stored.item_type !== OUR_ITEM_TYPE[itemType] || stored.ok === false || stored.error) return undefined;
  return Object.fromEntries(layout[itemType].columns.map((column) => [column.name, cell(layout, column, stored)]));
}

export function isMcItemType(value: unknown): value is McItemType {
  return typeof value === "string" && (MC_ITEM_TYPES as readonly string[]).includes(value);
}
