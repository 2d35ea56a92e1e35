import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { ZhihuContentRef, ZhihuContentType } from "./ids.js";
import type { ZhihuAuthor, ZhihuComment, ZhihuContentObject, ZhihuInitialData, ZhihuUserEntity } from "./shapes.js";
import {
  ZHIHU_ITEM_FIELDS,
  type ZhihuCommentFields,
  type ZhihuContentFields,
  type ZhihuCreatorFields,
} from "./itemSchema.js";

/**
 * Turns zhihu answers (shapes.ts) into stored records, with the field names users of
 * MediaCrawler-like crawlers know. Every record of a type has every field (null when the
 * site did not say). Times are unix seconds, as the site gives them.
 *
 * content (an answer, article or video):
 *   content_id, content_type (answer | article | zvideo), content_url, title, desc,
 *   content_text, created_time, updated_time, voteup_count, comment_count, question_id,
 *   source_keyword (null outside search), user_link, user_url_token
 * comment (a root comment, or with enable_sub_comments a reply to one):
 *   comment_id, parent_comment_id (null for root comments; the root comment's id for
 *   replies), content, publish_time, sub_comment_count, like_count, dislike_count,
 *   content_id, content_type, user_link, user_url_token
 * creator (creator mode, one per creator):
 *   gender, follows, fans, answer_count, article_count, video_count, question_count,
 *   column_count, get_voteup_count, user_link, user_url_token
 * creator fields of all three (added by the framework from `creator`): user_id, nickname,
 * avatar, ip_location (comments and creators: "IP 属地…") — hashed / masked unless
 * keep_user_info. `user_link` and `user_url_token` name the user too, so they are null
 * unless keep_user_info.
 */

export const ZHIHU_CONTENT_FIELDS = Object.keys(ZHIHU_ITEM_FIELDS.content);

export const ZHIHU_COMMENT_FIELDS = Object.keys(ZHIHU_ITEM_FIELDS.comment);

export const ZHIHU_CREATOR_FIELDS = Object.keys(ZHIHU_ITEM_FIELDS.creator);

export interface ZhihuMapContext {
  /** Origins of the site (or a stand-in): `www` and `zhuanlan`. */
  baseUrls: Readonly<Record<string, string>>;
  keepUserInfo: boolean;
}

/** An answer / article / zvideo object (search, member lists, normalised page state) → content record. */
export function mapContent(
  object: ZhihuContentObject,
  sourceKeyword: string | null,
  context: ZhihuMapContext,
): MediaRecord | undefined {
  const type = contentTypeOf(object.type);
  const id = object.id === undefined || object.id === "" ? undefined : String(object.id);
  if (type === undefined || id === undefined) return undefined;
  const questionId = type === "answer" && object.question?.id !== undefined ? String(object.question.id) : null;
  const title = object.title ?? object.question?.title ?? object.question?.name;
  const summary = type === "zvideo" ? object.description : object.excerpt;
  return {
    item_type: "content",
    id,
    fields: {
      content_id: id,
      content_type: type,
      content_url: contentUrl(context.baseUrls, type, id, questionId),
      title: htmlToText(title) || null,
      desc: htmlToText(summary) || null,
      content_text: htmlToText(object.content) || null,
      created_time: object.created_time ?? object.created ?? object.published_at ?? object.created_at ?? null,
      updated_time: object.updated_time ?? object.updated ?? object.updated_at ?? null,
      voteup_count: object.voteup_count ?? null,
      comment_count: object.comment_count ?? null,
      question_id: questionId,
      source_keyword: sourceKeyword,
      ...userLinkFields(object.author, context),
    } satisfies ZhihuContentFields,
    creator: creatorOf(object.author),
  };
}

/** One comment_v5 comment → comment record; `rootId` is set for replies (child_comment). */
export function mapComment(
  comment: ZhihuComment,
  content: { id: string; type: ZhihuContentType },
  rootId: string | null,
  context: ZhihuMapContext,
): MediaRecord | undefined {
  if (comment.id === undefined || (comment.type !== undefined && comment.type !== "comment")) return undefined;
  const id = String(comment.id);
  const ipLocation = comment.comment_tag?.find((tag) => tag.type === "ip_info")?.text;
  const creator = creatorOf(comment.author);
  return {
    item_type: "comment",
    id,
    fields: {
      comment_id: id,
      parent_comment_id: rootId,
      content: htmlToText(comment.content),
      publish_time: comment.created_time ?? null,
      sub_comment_count: rootId === null ? (comment.child_comment_count ?? 0) : 0,
      like_count: comment.like_count ?? 0,
      dislike_count: comment.dislike_count ?? 0,
      content_id: content.id,
      content_type: content.type,
      ...userLinkFields(comment.author, context),
    } satisfies ZhihuCommentFields,
    creator: creator && ipLocation ? { ...creator, ip_location: ipLocation } : creator,
    // A reply names its root comment, so the framework stores it only with enable_sub_comments.
    ...(rootId === null ? {} : { parentId: rootId }),
  };
}

/** The profile's user entity (js-initialData of /people/<token>) → creator record. */
export function mapCreator(user: ZhihuUserEntity, context: ZhihuMapContext): MediaRecord | undefined {
  const author: ZhihuAuthor = { id: user.id, url_token: user.urlToken, name: user.name, avatar_url: user.avatarUrl };
  const creator = creatorOf(author);
  if (creator === undefined) return undefined;
  return {
    item_type: "creator",
    id: creator.user_id,
    fields: {
      gender: user.gender === 1 ? "male" : user.gender === 0 ? "female" : "unknown",
      follows: user.followingCount ?? null,
      fans: user.followerCount ?? null,
      answer_count: user.answerCount ?? null,
      article_count: user.articlesCount ?? null,
      video_count: user.zvideoCount ?? null,
      question_count: user.questionCount ?? null,
      column_count: user.columnsCount ?? null,
      get_voteup_count: user.voteupCount ?? null,
      ...userLinkFields(author, context),
    } satisfies ZhihuCreatorFields,
    creator: user.ipInfo ? { ...creator, ip_location: user.ipInfo } : creator,
  };
}

export function contentUrl(
  baseUrls: Readonly<Record<string, string>>,
  type: ZhihuContentType,
  id: string,
  questionId: string | null,
): string {
  if (type === "article") return `${baseUrls.zhuanlan ?? baseUrls.www}/p/${id}`;
  if (type === "zvideo") return `${baseUrls.www}/zvideo/${id}`;
  return `${baseUrls.www}/question/${questionId}/answer/${id}`;
}

export function contentTypeOf(type: string | undefined): ZhihuContentType | undefined {
  return type === "answer" || type === "article" || type === "zvideo" ? type : undefined;
}

/** Anonymous authors (id "0", no url_token) have no identity to store. */
function creatorOf(author: ZhihuAuthor | undefined): CreatorInfo | undefined {
  if (!author?.id || author.id === "0") return undefined;
  return {
    user_id: author.id,
    ...(author.name ? { nickname: author.name } : {}),
    ...(author.avatar_url ? { avatar: author.avatar_url } : {}),
  };
}

function userLinkFields(
  author: ZhihuAuthor | undefined,
  context: ZhihuMapContext,
): { user_link: string | null; user_url_token: string | null } {
  const token = context.keepUserInfo && author?.url_token ? author.url_token : null;
  return { user_link: token === null ? null : `${context.baseUrls.www}/people/${token}`, user_url_token: token };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

/** Text of zhihu's HTML (content, excerpts with <em> highlights): tags dropped, entities decoded, spaces collapsed. */
export function htmlToText(html: string | undefined): string {
  if (!html) return "";
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#") && name !== "#39") return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A post out of a page's `js-initialData` store (camelCase, normalised: a zvideo's author
 * may be a key into `entities.users`), given back in the API's snake_case shape, so one
 * mapper (mapContent) serves search, member lists and pages.
 */
export function contentFromState(
  state: ZhihuInitialData | undefined,
  ref: ZhihuContentRef,
): ZhihuContentObject | undefined {
  const entities = state?.initialState?.entities;
  if (entities === undefined) return undefined;
  const users = entities.users ?? {};
  if (ref.type === "answer") {
    const answer = entities.answers?.[ref.id];
    if (answer === undefined) return undefined;
    const questionId = answer.question?.id ?? ref.questionId;
    const question = entities.questions?.[String(questionId)];
    return {
      id: answer.id ?? ref.id,
      type: "answer",
      content: answer.content,
      excerpt: answer.excerpt,
      created_time: answer.createdTime,
      updated_time: answer.updatedTime,
      voteup_count: answer.voteupCount,
      comment_count: answer.commentCount,
      question: { id: questionId, title: answer.question?.title ?? question?.title },
      author: authorOf(answer.author, users),
    };
  }
  if (ref.type === "article") {
    const article = entities.articles?.[ref.id];
    if (article === undefined) return undefined;
    return {
      id: article.id ?? ref.id,
      type: "article",
      title: article.title,
      content: article.content,
      excerpt: article.excerpt,
      created: article.created,
      updated: article.updated,
      voteup_count: article.voteupCount,
      comment_count: article.commentCount,
      author: authorOf(article.author, users),
    };
  }
  const zvideo = entities.zvideos?.[ref.id];
  if (zvideo === undefined) return undefined;
  return {
    id: zvideo.id ?? ref.id,
    type: "zvideo",
    title: zvideo.title,
    description: zvideo.description,
    published_at: zvideo.publishedAt,
    updated_at: zvideo.updatedAt,
    voteup_count: zvideo.voteupCount,
    comment_count: zvideo.commentCount,
    author: authorOf(zvideo.author, users),
  };
}

/**
 * The profile owner on /people/<token>: `entities.users` is keyed by url_token (MC
 * help.py:332-338); a profile opened by the user's id (creator ids from an earlier crawl)
 * is found by its `id`.
 */
export function userFromState(state: ZhihuInitialData | undefined, token: string): ZhihuUserEntity | undefined {
  const users = state?.initialState?.entities?.users ?? {};
  return users[token] ?? Object.values(users).find((user) => user.id === token || user.urlToken === token);
}

type EntityAuthor = { id?: string; urlToken?: string; name?: string; avatarUrl?: string };

function authorOf(
  author: string | EntityAuthor | undefined,
  users: Readonly<Record<string, ZhihuUserEntity>>,
): ZhihuAuthor | undefined {
  const entity = typeof author === "string" ? users[author] : author;
  if (entity === undefined) return undefined;
  return { id: entity.id, url_token: entity.urlToken, name: entity.name, avatar_url: entity.avatarUrl };
}
