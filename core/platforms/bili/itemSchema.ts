import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of bili records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const BILI_ITEM_FIELDS = {
  content: {
    video_id: itemField.id(),
    bvid: z.string(),
    video_type: z.string(),
    title: z.string(),
    desc: z.string(),
    create_time: itemField.time(),
    duration: itemField.count(),
    liked_count: itemField.count(),
    disliked_count: itemField.count(),
    video_play_count: itemField.count(),
    video_danmaku: itemField.count(),
    video_comment: itemField.count(),
    video_favorite_count: itemField.count(),
    video_coin_count: itemField.count(),
    video_share_count: itemField.count(),
    video_url: z.string(),
    video_cover_url: itemField.text(),
    source_keyword: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    video_id: z.string(),
    content: z.string(),
    create_time: itemField.time(),
    sub_comment_count: itemField.count(),
    parent_comment_id: itemField.text(),
    root_comment_id: itemField.text(),
    like_count: itemField.count(),
  },
  creator: {
    sign: itemField.text(),
    gender: itemField.text(),
    total_fans: itemField.count(),
    total_liked: itemField.count(),
  },
} satisfies MediaItemFields;

export type BiliContentFields = FieldsOf<typeof BILI_ITEM_FIELDS.content>;
export type BiliCommentFields = FieldsOf<typeof BILI_ITEM_FIELDS.comment>;
export type BiliCreatorFields = FieldsOf<typeof BILI_ITEM_FIELDS.creator>;
