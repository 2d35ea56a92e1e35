import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { Id, TiebaContentPart, TiebaFirstFloor, TiebaPost, TiebaSubPost, TiebaThreadPageResponse, TiebaUser } from "./shapes.js";

/**
 * Turns tieba answers (shapes.ts) into stored records, with the field names users of
 * MediaCrawler-like crawlers know. Every record of a type has every field (null when the
 * site did not say). Times are unix seconds, as the site gives them.
 *
 * content (a thread, 帖子):
 *   note_id, title, desc, note_url, publish_time, tieba_name, tieba_link,
 *   total_replay_num, total_replay_page, source_keyword (null outside search), user_link
 * comment (a floor 楼层, or with enable_sub_comments a reply inside a floor 楼中楼):
 *   comment_id, parent_comment_id (null for floors; the floor's id for replies),
 *   content, publish_time, sub_comment_count, note_id, note_url, tieba_name,
 *   tieba_link, user_link
 * creator fields of both (added by the framework from `creator`): user_id (tieba's
 * numeric user id), nickname (name_show), avatar, ip_location (IP属地) — hashed / masked
 * unless keep_user_info. `user_link` (the profile URL, which names the user) is likewise
 * null unless keep_user_info.
 */

export const TIEBA_CONTENT_FIELDS = [
  "note_id", "title", "desc", "note_url", "publish_time", "tieba_name", "tieba_link",
  "total_replay_num", "total_replay_page", "source_keyword", "user_link",
] as const;

export const TIEBA_COMMENT_FIELDS = [
  "comment_id", "parent_comment_id", "content", "publish_time", "sub_comment_count",
  "note_id", "note_url", "tieba_name", "tieba_link", "user_link",
] as const;

/** Where avatars live (a CDN, not a page we open, so not a configurable base URL). */
const AVATAR_BASE = "https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/";

export interface TiebaMapContext {
  /** The site's origin, e.g. https://tieba.baidu.com (a stand-in's in tests). */
  baseUrl: string;
  keepUserInfo: boolean;
}

/** The thread as one content record, from page 1 of /c/f/pb/page_pc. */
export function mapThread(page: TiebaThreadPageResponse, sourceKeyword: string | null, context: TiebaMapContext): MediaRecord | undefined {
  const thread = page.thread ?? {};
  const first: TiebaFirstFloor | undefined = page.first_floor ?? page.post_list?.find((post) => post.floor === 1);
  const noteId = idText(thread.id ?? first?.tid);
  if (noteId === null) return undefined;
  const forum = forumOf(page, context.baseUrl);
  const author = userById(page, first?.author_id ?? thread.author_id);
  return {
    item_type: "content",
    id: noteId,
    fields: {
      note_id: noteId,
      title: cleanText(thread.title ?? first?.title) || null,
      desc: contentText(first?.content) || null,
      note_url: noteUrl(context.baseUrl, noteId),
      publish_time: first?.time ?? thread.create_time ?? null,
      tieba_name: forum.name,
      tieba_link: forum.link,
      total_replay_num: thread.reply_num ?? null,
      total_replay_page: page.page?.total_page ?? null,
      source_keyword: sourceKeyword,
      user_link: context.keepUserInfo ? userLink(context.baseUrl, author) : null,
    },
    creator: creatorOf(author),
  };
}

/**
 * The floors of one thread page as comment records, each followed by the replies inside
 * it that the page carries when `withReplies`. Floor 1 (the thread itself) is skipped.
 */
export function mapFloors(page: TiebaThreadPageResponse, noteId: string, withReplies: boolean, context: TiebaMapContext): MediaRecord[] {
  const firstFloorId = idText(page.first_floor?.id);
  const forum = forumOf(page, context.baseUrl);
  const base = { note_id: noteId, note_url: noteUrl(context.baseUrl, noteId), tieba_name: forum.name, tieba_link: forum.link };
  const records: MediaRecord[] = [];
  for (const post of page.post_list ?? []) {
    const postId = idText(post.id);
    if (postId === null || post.floor === 1 || postId === firstFloorId) continue;
    records.push(commentRecord(page, post, postId, null, post.sub_post_number ?? 0, base, context));
    if (!withReplies) continue;
    for (const reply of post.sub_post_list?.sub_post_list ?? []) {
      const replyId = idText(reply.id);
      if (replyId !== null) records.push(commentRecord(page, reply, replyId, postId, 0, base, context));
    }
  }
  return records;
}

function commentRecord(
  page: TiebaThreadPageResponse,
  post: TiebaPost | TiebaSubPost,
  commentId: string,
  parentId: string | null,
  subCount: number,
  base: Record<string, unknown>,
  context: TiebaMapContext,
): MediaRecord {
  const author = userById(page, post.author_id);
  return {
    item_type: "comment",
    id: commentId,
    fields: {
      comment_id: commentId,
      parent_comment_id: parentId,
      content: contentText(post.content),
      publish_time: post.time ?? null,
      sub_comment_count: subCount,
      ...base,
      user_link: context.keepUserInfo ? userLink(context.baseUrl, author) : null,
    },
    creator: creatorOf(author),
    // A reply names its floor, so the framework stores it only with enable_sub_comments.
    ...(parentId === null ? {} : { parentId }),
  };
}

export function noteUrl(baseUrl: string, noteId: string): string {
  return `${baseUrl}/p/${noteId}`;
}

/** Forum name with its "吧" suffix, as the site shows it, and its link. */
function forumOf(page: TiebaThreadPageResponse, baseUrl: string): { name: string | null; link: string | null } {
  const raw = (page.forum?.name ?? page.display_forum?.name ?? "").trim().replace(/吧$/, "");
  if (raw === "") return { name: null, link: null };
  return { name: `${raw}吧`, link: `${baseUrl}/f?kw=${encodeURIComponent(raw)}` };
}

function userById(page: TiebaThreadPageResponse, authorId: Id | undefined): TiebaUser | undefined {
  if (authorId === undefined) return undefined;
  return page.user_list?.find((user) => String(user.id) === String(authorId));
}

function creatorOf(user: TiebaUser | undefined): CreatorInfo | undefined {
  const userId = idText(user?.id) ?? (user?.portrait || null);
  if (user === undefined || userId === null) return undefined;
  return {
    user_id: userId,
    ...(user.name_show || user.name ? { nickname: user.name_show || user.name } : {}),
    ...(user.portrait ? { avatar: `${AVATAR_BASE}${user.portrait}` } : {}),
    ...(user.ip_address ? { ip_location: user.ip_address } : {}),
  };
}

function userLink(baseUrl: string, user: TiebaUser | undefined): string | null {
  return user?.portrait ? `${baseUrl}/home/main?id=${encodeURIComponent(user.portrait)}` : null;
}

/** The text of a floor: text parts and emoticon names joined, whitespace collapsed. */
export function contentText(content: TiebaContentPart[] | string | undefined): string {
  if (typeof content === "string") return cleanText(content);
  return cleanText((content ?? []).map((part) => part.text ?? (part.c ? `[${part.c}]` : "")).join(""));
}

function cleanText(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function idText(id: Id | undefined | null): string | null {
  if (id === undefined || id === null || id === "" || id === 0) return null;
  return String(id);
}
