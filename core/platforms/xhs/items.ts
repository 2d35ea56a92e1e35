import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { XhsComment, XhsImage, XhsNoteCard, XhsStateNote, XhsUser, XhsUserPageData, XhsVideo } from "./shapes.js";

/**
 * Mappers from xhs JSON (shapes.ts) to records, with the field names users of such
 * crawlers know:
 * - content: note_id, type, title, desc, video_url, time, last_update_time, liked_count,
 *   collected_count, comment_count, share_count, image_list, tag_list, note_url,
 *   source_keyword, xsec_token;
 * - comment: comment_id, create_time, note_id, content, sub_comment_count, pictures,
 *   parent_comment_id (null for a top-level comment), like_count;
 * - creator: desc (the bio; only with keep_user_info), gender, follows, fans, interaction, tag_list.
 * Who wrote it (user id, nickname, avatar, IP location) goes to `creator` only; the
 * framework stores it hashed unless the task keeps user info. Lists are arrays; values
 * the site did not send are null.
 */

/** Where a note was found, for its stored fields. */
export interface NoteContext {
  /** Base of note_url, e.g. "https://www.xiaohongshu.com". */
  wwwBase: string;
  /** The token the note's links carry; xhs refuses note pages without it. */
  xsecToken?: string;
  /** "pc_search", "pc_user", "pc_feed": what note_url says the visit came from. */
  xsecSource: string;
  /** The keyword that found it (search mode). */
  sourceKeyword?: string;
}

/** xhs video notes without an origin key still list streams; these are the file hosts of origin keys. */
const VIDEO_HOST = "https://sns-video-bd.xhscdn.com";

export function noteRecord(card: XhsNoteCard, context: NoteContext): MediaRecord {
  const noteId = card.note_id ?? "";
  const info = card.interact_info ?? {};
  const token = context.xsecToken ?? null;
  return {
    item_type: "content",
    id: noteId,
    fields: {
      note_id: noteId,
      type: card.type ?? null,
      title: card.title || card.display_title || "",
      desc: card.desc ?? null,
      video_url: card.type === "video" ? videoUrl(card.video) : null,
      time: card.time ?? null,
      last_update_time: card.last_update_time ?? null,
      liked_count: info.liked_count ?? null,
      collected_count: info.collected_count ?? null,
      comment_count: info.comment_count ?? null,
      share_count: info.share_count ?? null,
      image_list: (card.image_list ?? []).map(imageUrl).filter((url): url is string => url !== undefined),
      tag_list: (card.tag_list ?? []).filter((tag) => tag.type === "topic" && tag.name).map((tag) => tag.name as string),
      note_url: noteUrl(context.wwwBase, noteId, token, context.xsecSource),
      source_keyword: context.sourceKeyword ?? null,
      xsec_token: token,
    },
    creator: creatorOf(card.user, card.ip_location),
  };
}

/** The note page's embedded state note (camelCase) in the feed's shape, then mapped. */
export function noteRecordFromState(note: XhsStateNote, context: NoteContext): MediaRecord {
  const stream = note.video?.media?.stream;
  const card: XhsNoteCard = {
    note_id: note.noteId,
    type: note.type,
    title: note.title,
    desc: note.desc,
    time: note.time,
    last_update_time: note.lastUpdateTime,
    ip_location: note.ipLocation,
    user: { user_id: note.user?.userId, nickname: note.user?.nickname, avatar: note.user?.avatar },
    interact_info: {
      liked_count: note.interactInfo?.likedCount,
      collected_count: note.interactInfo?.collectedCount,
      comment_count: note.interactInfo?.commentCount,
      share_count: note.interactInfo?.shareCount,
    },
    image_list: (note.imageList ?? []).map((image) => ({ url_default: image.urlDefault, url: image.url, url_pre: image.urlPre })),
    tag_list: note.tagList,
    video: {
      consumer: { origin_video_key: note.video?.consumer?.originVideoKey },
      media: {
        stream: Object.fromEntries(Object.entries(stream ?? {}).map(([codec, list]) => [codec, list.map((entry) => ({ master_url: entry.masterUrl }))])),
      },
    },
  };
  return noteRecord(card, { ...context, xsecToken: context.xsecToken ?? note.xsecToken });
}

/**
 * A comment; `rootId` set makes it a reply (to `target_comment`, or to the root when
 * the site does not say).
 */
export function commentRecord(comment: XhsComment, noteId: string, rootId?: string): MediaRecord {
  const id = comment.id ?? "";
  const parent = rootId === undefined ? null : (comment.target_comment?.id ?? rootId);
  return {
    item_type: "comment",
    id,
    fields: {
      comment_id: id,
      create_time: comment.create_time ?? null,
      note_id: comment.note_id ?? noteId,
      content: comment.content ?? "",
      sub_comment_count: comment.sub_comment_count ?? (rootId === undefined ? "0" : null),
      pictures: (comment.pictures ?? []).map(imageUrl).filter((url): url is string => url !== undefined),
      parent_comment_id: parent,
      like_count: comment.like_count ?? null,
    },
    creator: creatorOf(comment.user_info, comment.ip_location),
    ...(rootId === undefined ? {} : { parentId: rootId }),
  };
}

/** A creator's profile. The bio identifies a person as well as a name does: kept only with keep_user_info. */
export function creatorRecord(userId: string, page: XhsUserPageData, keepUserInfo = false): MediaRecord {
  const basic = page.basicInfo ?? {};
  const count = (type: string): string | null => page.interactions?.find((entry) => entry.type === type)?.count ?? null;
  return {
    item_type: "creator",
    id: userId,
    fields: {
      desc: keepUserInfo ? (basic.desc ?? null) : null,
      gender: basic.gender ?? null,
      follows: count("follows"),
      fans: count("fans"),
      interaction: count("interaction"),
      tag_list: (page.tags ?? []).map((tag) => tag.name).filter((name): name is string => Boolean(name)),
    },
    creator: { user_id: userId, nickname: basic.nickname, avatar: basic.images ?? basic.imageb, ip_location: basic.ipLocation },
  };
}

export function noteUrl(wwwBase: string, noteId: string, xsecToken: string | null, xsecSource: string): string {
  const url = new URL(`/explore/${encodeURIComponent(noteId)}`, wwwBase);
  if (xsecToken) {
    url.searchParams.set("xsec_token", xsecToken);
    url.searchParams.set("xsec_source", xsecSource);
  }
  return url.href;
}

/**
 * Vue 3 refs in __INITIAL_STATE__ serialise as {__v_isRef: true, _value, …}; returns
 * what they hold (and plain values as they are).
 */
export function unref<T>(value: unknown): T | undefined {
  let current = value;
  while (typeof current === "object" && current !== null && (current as { __v_isRef?: unknown }).__v_isRef === true) {
    const ref = current as { _value?: unknown; value?: unknown };
    current = ref._value !== undefined ? ref._value : ref.value;
  }
  return current as T | undefined;
}

function creatorOf(user: XhsUser | undefined, ipLocation: string | undefined): CreatorInfo | undefined {
  if (user?.user_id === undefined || user.user_id === "") return undefined;
  return {
    user_id: user.user_id,
    ...definedOnly({ nickname: user.nickname ?? user.nick_name, avatar: user.avatar ?? user.image, ip_location: ipLocation }),
  };
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function imageUrl(image: XhsImage): string | undefined {
  const fromList = image.info_list?.find((entry) => entry.image_scene === "WB_DFT")?.url;
  return image.url_default || image.url || fromList || image.url_pre || undefined;
}

function videoUrl(video: XhsVideo | undefined): string | null {
  const key = video?.consumer?.origin_video_key;
  if (key) return `${VIDEO_HOST}/${key}`;
  for (const codec of ["h264", "h265", "av1", "h266"]) {
    const url = video?.media?.stream?.[codec]?.find((entry) => entry.master_url)?.master_url;
    if (url) return url;
  }
  return null;
}
