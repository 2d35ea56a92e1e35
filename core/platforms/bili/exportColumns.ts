import type { MediaExportFields } from "../media/exportColumns.js";
import { BILI_COMMENT_FIELDS, BILI_CONTENT_FIELDS, BILI_CREATOR_FIELDS } from "./items.js";

/** The fields of B站 records: the lists its mappers are typed against (items.ts). */
export const BILI_EXPORT_FIELDS: MediaExportFields = {
  content: BILI_CONTENT_FIELDS,
  comment: BILI_COMMENT_FIELDS,
  creator: BILI_CREATOR_FIELDS,
};
