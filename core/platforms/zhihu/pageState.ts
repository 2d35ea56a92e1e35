import type { ZhihuContentRef } from "./inputs.js";
import type { ZhihuAuthor, ZhihuContentObject, ZhihuInitialData, ZhihuUserEntity } from "./shapes.js";

/**
 * Reads posts and users out of a page's `js-initialData` store (camelCase, normalised:
 * a zvideo's author may be a key into `entities.users`) and gives them back in the API's
 * snake_case shape, so one mapper (items.ts) serves search, member lists and pages.
 */

export function contentFromState(state: ZhihuInitialData | undefined, ref: ZhihuContentRef): ZhihuContentObject | undefined {
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

/** The profile owner on /people/<token>: `entities.users` is keyed by url_token. */
export function userFromState(state: ZhihuInitialData | undefined, urlToken: string): ZhihuUserEntity | undefined {
  return state?.initialState?.entities?.users?.[urlToken];
}

type EntityAuthor = { id?: string; urlToken?: string; name?: string; avatarUrl?: string };

function authorOf(author: string | EntityAuthor | undefined, users: Record<string, ZhihuUserEntity>): ZhihuAuthor | undefined {
  const entity = typeof author === "string" ? users[author] : author;
  if (entity === undefined) return undefined;
  return { id: entity.id, url_token: entity.urlToken, name: entity.name, avatar_url: entity.avatarUrl };
}
