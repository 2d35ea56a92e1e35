import * as z from "zod";
import { type FieldsOf, itemField, type MediaItemFields } from "../media/itemSchema.js";

/**
 * The fields of tieba records, in CSV order: the one definition items.ts maps to (its comment
 * says where each comes from), the CSV columns and the OpenAPI item schemas are made from.
 * Browser-free (definition.ts imports it).
 */
export const TIEBA_ITEM_FIELDS = {
  content: {
    note_id: itemField.id(),
    title: itemField.text(),
    desc: itemField.text(),
    note_url: z.string(),
    publish_time: itemField.time(),
    tieba_name: itemField.text(),
    tieba_link: itemField.text(),
    total_replay_num: itemField.count(),
    total_replay_page: itemField.count(),
    source_keyword: itemField.text(),
    user_link: itemField.text(),
  },
  comment: {
    comment_id: itemField.id(),
    parent_comment_id: itemField.text(),
    content: z.string(),
    publish_time: itemField.time(),
    sub_comment_count: itemField.count(),
    note_id: z.string(),
    note_url: z.string(),
    tieba_id: itemField.text(),
    tieba_name: itemField.text(),
    tieba_link: itemField.text(),
    user_link: itemField.text(),
  },
  // The creator's profile (creator mode), from /c/u/pc/homeSidebarRight: MC's TiebaCreator
  // names (media_platform/tieba/help.py:222-237; model/m_baidu_tieba.py).
  creator: {
    follows: itemField.count(),
    fans: itemField.count(),
    registration_duration: itemField.text(),
  },
} satisfies MediaItemFields;

export type TiebaContentFields = FieldsOf<typeof TIEBA_ITEM_FIELDS.content>;
export type TiebaCommentFields = FieldsOf<typeof TIEBA_ITEM_FIELDS.comment>;
export type TiebaCreatorFields = FieldsOf<typeof TIEBA_ITEM_FIELDS.creator>;
