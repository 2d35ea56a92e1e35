import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of dy records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const DY_ITEM_FIELDS = {
  content: {
    aweme_id: itemField.id(),
    aweme_type: itemField.text(),
    title: z.string(),
    desc: z.string(),
    create_time: itemField.time(),
    liked_count: itemField.count(),
    collected_count: itemField.count(),
    comment_count: itemField.count(),
    share_count: itemField.count(),
    aweme_url: z.string(),
    cover_url: itemField.text(),
    video_download_url: itemField.text(),
    music_download_url: itemField.text(),
    note_download_url: itemField.list(),
    source_keyword: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    aweme_id: z.string(),
    content: z.string(),
    create_time: itemField.time(),
    like_count: itemField.count(),
    sub_comment_count: itemField.count(),
    parent_comment_id: itemField.text(),
    pictures: itemField.list(),
  },
  creator: {
    follows: itemField.count(),
    fans: itemField.count(),
    interaction: itemField.count(),
    videos_count: itemField.count(),
  },
} satisfies MediaItemFields;

export type DyContentFields = FieldsOf<typeof DY_ITEM_FIELDS.content>;
export type DyCommentFields = FieldsOf<typeof DY_ITEM_FIELDS.comment>;
export type DyCreatorFields = FieldsOf<typeof DY_ITEM_FIELDS.creator>;
