import type { MediaExportFields } from "../media/exportColumns.js";
import { ZHIHU_COMMENT_FIELDS, ZHIHU_CONTENT_FIELDS, ZHIHU_CREATOR_FIELDS } from "./items.js";

/** The fields of zhihu records (items.ts). */
export const ZHIHU_EXPORT_FIELDS: MediaExportFields = {
  content: ZHIHU_CONTENT_FIELDS,
  comment: ZHIHU_COMMENT_FIELDS,
  creator: ZHIHU_CREATOR_FIELDS,
};
