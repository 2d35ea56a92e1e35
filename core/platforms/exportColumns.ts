import { BILI_EXPORT_FIELDS } from "./bili/exportColumns.js";
import { DY_EXPORT_FIELDS } from "./dy/exportColumns.js";
import { KS_EXPORT_FIELDS } from "./ks/exportColumns.js";
import { mediaExportColumns } from "./media/exportColumns.js";
import { TIEBA_EXPORT_FIELDS } from "./tieba/exportColumns.js";
import type { PlatformName } from "./types.js";
import { WB_EXPORT_FIELDS } from "./wb/exportColumns.js";
import { webExportColumns } from "./web/exportColumns.js";
import { XHS_EXPORT_FIELDS } from "./xhs/exportColumns.js";
import { ZHIHU_EXPORT_FIELDS } from "./zhihu/exportColumns.js";

/** What a task's columns depend on. */
export interface ExportTask {
  platform: PlatformName;
  crawler_type: string;
  params: Record<string, unknown>;
}

/**
 * Each platform's export columns (browser-free, for the API bundle). A Record, not a Map:
 * a platform added to PLATFORM_NAMES without its columns does not compile.
 */
const columnsOf: Record<PlatformName, (task: ExportTask) => string[]> = {
  web: (task) => webExportColumns(task.params),
  xhs: (task) => mediaExportColumns(XHS_EXPORT_FIELDS, task),
  dy: (task) => mediaExportColumns(DY_EXPORT_FIELDS, task),
  ks: (task) => mediaExportColumns(KS_EXPORT_FIELDS, task),
  bili: (task) => mediaExportColumns(BILI_EXPORT_FIELDS, task),
  wb: (task) => mediaExportColumns(WB_EXPORT_FIELDS, task),
  tieba: (task) => mediaExportColumns(TIEBA_EXPORT_FIELDS, task),
  zhihu: (task) => mediaExportColumns(ZHIHU_EXPORT_FIELDS, task),
};

/** The dot-path columns a task's items have, in CSV order (the item keys excluded). */
export function platformExportColumns(task: ExportTask): string[] {
  return columnsOf[task.platform]?.(task) ?? [];
}
