import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of wb records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const WB_ITEM_FIELDS = {
  content: {
    note_id: itemField.id(),
    content: z.string(),
    create_time: itemField.time(),
    create_date_time: itemField.text(),
    liked_count: itemField.count(),
    comments_count: itemField.count(),
    shared_count: itemField.count(),
    note_url: z.string(),
    is_long_text: z.boolean(),
    source_keyword: itemField.text(),
    /** The post's picture URLs (mblog.pics, see shapes.ts); [] when it has none. */
    image_list: itemField.list(),
  },
  comment: {
    comment_id: itemField.id(),
    note_id: z.string(),
    content: z.string(),
    create_time: itemField.time(),
    create_date_time: itemField.text(),
    comment_like_count: itemField.count(),
    sub_comment_count: itemField.count(),
    parent_comment_id: itemField.text(),
  },
  creator: {
    desc: itemField.text(),
    gender: itemField.text(),
    follows: itemField.count(),
    fans: itemField.count(),
    statuses_count: itemField.count(),
  },
} satisfies MediaItemFields;

export type WbContentFields = FieldsOf<typeof WB_ITEM_FIELDS.content>;
export type WbCommentFields = FieldsOf<typeof WB_ITEM_FIELDS.comment>;
export type WbCreatorFields = FieldsOf<typeof WB_ITEM_FIELDS.creator>;
