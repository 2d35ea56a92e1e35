import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of zhihu records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const ZHIHU_ITEM_FIELDS = {
  content: {
    content_id: itemField.id(),
    content_type: z.string(),
    content_url: itemField.text(),
    title: itemField.text(),
    desc: itemField.text(),
    content_text: itemField.text(),
    created_time: itemField.time(),
    updated_time: itemField.time(),
    voteup_count: itemField.count(),
    comment_count: itemField.count(),
    question_id: itemField.text(),
    source_keyword: itemField.text(),
    user_link: itemField.text(),
    user_url_token: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    parent_comment_id: itemField.text(),
    content: z.string(),
    publish_time: itemField.time(),
    sub_comment_count: itemField.count(),
    like_count: itemField.count(),
    dislike_count: itemField.count(),
    content_id: z.string(),
    content_type: z.string(),
    user_link: itemField.text(),
    user_url_token: itemField.text(),
  },
  creator: {
    gender: z.enum(["male", "female", "unknown"]),
    follows: itemField.count(),
    fans: itemField.count(),
    answer_count: itemField.count(),
    article_count: itemField.count(),
    video_count: itemField.count(),
    question_count: itemField.count(),
    column_count: itemField.count(),
    get_voteup_count: itemField.count(),
    user_link: itemField.text(),
    user_url_token: itemField.text(),
  },
} satisfies MediaItemFields;

export type ZhihuContentFields = FieldsOf<typeof ZHIHU_ITEM_FIELDS.content>;
export type ZhihuCommentFields = FieldsOf<typeof ZHIHU_ITEM_FIELDS.comment>;
export type ZhihuCreatorFields = FieldsOf<typeof ZHIHU_ITEM_FIELDS.creator>;
