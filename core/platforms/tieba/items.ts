import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type {
  Id,
  TiebaContentPart,
  TiebaCreatorProfile,
  TiebaFirstFloor,
  TiebaPost,
  TiebaReplyRow,
  TiebaSubPost,
  TiebaThreadPageResponse,
  TiebaUser,
} from "./shapes.js";
import {
  TIEBA_ITEM_FIELDS,
  type TiebaCommentFields,
  type TiebaContentFields,
  type TiebaCreatorFields,
} from "./itemSchema.js";

/**
 * Turns tieba answers (shapes.ts) into stored records, with MediaCrawler's field names
 * (MC model/m_baidu_tieba.py). Every record of a type has every field (null when the site
 * did not say). Times are unix seconds (MC stores "YYYY-MM-DD HH:MM:SS" strings instead,
 * help.py:144, tools/time_util.py:60-68; issue 16's MC-compatible export converts).
 *
 * content (a thread, 帖子):
 *   note_id, title, desc, note_url, publish_time, tieba_name, tieba_link,
 *   total_replay_num, total_replay_page, source_keyword (null outside search), user_link
 * comment (a floor 楼层, or with enable_sub_comments a reply inside a floor 楼中楼):
 *   comment_id, parent_comment_id (null for floors; the floor's id for replies),
 *   content, publish_time, sub_comment_count, note_id, note_url, tieba_id (the forum's
 *   id, MC m_baidu_tieba.py:59), tieba_name, tieba_link, user_link
 * creator fields of both (added by the framework from `creator`): user_id (the user's
 * portrait, tb.1.…, which is what creator mode takes; the numeric id when there is no
 * portrait), nickname (name_show), avatar, ip_location (IP属地) — hashed / masked unless
 * keep_user_info. `user_link` (the profile URL, which names the user) is likewise null
 * unless keep_user_info.
 */

export const TIEBA_CONTENT_FIELDS = Object.keys(TIEBA_ITEM_FIELDS.content);

export const TIEBA_COMMENT_FIELDS = Object.keys(TIEBA_ITEM_FIELDS.comment);

/** Where avatars live (a CDN, not a page we open, so not a configurable base URL; MC help.py:117-121). */
const AVATAR_BASE = "https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/";

export interface TiebaMapContext {
  /** The site's origin, e.g. https://tieba.baidu.com (a stand-in's in tests). */
  baseUrl: string;
  keepUserInfo: boolean;
}

/** The thread's fields every comment repeats: which thread, which forum. */
export interface TiebaThreadRef {
  note_id: string;
  note_url: string;
  tieba_id: string | null;
  tieba_name: string | null;
  tieba_link: string | null;
}

/** The thread as one content record, from page 1 of /c/f/pb/page_pc (MC help.py:156-187). */
export function mapThread(
  page: TiebaThreadPageResponse,
  sourceKeyword: string | null,
  context: TiebaMapContext,
): MediaRecord | undefined {
  const thread = page.thread ?? {};
  const first: TiebaFirstFloor | undefined = page.first_floor ?? page.post_list?.find((post) => post.floor === 1);
  const noteId = idText(thread.id ?? thread.tid ?? first?.tid);
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
    } satisfies TiebaContentFields,
    creator: creatorOf(author),
  };
}

/** Which thread and forum a page's comments belong to. */
export function threadRef(page: TiebaThreadPageResponse, noteId: string, baseUrl: string): TiebaThreadRef {
  const forum = forumOf(page, baseUrl);
  return {
    note_id: noteId,
    note_url: noteUrl(baseUrl, noteId),
    tieba_id: idText(page.forum?.id ?? page.display_forum?.id),
    tieba_name: forum.name,
    tieba_link: forum.link,
  };
}

/** The floors of one thread page that are comments: floor 1 (the thread itself) is not. */
export function commentFloors(page: TiebaThreadPageResponse): TiebaPost[] {
  const firstFloorId = idText(page.first_floor?.id);
  return (page.post_list ?? []).filter((post) => {
    const postId = idText(post.id);
    return postId !== null && post.floor !== 1 && postId !== firstFloorId;
  });
}

/** One floor as a comment record (MC help.py:201-219). */
export function floorRecord(
  page: TiebaThreadPageResponse,
  post: TiebaPost,
  thread: TiebaThreadRef,
  context: TiebaMapContext,
): MediaRecord {
  return commentRecord(page, post, String(post.id), null, post.sub_post_number ?? 0, thread, context);
}

/** The replies inside a floor that page_pc carries (a preview: the rest come from /p/comment). */
export function carriedReplies(
  page: TiebaThreadPageResponse,
  post: TiebaPost,
  thread: TiebaThreadRef,
  context: TiebaMapContext,
): MediaRecord[] {
  const floorId = String(post.id);
  return (post.sub_post_list?.sub_post_list ?? []).flatMap((reply) => {
    const replyId = idText(reply.id);
    return replyId === null ? [] : [commentRecord(page, reply, replyId, floorId, 0, thread, context)];
  });
}

/**
 * The floors of one thread page as comment records, each followed by the replies page_pc
 * carries inside it when `withReplies`. Floor 1 (the thread itself) is skipped.
 */
export function mapFloors(
  page: TiebaThreadPageResponse,
  noteId: string,
  withReplies: boolean,
  context: TiebaMapContext,
): MediaRecord[] {
  const thread = threadRef(page, noteId, context.baseUrl);
  return commentFloors(page).flatMap((post) => [
    floorRecord(page, post, thread, context),
    ...(withReplies ? carriedReplies(page, post, thread, context) : []),
  ]);
}

/**
 * One reply of a /p/comment fragment (shapes.ts) as a comment record (MC help.py:636-653:
 * spid, showname, the text of lzl_content_main, lzl_time). The fragment names users by
 * portrait and shows no IP属地.
 */
export function replyRowRecord(
  row: TiebaReplyRow,
  floorId: string,
  thread: TiebaThreadRef,
  context: TiebaMapContext,
): MediaRecord {
  const replyId = String(row.field.spid);
  const user: TiebaUser = { portrait: row.field.portrait, name_show: row.field.showname, name: row.field.user_name };
  return {
    item_type: "comment",
    id: replyId,
    fields: {
      comment_id: replyId,
      parent_comment_id: floorId,
      content: cleanText(row.content),
      publish_time: fragmentTime(row.time),
      sub_comment_count: 0,
      ...thread,
      user_link: context.keepUserInfo ? userLink(context.baseUrl, user) : null,
    } satisfies TiebaCommentFields,
    creator: creatorOf(user),
    parentId: floorId,
  };
}

function commentRecord(
  page: TiebaThreadPageResponse,
  post: TiebaPost | TiebaSubPost,
  commentId: string,
  parentId: string | null,
  subCount: number,
  thread: TiebaThreadRef,
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
      ...thread,
      user_link: context.keepUserInfo ? userLink(context.baseUrl, author) : null,
    } satisfies TiebaCommentFields,
    creator: creatorOf(author),
    // A reply names its floor, so the framework stores it only with enable_sub_comments.
    ...(parentId === null ? {} : { parentId }),
  };
}

export function noteUrl(baseUrl: string, noteId: string): string {
  return `${baseUrl}/p/${noteId}`;
}

/** Forum name with its "吧" suffix, as the site shows it, and its link (MC help.py:72-81). */
function forumOf(page: TiebaThreadPageResponse, baseUrl: string): { name: string | null; link: string | null } {
  const raw = (page.forum?.name ?? page.display_forum?.name ?? "").trim().replace(/吧$/, "");
  if (raw === "") return { name: null, link: null };
  return { name: `${raw}吧`, link: `${baseUrl}/f?kw=${encodeURIComponent(raw)}` };
}

function userById(page: TiebaThreadPageResponse, authorId: Id | undefined): TiebaUser | undefined {
  if (authorId === undefined) return undefined;
  return page.user_list?.find((user) => String(user.id) === String(authorId));
}

/** A portrait without the "?t=…" cache suffix profile links sometimes carry (MC client.py:185). */
function portraitOf(user: TiebaUser | undefined): string | null {
  const portrait = user?.portrait?.split("?")[0]?.trim();
  return portrait ? portrait : null;
}

function creatorOf(user: TiebaUser | undefined): CreatorInfo | undefined {
  const userId = portraitOf(user) ?? idText(user?.id);
  if (user === undefined || userId === null) return undefined;
  const portrait = portraitOf(user);
  return {
    user_id: userId,
    ...(user.name_show || user.name ? { nickname: user.name_show || user.name } : {}),
    ...(portrait ? { avatar: `${AVATAR_BASE}${portrait}` } : {}),
    ...(user.ip_address ? { ip_location: user.ip_address } : {}),
  };
}

function userLink(baseUrl: string, user: TiebaUser | undefined): string | null {
  const portrait = portraitOf(user);
  return portrait ? `${baseUrl}/home/main?id=${encodeURIComponent(portrait)}` : null;
}

/** The text of a floor: text parts and emoticon names joined, whitespace collapsed. */
export function contentText(content: TiebaContentPart[] | string | undefined): string {
  if (typeof content === "string") return cleanText(content);
  return cleanText((content ?? []).map((part) => part.text ?? (part.c ? `[${part.c}]` : "")).join(""));
}

/**
 * A fragment's "2024-8-6 22:11" as unix seconds. ASSUMPTION: the page shows Beijing time
 * (UTC+8), whatever the reader's zone; null when the text is not a date.
 */
export function fragmentTime(text: string | undefined): number | null {
  const match = text?.trim().match(/^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Math.floor(Date.UTC(year, month - 1, day, hour - 8, minute, second) / 1000);
}

function cleanText(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function idText(id: Id | undefined | null): string | null {
  if (id === undefined || id === null || id === "" || id === 0) return null;
  return String(id);
}

/**
 * The creator's own record (creator mode) from the profile's homeSidebarRight answer: follows
 * (concern_num), fans (fans_num), registration_duration (tb_age, years on tieba, as the site
 * sends it), MC help.py:222-237. Its `user_id` is the portrait, as on every other tieba item,
 * so its creator_hash matches the creator's posts and comments.
 */
export function tiebaCreatorRecord(user: TiebaCreatorProfile, portrait: string | undefined): MediaRecord | undefined {
  const userId = portrait ?? user.portrait?.split("?")[0] ?? idText(user.id) ?? undefined;
  if (userId === undefined) return undefined;
  const fields: TiebaCreatorFields = {
    follows: user.concern_num ?? null,
    fans: user.fans_num ?? null,
    registration_duration: user.tb_age === undefined ? null : String(user.tb_age),
  };
  const nickname = user.name_show || user.name;
  return {
    item_type: "creator",
    id: userId,
    fields,
    creator: {
      user_id: userId,
      ...(nickname ? { nickname } : {}),
      avatar: `${AVATAR_BASE}${userId}`,
    },
  };
}
