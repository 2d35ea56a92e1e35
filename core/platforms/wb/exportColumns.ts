import type { MediaExportFields } from "../media/exportColumns.js";
import { WB_COMMENT_FIELDS, WB_CONTENT_FIELDS, WB_CREATOR_FIELDS } from "./items.js";

/** The fields of 微博 records: the lists its mappers are typed against (items.ts). */
export const WB_EXPORT_FIELDS: MediaExportFields = {
  content: WB_CONTENT_FIELDS,
  comment: WB_COMMENT_FIELDS,
  creator: WB_CREATOR_FIELDS,
};
