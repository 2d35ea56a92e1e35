import type { MediaExportFields } from "../media/exportColumns.js";
import { TIEBA_COMMENT_FIELDS, TIEBA_CONTENT_FIELDS } from "./items.js";

/** The fields of tieba records (items.ts). Creator mode lists a creator's threads; it stores no profile record. */
export const TIEBA_EXPORT_FIELDS: MediaExportFields = {
  content: TIEBA_CONTENT_FIELDS,
  comment: TIEBA_COMMENT_FIELDS,
  creator: [],
};
