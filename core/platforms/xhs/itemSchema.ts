import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of xhs records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const XHS_ITEM_FIELDS = {
  content: {
    note_id: itemField.id(),
    type: itemField.text(),
    title: z.string(),
    desc: itemField.text(),
    video_url: itemField.text(),
    time: itemField.time(),
    last_update_time: itemField.time(),
    liked_count: itemField.count(),
    collected_count: itemField.count(),
    comment_count: itemField.count(),
    share_count: itemField.count(),
    image_list: itemField.list(),
    tag_list: itemField.list(),
    note_url: z.string(),
    source_keyword: itemField.text(),
    xsec_token: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    create_time: itemField.time(),
    note_id: z.string(),
    content: z.string(),
    sub_comment_count: itemField.count(),
    pictures: itemField.list(),
    parent_comment_id: itemField.text(),
    like_count: itemField.count(),
  },
  creator: {
    desc: itemField.text(),
    gender: itemField.code(),
    follows: itemField.count(),
    fans: itemField.count(),
    interaction: itemField.count(),
    tag_list: itemField.list(),
  },
} satisfies MediaItemFields;

export type XhsContentFields = FieldsOf<typeof XHS_ITEM_FIELDS.content>;
export type XhsCommentFields = FieldsOf<typeof XHS_ITEM_FIELDS.comment>;
export type XhsCreatorFields = FieldsOf<typeof XHS_ITEM_FIELDS.creator>;
