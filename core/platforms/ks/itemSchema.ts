import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of ks records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const KS_ITEM_FIELDS = {
  content: {
    video_id: itemField.id(),
    video_type: itemField.text(),
    title: z.string(),
    desc: z.string(),
    create_time: itemField.time(),
    liked_count: itemField.count(),
    viewd_count: itemField.count(),
    comment_count: itemField.count(),
    video_url: z.string(),
    video_cover_url: itemField.text(),
    video_play_url: itemField.text(),
    source_keyword: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    video_id: z.string(),
    content: z.string(),
    create_time: itemField.time(),
    sub_comment_count: itemField.count(),
    parent_comment_id: itemField.text(),
  },
  creator: {
    follows: itemField.count(),
    fans: itemField.count(),
    videos_count: itemField.count(),
  },
} satisfies MediaItemFields;

export type KsContentFields = FieldsOf<typeof KS_ITEM_FIELDS.content>;
export type KsCommentFields = FieldsOf<typeof KS_ITEM_FIELDS.comment>;
export type KsCreatorFields = FieldsOf<typeof KS_ITEM_FIELDS.creator>;
